/* Charts of the scan (Chart.js): the radar of a result or a round, and the trend line.
   Every chart has a table with the same figures next to it. */
(function () {
  "use strict";
  if (!window.Chart) return;
  var palette = ["#0b5563", "#b5461b", "#1e6b34", "#8a5a00", "#5b3c88"];
  // A long dimension name ("Gedeelde visie op leren") on lines of about `width` characters,
  // so the radar keeps room for its web instead of cutting the label at the canvas edge.
  function wrap(label, width) {
    var lines = [], line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) lines.push(line);
    return lines;
  }
  var radar = document.getElementById("radar-data");
  if (radar) {
    var data = JSON.parse(radar.textContent);
    var series = data.series || [{ label: data.label, scores: data.scores }];
    new Chart(document.getElementById("radar"), {
      type: "radar",
      data: {
        labels: data.labels,
        datasets: series.map(function (s, i) {
          return { label: s.label, data: s.scores, borderColor: palette[i % palette.length],
                   backgroundColor: i === 0 ? "rgba(11, 85, 99, 0.15)" : "transparent", spanGaps: true };
        })
      },
      options: { animation: false, maintainAspectRatio: true, layout: { padding: 4 },
                 scales: { r: { min: 0, max: 100, ticks: { stepSize: 20 },
                                pointLabels: { font: function (c) { return { size: c.chart.width < 420 ? 10 : 12 }; },
                                               callback: function (label) { return wrap(label, 14); } } } },
                 plugins: { legend: { display: series.length > 1 } } }
    });
  }
  var trend = document.getElementById("trend-data");
  if (trend) {
    var t = JSON.parse(trend.textContent);
    new Chart(document.getElementById("trend"), {
      type: "line",
      data: { labels: t.labels, datasets: [{ label: t.label, data: t.scores, borderColor: palette[0], spanGaps: true }] },
      options: { animation: false, scales: { y: { min: 0, max: 100 } } }
    });
  }
})();
