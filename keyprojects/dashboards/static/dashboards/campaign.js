/* The campaign charts (ECharts, served from our own static files). The data, its labels and
   every drill-down URL come from the page (json_script "campaign-charts"); a click on a bar,
   point or segment opens the entries it counts. The same code draws the dashboard and the
   dark big screen (data-theme="dark", data-font-scale on [data-dashboard]). */
(function () {
  "use strict";
  const source = document.getElementById("campaign-charts");
  const root = document.querySelector("[data-dashboard]");
  if (!source || !root || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const fmt = window.KP.format; // core/static/core/format.js: the one number format
  const words = JSON.parse(document.getElementById("campaign-words").textContent);
  const dark = root.dataset.theme === "dark";
  const scale = parseFloat(root.dataset.fontScale || "1");
  const px = (n) => Math.round(n * scale);
  const colours = { sign: "#4e79a7", start: "#f28e2b", produce: "#59a14f", capacity: "#b07aa1" };
  const charts = {};
  const finished = new Set();
  window.campaignCharts = charts; // tests and the console find the instances here

  function go(url) {
    if (url) window.location.href = url;
  }

  function make(name, option, urlOf) {
    const el = document.querySelector('[data-chart="' + name + '"]');
    if (!el) return;
    const chart = echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    chart.setOption(
      Object.assign(
        {
          backgroundColor: "transparent",
          textStyle: { fontSize: px(12) },
          tooltip: { textStyle: { fontSize: px(13) } },
          legend: { top: 0, textStyle: { fontSize: px(12) }, itemWidth: px(18), itemHeight: px(11) },
        },
        option
      )
    );
    chart.on("click", (params) => go(urlOf(params)));
    chart.on("finished", () => {
      finished.add(name);
      // Every chart drawn and its animation over (screenshots and tests wait for this).
      if (finished.size === Object.keys(charts).length) root.dataset.chartsReady = "true";
    });
    charts[name] = chart;
  }

  const axisLabel = { fontSize: px(12) };

  // Each batch's entries: how many moved on (started, in production, at capacity) and how many not yet
  const conversion = data.conversion;
  make(
    "conversion",
    {
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (items) => {
          const row = conversion[items[0].dataIndex];
          return (
            row.name + "<br>" + row.indicator + ": " + fmt.percent(row.rate) +
            "<br>" + words.moved_on + ": " + fmt.count(row.converted) + " / " + fmt.count(row.entries) + " " + words.entries
          );
        },
      },
      legend: { top: 0, textStyle: { fontSize: px(12) } },
      grid: { left: px(8), right: px(56), top: px(34), bottom: px(8), containLabel: true },
      xAxis: { type: "value", name: words.entries, nameTextStyle: axisLabel, axisLabel: Object.assign({ formatter: fmt.axis() }, axisLabel) },
      yAxis: { type: "category", inverse: true, data: conversion.map((r) => r.name), axisLabel: axisLabel },
      series: [
        {
          name: words.moved_on,
          type: "bar",
          stack: "entries",
          data: conversion.map((r) => ({ value: r.converted, itemStyle: { color: colours[r.key] } })),
        },
        {
          name: words.not_yet,
          type: "bar",
          stack: "entries",
          data: conversion.map((r) => r.rest),
          itemStyle: { color: dark ? "#4b5563" : "#d0d5dc" },
          label: {
            show: true,
            position: "right",
            fontSize: px(12),
            formatter: (p) => fmt.percent(conversion[p.dataIndex].rate),
          },
        },
      ],
    },
    (p) => conversion[p.dataIndex] && (p.seriesIndex === 0 ? conversion[p.dataIndex].url : conversion[p.dataIndex].entries_url)
  );

  // Entries per phase and batch (stacked), total investment in 亿元 (line, right axis)
  const phases = data.phases;
  make(
    "phases",
    {
      tooltip: {
        trigger: "axis",
        formatter: (items) =>
          items[0].axisValue +
          items
            .map(
              (i) =>
                "<br>" + i.marker + i.seriesName + ": " +
                (i.seriesIndex < phases.series.length ? fmt.count(i.value) + " " + words.entries : fmt.money(i.value, "yi"))
            )
            .join(""),
      },
      grid: { left: px(44), right: px(56), top: px(40), bottom: px(28) },
      xAxis: { type: "category", data: phases.labels, axisLabel: axisLabel },
      yAxis: [
        { type: "value", name: words.entries, nameTextStyle: axisLabel, axisLabel: Object.assign({ formatter: fmt.axis() }, axisLabel) },
        {
          type: "value",
          name: fmt.unitName("yi"),
          nameTextStyle: axisLabel,
          axisLabel: Object.assign({ formatter: fmt.axis() }, axisLabel),
          splitLine: { show: false },
        },
      ],
      series: phases.series
        .map((s) => ({
          name: s.name,
          type: "bar",
          stack: "entries",
          data: s.data,
          itemStyle: { color: colours[s.key] },
        }))
        .concat([
          {
            name: words.investment,
            type: "line",
            yAxisIndex: 1,
            data: phases.investment,
            symbolSize: px(7),
            lineStyle: { width: px(2) },
            itemStyle: { color: colours.capacity },
          },
        ]),
    },
    (p) =>
      p.seriesIndex < phases.series.length
        ? phases.series[p.seriesIndex].urls[p.dataIndex]
        : phases.investment_urls[p.dataIndex]
  );

  // 开工率, 投产率, 达效率 per phase (%)
  const trends = data.trends;
  make(
    "trends",
    {
      tooltip: {
        trigger: "axis",
        formatter: (items) =>
          items[0].axisValue +
          items
            .map((i) => "<br>" + i.marker + i.seriesName + ": " + fmt.percent(i.value) +
              " (" + trends.series[i.seriesIndex].counted[i.dataIndex] + ")")
            .join(""),
      },
      grid: { left: px(48), right: px(20), top: px(40), bottom: px(28) },
      xAxis: { type: "category", data: trends.labels, axisLabel: axisLabel },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: Object.assign({ formatter: "{value}%" }, axisLabel) },
      series: trends.series.map((s, i) => ({
        name: s.name,
        type: "line",
        data: s.data,
        symbolSize: px(8),
        lineStyle: { width: px(2.5) },
        itemStyle: { color: [colours.start, colours.produce, colours.capacity][i] },
      })),
    },
    (p) => trends.series[p.seriesIndex] && trends.series[p.seriesIndex].urls[p.dataIndex]
  );

  // Regions ranked by entries, stacked by batch
  const regions = data.regions;
  const batchKeys = ["sign", "start", "produce"];
  make(
    "regions",
    {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: px(8), right: px(40), top: px(40), bottom: px(8), containLabel: true },
      xAxis: { type: "value", name: words.entries, nameTextStyle: axisLabel, axisLabel: Object.assign({ formatter: fmt.axis() }, axisLabel) },
      yAxis: {
        type: "category",
        inverse: true,
        data: regions.map((r) => r.name),
        axisLabel: Object.assign({ interval: 0 }, axisLabel), // every region named, however large the type
      },
      series: batchKeys.map((key, i) => ({
        name: phases.series[i] ? phases.series[i].name : key,
        type: "bar",
        stack: "entries",
        data: regions.map((r) => r[key]),
        itemStyle: { color: colours[key] },
        label:
          i === batchKeys.length - 1
            ? {
                show: true,
                position: "right",
                fontSize: px(12),
                formatter: (p) => fmt.count(regions[p.dataIndex].entries),
              }
            : { show: false },
      })),
    },
    (p) => regions[p.dataIndex] && regions[p.dataIndex].url
  );

  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
})();

