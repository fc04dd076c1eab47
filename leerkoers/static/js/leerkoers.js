// Behaviour every page shares. It lives in a file because the Content-Security-Policy runs no
// inline script, no on…= handler and applies no style="" attribute (settings.py).
(function () {
  "use strict";

  // <form data-confirm="…"> asks before it is sent (removing a member, revoking a token).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // <input data-select-on-click> selects its whole value on a click (a link to copy).
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-select-on-click]")) target.select();
  });

  // Bars: <div data-percent="37"> is drawn 37% wide. The policy refuses style="" in the
  // markup; a property set from an allowed script is not affected.
  function drawBars(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-percent]") : [];
    if (root.matches && root.matches("[data-percent]")) bars = [root].concat(Array.from(bars));
    Array.prototype.forEach.call(bars, function (bar) {
      var percent = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-percent")) || 0));
      bar.style.width = percent + "%";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawBars(document); });
  } else {
    drawBars(document);
  }
  // Content that htmx swaps in (a background job's progress polling itself).
  document.addEventListener("htmx:load", function (event) { drawBars(event.detail.elt); });
})();
