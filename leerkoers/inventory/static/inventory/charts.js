// Bar charts for the inventory analysis; every chart has a table with the same figures.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) return;
  document.querySelectorAll("canvas.inventory-chart").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    var rows = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r[0]; }),
        datasets: [{ data: rows.map(function (r) { return r[1]; }), backgroundColor: "#0b6e7f" }],
      },
      options: { plugins: { legend: { display: false } }, animation: false, maintainAspectRatio: true },
    });
  });
});
