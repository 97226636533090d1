/* The burden dashboard's charts, drawn by Apache ECharts (served from this site's own static
 * files). Every chart reads its numbers from the table beside it (the rows' data-before and
 * data-after attributes), so the chart and the table cannot disagree and the page reads
 * without JavaScript. No inline script: the site's Content-Security-Policy allows scripts from
 * 'self' only. Tooltips are drawn in the canvas (renderMode "richText"), not as HTML with
 * inline styles, which that policy would refuse. */
(function () {
  "use strict";

  function rowsOf(table) {
    return Array.prototype.filter
      .call(table.tBodies[0].rows, function (row) { return row.dataset.chartPosition; })
      .sort(function (a, b) { return Number(a.dataset.chartPosition) - Number(b.dataset.chartPosition); })
      .map(function (row) {
        return {
          figure: row.dataset.figure,
          label: row.dataset.label,
          before: Number(row.dataset.before),
          after: Number(row.dataset.after)
        };
      });
  }

  function beforeAfterOption(holder, rows, narrow) {
    // Hours run to thousands, the counts to hundreds: hours get a grid (and an axis) of their own.
    var counts = rows.filter(function (row) { return row.figure !== "hours"; });
    var hours = rows.filter(function (row) { return row.figure === "hours"; });
    var grids = narrow
      ? [{ left: 48, right: 16, top: 40, height: "48%" }, { left: 64, right: 16, bottom: 28, height: "22%" }]
      : [{ left: 48, right: "36%", top: 40, bottom: 36 }, { left: "72%", right: 16, top: 40, bottom: 36 }];
    function series(name, key, color) {
      return [0, 1].map(function (index) {
        var part = index === 0 ? counts : hours;
        return {
          name: name,
          type: "bar",
          xAxisIndex: index,
          yAxisIndex: index,
          itemStyle: { color: color },
          label: { show: true, position: "top", fontSize: 11 },
          data: part.map(function (row) { return row[key]; })
        };
      });
    }
    return {
      animation: false,
      aria: { enabled: true },
      legend: { top: 6 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: grids,
      xAxis: [
        { type: "category", gridIndex: 0, data: counts.map(function (row) { return row.label; }), axisLabel: { interval: 0, width: narrow ? 70 : 110, overflow: "break" } },
        { type: "category", gridIndex: 1, data: hours.map(function () { return holder.dataset.hoursLabel; }) }
      ],
      yAxis: [{ type: "value", gridIndex: 0 }, { type: "value", gridIndex: 1 }],
      series: series(holder.dataset.beforeLabel, "before", "#9aa5b8").concat(
        series(holder.dataset.afterLabel, "after", "#c8102e")
      )
    };
  }

  function draw(holder) {
    var table = document.getElementById(holder.dataset.chartFor);
    if (!table || !window.echarts) { return; }
    holder.hidden = false;
    var narrow = holder.clientWidth < 560;
    var chart = window.echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption(beforeAfterOption(holder, rowsOf(table), narrow));
    holder.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart-for]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