/* The big screen's county map: the boundaries shipped with the platform (no tile server), each
   county coloured by the indicator's rate (json_script "county-map"). */
(function () {
  "use strict";
  const el = document.querySelector("[data-county-map]");
  const source = document.getElementById("county-map");
  if (!el || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data) return;
  const fmt = window.KP.format;
  fetch(el.dataset.boundaries)
    .then((r) => r.json())
    .then((geo) => {
      echarts.registerMap("city", geo);
      const chart = echarts.init(el, "dark", { renderer: "canvas" });
      const byName = Object.fromEntries(data.regions.map((r) => [r.name, r]));
      chart.setOption({
        backgroundColor: "transparent",
        tooltip: {
          trigger: "item",
          formatter: (p) => {
            const r = byName[p.name];
            return p.name + "<br>" + data.indicator + ": " + (r ? fmt.percent(r.value) + " (" + r.counted + ")" : fmt.percent(null));
          },
        },
        visualMap: {
          min: 0,
          max: 100,
          left: 0,
          bottom: 0,
          calculable: false,
          text: ["100%", "0%"],
          textStyle: { color: "#cfe0f3" },
          inRange: { color: ["#7f1d1d", "#f59e0b", "#16a34a"] },
        },
        series: [
          {
            type: "map",
            map: "city",
            label: { show: true, color: "#fff", fontSize: 13, formatter: (p) => p.name + (byName[p.name] ? "\n" + fmt.percent(byName[p.name].value) : "") },
            itemStyle: { borderColor: "#0b1626" },
            emphasis: { disabled: true },
            data: data.regions.filter((r) => r.value !== null).map((r) => ({ name: r.name, value: parseFloat(r.value) })),
          },
        ],
      });
      window.addEventListener("resize", () => chart.resize());
    });
})();
