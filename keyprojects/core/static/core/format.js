/* The one chart formatter: the rules of core/display.py for ECharts and any script that shows a
   number. Amounts arrive as plain strings already in the unit the chart shows (display.chart_amount);
   the unit's name comes from the page ({% format_script %}: json_script "kp-format").

     KP.format.amount("1234.5")        "1,234.50"
     KP.format.money("1234.5", "yi")   "1,234.50 亿元"
     KP.format.percent(48.25)          "48.3%"
     KP.format.count(12345)            "12,345"
     KP.format.axis("yi")              an axisLabel formatter: grouped, no needless decimals
     KP.format.unitName("wan")         "万元" (for an axis name)                                  */
(function () {
  "use strict";
  const source = document.getElementById("kp-format");
  const words = source ? JSON.parse(source.textContent) : { yi: "", wan: "", nothing: "—" };
  // Grouping by commas and a decimal point, as display.py writes them in both languages.
  const two = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const one = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const upTo2 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

  function number(value) {
    if (value === null || value === undefined || value === "") return null;
    const n = typeof value === "number" ? value : parseFloat(String(value).replace(/,/g, ""));
    return Number.isFinite(n) ? n : null;
  }

  function amount(value) {
    const n = number(value);
    return n === null ? words.nothing : two.format(n);
  }

  function money(value, unit) {
    const n = number(value);
    return n === null ? words.nothing : two.format(n) + " " + (words[unit || "yi"] || "");
  }

  function percent(value) {
    const n = number(value);
    return n === null ? words.nothing : one.format(n) + "%";
  }

  function count(value) {
    const n = number(value);
    return n === null ? words.nothing : whole.format(n);
  }

  function axis() {
    // Axis ticks: grouped, decimals only where the scale needs them (0.5, 2.25).
    return (value) => upTo2.format(value);
  }

  function unitName(unit) {
    return words[unit] || "";
  }

  window.KP = Object.assign(window.KP || {}, {
    format: { amount, money, percent, count, axis, unitName, words },
  });
})();
