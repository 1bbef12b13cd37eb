/* The report preview's charts (/bao-cao/): each <figure class="report-chart"> of the preview holds a <canvas> and
 * its chart's data in a <script type="application/json"> (reports/html.py chart_data), drawn here with Chart.js
 * as the printed charts are drawn by matplotlib: grouped bars with the value over each bar ("bar"; "barh" lying
 * down, the first label on top), lines with markers ("line"); a null value is a gap. No inline script: the CSP
 * allows this file and the JSON. A drawn canvas gets data-drawn="1".
 */
(function () {
  "use strict";

  /* 1.234 and 2,5, as the server writes numbers. */
  function number(value) {
    if (value === null || value === undefined) return "";
    return Number(value).toLocaleString("vi-VN", { maximumFractionDigits: 1 });
  }

  /* The value over (or beside) each bar, as matplotlib's bar_label does in the printed chart. */
  var valueLabels = {
    id: "antoanValueLabels",
    afterDatasetsDraw: function (chart) {
      var context = chart.ctx;
      var horizontal = chart.options.indexAxis === "y";
      context.save();
      context.fillStyle = "#222";
      context.font = "11px sans-serif";
      context.textAlign = horizontal ? "left" : "center";
      context.textBaseline = horizontal ? "middle" : "bottom";
      chart.data.datasets.forEach(function (dataset, index) {
        chart.getDatasetMeta(index).data.forEach(function (bar, position) {
          var value = dataset.data[position];
          if (value === null || value === undefined) return;
          context.fillText(number(value), horizontal ? bar.x + 3 : bar.x, horizontal ? bar.y : bar.y - 2);
        });
      });
      context.restore();
    },
  };

  function draw(figure) {
    var canvas = figure.querySelector("canvas");
    var source = figure.querySelector('script[type="application/json"]');
    if (!canvas || !source || typeof Chart === "undefined") return;
    var spec = JSON.parse(source.textContent);
    var line = spec.kind === "line";
    var horizontal = spec.kind === "barh";
    var datasets = spec.series.map(function (series, index) {
      var colour = spec.colours[index % spec.colours.length];
      return {
        label: series.name,
        data: series.values,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: line ? 1.6 : 0,
        pointRadius: line ? 3 : 0,
        spanGaps: false,
      };
    });
    var valueAxis = {
      beginAtZero: true,
      title: { display: Boolean(spec.yLabel), text: spec.yLabel },
      ticks: { callback: number, precision: 0 },
      grid: { color: "#d9d9d9" },
    };
    var labelAxis = { grid: { display: false } };
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: "vi-VN",
        layout: { padding: { top: 16, right: horizontal ? 32 : 0 } },
        plugins: {
          legend: { display: datasets.some(function (d) { return d.label; }), position: "bottom" },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + number(item.raw); } } },
        },
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      },
      plugins: line ? [] : [valueLabels],
    });
    canvas.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#report-preview figure.report-chart").forEach(draw);
  });
})();
