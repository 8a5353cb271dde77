// Live progress of a Whop sync on Settings -> Integrations -> Whop. Without
// this file the page shows the run's state and a Refresh link; with it, the
// <progress> element, the status live region and the run summary follow
// the server-sent events of the run until it ends.
(function () {
  "use strict";
  var bar = document.getElementById("sync-progress");
  if (!bar || !bar.dataset.events || typeof EventSource !== "function") return;
  var status = document.getElementById("sync-status");
  var summary = document.querySelector('[data-testid="last-run"]');
  document.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });
  var lastPhase = "";

  function set(field, text) {
    if (!summary) return;
    var el = summary.querySelector('[data-run-field="' + field + '"]');
    if (el) el.textContent = text;
  }

  // setTime writes a run time as the server formatted it, or "Not yet".
  function setTime(el, text, iso) {
    if (!el) return;
    el.textContent = "";
    if (!text) {
      var muted = document.createElement("span");
      muted.className = "muted";
      muted.textContent = "Not yet";
      el.appendChild(muted);
      return;
    }
    var t = document.createElement("time");
    t.dateTime = iso;
    t.textContent = text;
    el.appendChild(t);
    return t;
  }

  function field(name) {
    return summary ? summary.querySelector('[data-run-field="' + name + '"]') : null;
  }

  function update(run) {
    setTime(field("started"), run.started, run.startedIso);
    setTime(field("finished"), run.finished, run.finishedIso);
    bar.max = run.steps;
    bar.value = run.step;
    bar.textContent = run.step + " of " + run.steps + " steps";
    set("status", run.status.charAt(0).toUpperCase() + run.status.slice(1));
    ["products", "users", "memberships", "payments", "writes", "requests"].forEach(function (k) { set(k, String(run[k])); });
    if (run.errors && run.errors.length && summary) {
      var box = summary.querySelector('[data-run-field="errors"]');
      if (box) {
        box.textContent = "";
        var p = document.createElement("p");
        p.textContent = "Errors:";
        var ul = document.createElement("ul");
        run.errors.forEach(function (e) { var li = document.createElement("li"); li.textContent = e; ul.appendChild(li); });
        box.appendChild(p);
        box.appendChild(ul);
      }
    }
  }

  var source = new EventSource(bar.dataset.events);
  source.addEventListener("progress", function (e) {
    var run = JSON.parse(e.data);
    update(run);
    // Announce phase changes only, so screen readers are not flooded.
    if (run.phase !== lastPhase) {
      lastPhase = run.phase;
      status.textContent = "Syncing " + (run.phase || "soon") + " (" + run.step + " of " + run.steps + " steps done).";
    }
  });
  source.addEventListener("done", function (e) {
    source.close();
    var run = JSON.parse(e.data);
    update(run);
    // The header's "Last sync" is this run now.
    var last = document.getElementById("last-sync");
    if (last && run.finished) {
      setTime(last, run.finished, run.finishedIso);
      last.appendChild(document.createTextNode(" · " + run.status.charAt(0).toUpperCase() + run.status.slice(1)));
    }
    status.textContent = run.status === "succeeded"
      ? "Sync finished: " + run.users + " members, " + run.memberships + " memberships, " + run.payments + " payments."
      : "Sync failed: " + (run.errors.length ? run.errors[run.errors.length - 1] : "see the errors below") + ".";
  });
})();
