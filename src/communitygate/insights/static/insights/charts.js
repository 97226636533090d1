/* The burden dashboard's charts, drawn by Apache ECharts (served from this site's own static
 * files). Every chart reads its numbers from the table beside it, so the chart and the table
 * cannot disagree and the page reads without JavaScript: before and after from the rows'
 * data-before and data-after attributes; a received table (class "chart-source") from its
 * cells — data-chart names the kind (bar or line), data-series the columns drawn (each the
 * <th data-series-key> of its column), the row headers are the categories, the footer (the
 * total) is left out. No inline script: the site's Content-Security-Policy allows scripts from
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

  var PALETTE = ["#c8102e", "#2f6db5", "#9aa5b8", "#e08a00", "#3a8f5c"];
  var SHOWN_AT_ONCE = 12; // more categories than this: a zoom slider under the chart

  function numberOf(cell) {
    var text = (cell.textContent || "").replace(/[,\s]/g, "").replace("−", "-");
    return text === "" ? null : Number(text);
  }

  function tableSeries(table) {
    // The columns named by data-series, the body rows that hold figures (a row header and a
    // cell for every column; "nothing in this period" has neither).
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.filter.call(table.tBodies[0].rows, function (row) {
      return row.cells.length === heads.length && row.cells[0].tagName === "TH";
    });
    var columns = table.dataset.series.split(",").map(function (key) {
      var index = heads.findIndex(function (head) { return head.dataset.seriesKey === key; });
      return { key: key, index: index, name: index < 0 ? key : heads[index].textContent.trim() };
    }).filter(function (column) { return column.index >= 0; });
    return {
      categories: rows.map(function (row) { return row.cells[0].textContent.trim(); }),
      series: columns.map(function (column) {
        return {
          key: column.key,
          name: column.name,
          data: rows.map(function (row) { return numberOf(row.cells[column.index]); })
        };
      })
    };
  }

  function tableOption(table, found, narrow) {
    var kind = table.dataset.chart === "line" ? "line" : "bar";
    var many = found.categories.length > SHOWN_AT_ONCE;
    var option = {
      animation: false,
      aria: { enabled: true },
      color: PALETTE,
      legend: { top: 4, type: "scroll" },
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 48, right: 16, top: 40, bottom: many ? 88 : 56, containLabel: true },
      xAxis: {
        type: "category",
        data: found.categories,
        axisLabel: { interval: 0, rotate: narrow || many ? 40 : 0, width: 96, overflow: "truncate" }
      },
      yAxis: { type: "value" },
      series: found.series.map(function (one) {
        return { name: one.name, type: kind, data: one.data, symbolSize: 6 };
      })
    };
    if (many) {
      option.dataZoom = [
        { type: "slider", xAxisIndex: 0, startValue: 0, endValue: SHOWN_AT_ONCE - 1, bottom: 8 },
        { type: "inside", xAxisIndex: 0 }
      ];
    }
    return option;
  }

  function draw(holder) {
    var table = document.getElementById(holder.dataset.chartFor);
    if (!table || !window.echarts) { return; }
    var generic = table.classList.contains("chart-source");
    var found = generic ? tableSeries(table) : null;
    if (generic && (found.categories.length === 0 || found.series.length === 0)) { return; }
    holder.hidden = false;
    var narrow = holder.clientWidth < 560;
    var chart = window.echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption(generic ? tableOption(table, found, narrow) : beforeAfterOption(holder, rowsOf(table), narrow));
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
