/* Charts of step 3 (Chart.js 4.5.1, vendored). Every chart has a table with the same numbers. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  var lang = document.documentElement.lang || "nl";
  var dateFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric" });
  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var colours = ["#0b5563", "#b5461b", "#5b3f8c", "#1e6b34", "#8a5a00", "#4a5568"];

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var kpi = read("kpi-data");
  if (kpi) {
    var datasets = [
      { label: kpi.labels.org, data: kpi.series.org, borderColor: colours[0], backgroundColor: colours[0], showLine: true, pointRadius: 3 },
      { label: kpi.labels.path, data: kpi.path, borderColor: colours[4], borderDash: [6, 4], pointRadius: 4, pointStyle: "rectRot", showLine: true, fill: false }
    ];
    if (kpi.trend.length) {
      datasets.push({ label: kpi.labels.trend, data: kpi.trend, borderColor: colours[1], borderDash: [2, 3], pointRadius: 0, showLine: true });
    }
    Object.keys(kpi.teams).forEach(function (name, i) {
      datasets.push({ label: name, data: kpi.teams[name], borderColor: colours[(i + 2) % colours.length], backgroundColor: colours[(i + 2) % colours.length], showLine: true, pointRadius: 2, borderWidth: 1 });
    });
    new Chart(document.getElementById("kpi-chart"), {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { type: "linear", ticks: { callback: function (v) { return dateFormat.format(new Date(v * 86400000)); }, maxTicksLimit: 8 } },
          y: { title: { display: true, text: kpi.labels.value }, ticks: { callback: function (v) { return numberFormat.format(v); } } }
        },
        plugins: {
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + numberFormat.format(c.parsed.y) + " (" + dateFormat.format(new Date(c.parsed.x * 86400000)) + ")"; } } }
        }
      }
    });
  }

  var trend = read("trend-data");
  if (trend) {
    new Chart(document.getElementById("trend-chart"), {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [
          { label: trend.spendLabel, data: trend.spend, borderColor: colours[0], backgroundColor: colours[0] },
          { label: trend.hoursLabel, data: trend.hours, borderColor: colours[1], backgroundColor: colours[1], borderDash: [6, 4] }
        ]
      },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }
    });
  }
})();
