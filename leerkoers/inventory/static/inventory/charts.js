// Bar charts for the inventory analysis; every chart has a table with the same figures.
// Categories (initiators, kinds) have long names: horizontal bars keep them level and whole.
// Months are short and ordered in time: they stay upright columns.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) return;
  var lang = document.documentElement.lang || "nl";
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  document.querySelectorAll("canvas.inventory-chart").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    var rows = JSON.parse(source.textContent);
    var horizontal = canvas.dataset.source !== "chart-month";
    // The chart's box is sized by the stylesheet (.chart-box--bars); its height follows the rows.
    var box = document.createElement("div");
    box.className = horizontal ? "chart-box chart-box--bars" : "chart-box chart-box--columns";
    if (horizontal) box.style.height = (3 + rows.length * 2.1) + "rem";
    canvas.parentNode.insertBefore(box, canvas);
    box.appendChild(canvas);
    var valueAxis = { ticks: { callback: function (v) { return money.format(v); }, maxTicksLimit: 5 } };
    var categoryAxis = { ticks: { autoSkip: !horizontal, maxRotation: 0 } };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r[0]; }),
        datasets: [{ data: rows.map(function (r) { return r[1]; }), backgroundColor: "#0b6e7f" }],
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: false },
                   tooltip: { callbacks: { label: function (c) { return money.format(horizontal ? c.parsed.x : c.parsed.y); } } } },
        animation: false,
        maintainAspectRatio: false,
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      },
    });
  });
});
