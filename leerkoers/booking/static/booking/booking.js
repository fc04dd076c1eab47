// Show times in the visitor's own time zone: on a first visit (no ?tz=), switch the page to
// the zone the browser reports. The zone stays changeable in the select.
(function () {
  var form = document.querySelector("[data-detect-tz]");
  if (!form) return;
  var select = form.querySelector("select[name=tz]");
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!select || !zone || zone === select.value) return;
  var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
  if (!known) return;
  var params = new URLSearchParams(window.location.search);
  params.set("tz", zone);
  window.location.replace(window.location.pathname + "?" + params.toString());
})();
