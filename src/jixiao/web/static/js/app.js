/* jixiao web: charts from JSON data blocks and the live panel's round-trip time.
   All JavaScript lives in static files; no inline script runs (Content-Security-Policy). */
(function () {
  "use strict";

  function readData(id) {
    var node = document.getElementById(id);
    if (!node) { return []; }
    try { return JSON.parse(node.textContent); } catch (e) { return []; }
  }

  function drawBars(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { data: ["得分", "分值"], top: 0 },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: data.map(function (d) { return d.name; }) },
      series: [
        { name: "分值", type: "bar", barGap: "-100%", itemStyle: { color: "#d9e2ec" },
          data: data.map(function (d) { return Number(d.max); }) },
        { name: "得分", type: "bar", itemStyle: { color: "#1d4e89" }, label: { show: true, position: "right" },
          data: data.map(function (d) { return Number(d.score); }) }
      ]
    });
    return chart;
  }

  function drawPie(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "70%"], label: { formatter: "{b}：{c}" },
        data: data.map(function (d) { return { name: d.name, value: d.value }; }) }]
    });
    return chart;
  }

  function drawCharts(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var data = readData(el.dataset.source);
      if (!data.length) { el.classList.add("empty"); return; }
      el.dataset.drawn = "1";
      if (el.dataset.chart === "pie") { drawPie(el, data); } else { drawBars(el, data); }
    });
  }

  var started = 0;
  document.addEventListener("htmx:beforeRequest", function () { started = performance.now(); });
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    if (!panel || panel.id !== "live-panel") { return; }
    var elapsed = Math.round(performance.now() - started);
    panel.dataset.roundtripMs = String(elapsed);
    var slot = panel.querySelector(".roundtrip");
    if (slot) { slot.textContent = "，往返 " + elapsed + " 毫秒"; }
    drawCharts(panel);
  });

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
})();
