/* The opinion-group scatter of a vision round (Chart.js). The table next to it holds the
   same groups with their size and typical statements; the points carry no layer or id. */
(function () {
  "use strict";
  if (!window.Chart) return;
  var source = document.getElementById("groups-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var palette = ["#0b5563", "#b5461b", "#1e6b34", "#8a5a00", "#5b3c88"];
  new Chart(document.getElementById("groups-chart"), {
    type: "scatter",
    data: {
      datasets: data.groups.map(function (g, i) {
        return {
          label: data.label.replace("%(n)s", g.number),
          data: g.points.map(function (p) { return { x: p[0], y: p[1] }; }),
          backgroundColor: palette[i % palette.length],
          pointRadius: 3
        };
      })
    },
    options: { animation: false, scales: { x: { ticks: { display: false } }, y: { ticks: { display: false } } },
               plugins: { tooltip: { enabled: false } } }
  });
})();
