/* Charts of step 4 (Chart.js 4.5.1, vendored). Every chart has a table with the same numbers. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  var node = document.getElementById("team-trend-data");
  if (!node) return;
  var trend = JSON.parse(node.textContent);
  var colours = ["#0b5563", "#b5461b", "#5b3f8c", "#1e6b34", "#8a5a00", "#4a5568"];
  var datasets = [
    { label: trend.overall.label, data: trend.overall.data, borderColor: "#1a202c", backgroundColor: "#1a202c", borderWidth: 3, borderDash: [6, 4] }
  ];
  trend.teams.forEach(function (team, i) {
    var colour = colours[i % colours.length];
    datasets.push({ label: team.label, data: team.data, borderColor: colour, backgroundColor: colour, pointStyle: ["circle", "rect", "triangle", "rectRot"][i % 4] });
  });
  new Chart(document.getElementById("team-trend-chart"), {
    type: "line",
    data: { labels: trend.labels, datasets: datasets },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }
  });
})();
