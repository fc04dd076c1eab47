/* The questionnaire, one group per screen: progress, Previous/Next, answers kept in
   localStorage so that a reload loses nothing. Without JavaScript every group is shown
   on one page and the form still works. */
(function () {
  "use strict";
  var form = document.querySelector("[data-scan-form]");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var prev = form.querySelector("[data-prev]");
  var next = form.querySelector("[data-next]");
  var submit = form.querySelector("[data-submit]");
  var progress = form.querySelector("[data-progress]");
  var bar = form.querySelector("[data-progress-bar]");
  var label = document.getElementById("scan-progress-label");
  var meter = progress.querySelector("[role=progressbar]");
  var i18n = JSON.parse(document.getElementById("scan-i18n").textContent);
  var key = form.getAttribute("data-storage-key");
  var started = form.querySelector("[data-started]");
  var current = 0;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function save() {
    var data = { answers: {}, step: current, started: started.value, profile: {} };
    Array.prototype.forEach.call(form.querySelectorAll("input[type=radio]:checked"), function (input) {
      data.answers[input.name] = input.value;
    });
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
      data.profile[select.name] = select.value;
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* private mode: no memory */ }
  }
  function restore() {
    var data = load();
    var serverFilled = form.querySelector("input[type=radio]:checked");
    if (serverFilled || !data.answers) return 0;  // the server re-displayed a posted form
    Object.keys(data.answers).forEach(function (name) {
      var input = form.querySelector('input[name="' + name + '"][value="' + data.answers[name] + '"]');
      if (input) input.checked = true;
    });
    Object.keys(data.profile || {}).forEach(function (name) {
      var select = form.querySelector('select[name="' + name + '"]');
      if (select) select.value = data.profile[name];
    });
    if (data.started) started.value = data.started;  // time counts from the first visit
    return Math.min(data.step || 0, steps.length - 1);
  }
  function unanswered(step) {
    return Array.prototype.filter.call(step.querySelectorAll("[data-statement]"), function (fieldset) {
      return !fieldset.querySelector("input:checked");
    });
  }
  function show(index, focus) {
    current = index;
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    prev.hidden = index === 0;
    next.hidden = index === steps.length - 1;
    submit.hidden = index !== steps.length - 1;
    label.textContent = i18n.step.replace("%(n)s", index + 1).replace("%(total)s", steps.length);
    meter.setAttribute("aria-valuenow", index + 1);
    bar.style.width = Math.round(100 * (index + 1) / steps.length) + "%";
    if (focus) {
      steps[index].querySelector("h2").focus();
      window.scrollTo(0, 0);
    }
    save();
  }
  function check(step) {
    var missing = unanswered(step);
    var error = step.querySelector("[data-step-error]");
    step.querySelectorAll("[data-statement]").forEach(function (f) { f.classList.remove("statement--missing"); });
    missing.forEach(function (f) { f.classList.add("statement--missing"); });
    if (error) error.hidden = missing.length === 0;
    if (missing.length) {
      missing[0].querySelector("input").focus();
      return false;
    }
    return true;
  }

  progress.hidden = false;
  var first = restore();
  var firstMissing = steps.findIndex(function (step) { return step.querySelector(".statement--missing"); });
  show(firstMissing >= 0 ? firstMissing : first, false);
  form.addEventListener("change", save);
  next.addEventListener("click", function () { if (check(steps[current])) show(current + 1, true); });
  prev.addEventListener("click", function () { show(current - 1, true); });
  form.addEventListener("submit", function (event) {
    for (var i = 0; i < steps.length; i++) {
      if (unanswered(steps[i]).length) {
        event.preventDefault();
        show(i, false);
        check(steps[i]);
        return;
      }
    }
  });
})();
