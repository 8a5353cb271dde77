// Automations enhancements. Everything works without this file: the
// variable lists can be copied from, and the run page has a Refresh link.
//
// Builder: the variable picker's "Insert" buttons appear and put the
// variable at the cursor of the step's text field that last had focus (the
// step's first text field otherwise), then give the focus back to it.
//
// Run page: while a run is open ([data-live]), the page asks the server for
// itself every 3 seconds and swaps in the live part, unless the person
// turned "Refresh automatically" off; it stops once the run has ended.
(function () {
  "use strict";

  var lastField = new WeakMap();
  document.querySelectorAll("[data-step]").forEach(function (step) {
    step.addEventListener("focusin", function (e) {
      if (e.target.matches("[data-var-target]")) lastField.set(step, e.target);
    });
    step.querySelectorAll("[data-insert]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var field = lastField.get(step) || step.querySelector("[data-var-target]");
        if (!field) return;
        var text = btn.getAttribute("data-insert");
        var start = field.selectionStart == null ? field.value.length : field.selectionStart;
        var end = field.selectionEnd == null ? start : field.selectionEnd;
        field.value = field.value.slice(0, start) + text + field.value.slice(end);
        field.focus();
        field.setSelectionRange(start + text.length, start + text.length);
        field.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  });

  var live = document.querySelector("[data-live]");
  if (!live) return;
  var toggle = document.getElementById("run-autorefresh");
  if (toggle) toggle.closest("[hidden]") && (toggle.closest("[hidden]").hidden = false);
  function tick() {
    if (!document.querySelector("[data-live]")) return;
    if (toggle && !toggle.checked) return setTimeout(tick, 3000);
    fetch(location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("run-live");
        var cur = document.getElementById("run-live");
        if (!fresh || !cur) return;
        var open = {};
        cur.querySelectorAll("details[data-key]").forEach(function (d) { open[d.getAttribute("data-key")] = d.open; });
        if (!cur.contains(document.activeElement)) {
          cur.replaceWith(fresh);
          if (!fresh.hasAttribute("data-live")) {
            var controls = document.querySelector(".wf-refresh");
            if (controls) controls.hidden = true;
          }
          fresh.querySelectorAll("details[data-key]").forEach(function (d) {
            var k = d.getAttribute("data-key");
            if (k in open) d.open = open[k];
          });
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 3000);
})();
