/* The project page: the cumulative investment chart (plan by schedule against what was reported,
   万元) and the site on the county map drawn from the boundaries shipped with the platform (no tile
   server). Numbers through KP.format (core/static/core/format.js). ?tab=documents opens a tab. */
(function () {
  "use strict";
  const fmt = window.KP && window.KP.format;

  const wanted = new URLSearchParams(window.location.search).get("tab") || window.location.hash.slice(1);
  const tab = wanted && document.querySelector('[data-bs-target="#' + CSS.escape(wanted) + '"]');
  if (tab && window.bootstrap) window.bootstrap.Tab.getOrCreateInstance(tab).show();

  if (typeof echarts === "undefined" || !fmt) return;
  const charts = [];
  const ready = new Set();
  const root = document.querySelector("[data-testid=project-head]");
  function done(name, total) {
    ready.add(name);
    if (root && ready.size === total) root.dataset.chartsReady = "true";
  }
  const expected = document.querySelectorAll("[data-chart=investment], [data-map]").length;

  const source = document.getElementById("project-investment");
  const el = document.querySelector("[data-chart=investment]");
  if (source && el) {
    const data = JSON.parse(source.textContent);
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "axis",
        valueFormatter: (v) => fmt.money(v, "wan"),
      },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: data.labels, boundaryGap: false },
      yAxis: { type: "value", name: data.words.unit, axisLabel: { formatter: fmt.axis() } },
      series: [
        { name: data.words.plan, type: "line", data: data.plan, symbol: "none", lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: "#6c757d" } },
        { name: data.words.actual, type: "line", data: data.actual, symbolSize: 6, lineStyle: { width: 3 }, itemStyle: { color: "#0d6efd" }, areaStyle: { opacity: 0.08 } },
      ],
    });
    chart.on("finished", () => done("investment", expected));
    charts.push(chart);
  }

  const mapEl = document.querySelector("[data-map]");
  if (mapEl) {
    fetch(mapEl.dataset.boundaries)
      .then((r) => r.json())
      .then((geo) => {
        echarts.registerMap("city", geo);
        const point = [parseFloat(mapEl.dataset.lng), parseFloat(mapEl.dataset.lat)];
        const chart = echarts.init(mapEl, null, { renderer: "canvas" });
        chart.setOption({
          animation: false,
          geo: {
            map: "city",
            roam: true,
            label: { show: true, fontSize: 11, color: "#495057" },
            itemStyle: { areaColor: "#eef2f7", borderColor: "#8aa0b8" },
            emphasis: { disabled: true },
          },
          series: [
            {
              type: "effectScatter",
              coordinateSystem: "geo",
              data: [{ name: mapEl.dataset.name, value: point }],
              symbolSize: 12,
              itemStyle: { color: "#dc3545" },
              label: { show: false },
            },
          ],
        });
        chart.on("finished", () => done("map", expected));
        charts.push(chart);
      });
  }

  // A chart in a hidden tab has no size until the tab opens.
  document.querySelectorAll('[data-bs-toggle="tab"]').forEach((b) =>
    b.addEventListener("shown.bs.tab", () => charts.forEach((c) => c.resize()))
  );
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
