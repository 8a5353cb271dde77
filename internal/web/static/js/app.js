// Roster's enhancements. Every flow works without this file; it adds the
// command palette (Ctrl/Cmd+K). Page-specific scripts live beside it.
//
// The palette is a combobox: typing asks GET /search (JSON) after a short
// pause and lists the hits as options; ArrowUp/ArrowDown move the active
// option (aria-activedescendant), Enter opens it (an action such as "Sync
// Whop now" is posted with the CSRF token), Escape closes the dialog.
// Without a chosen option, Enter submits the form to the results page.
(function () {
  "use strict";
  var dialog = document.getElementById("palette");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var input = document.getElementById("palette-q");
  var list = document.getElementById("palette-results");
  var form = input.form;
  var options = [];
  var active = -1;
  var timer = null;
  var seq = 0;

  function open() {
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    if (!options.length) fetchResults();
  }

  function setActive(i) {
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0 && options[i]) {
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  // go follows an option: a link navigates; an action that changes
  // something ("Sync Whop now") is posted with the page's CSRF token.
  function go(opt) {
    var action = document.getElementById("palette-action");
    if (opt.dataset.method === "post" && action) {
      action.action = opt.dataset.url;
      action.submit();
      return;
    }
    window.location.assign(opt.dataset.url);
  }

  function render(results) {
    list.textContent = "";
    options = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "palette-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = r.url;
      if (r.method) li.dataset.method = r.method;
      // Options hold text only (no links: an option's children are
      // presentational); a click or Enter navigates.
      li.textContent = r.label;
      var kind = document.createElement("span");
      kind.className = "palette-kind";
      kind.textContent = " " + r.kind;
      li.appendChild(kind);
      li.addEventListener("mousemove", function () { if (active !== i) setActive(i); });
      li.addEventListener("click", function () { go(li); });
      list.appendChild(li);
      options.push(li);
    });
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
    if (options.length) setActive(0);
  }

  function fetchResults() {
    var mine = ++seq;
    fetch("/search?q=" + encodeURIComponent(input.value.trim()), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (resp) {
      if (!resp.ok) throw new Error("search failed: " + resp.status);
      return resp.json();
    }).then(function (results) {
      if (mine === seq) render(results || []);
    }).catch(function () {
      if (mine === seq) render([]);
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchResults, 150);
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (options.length) setActive((active + 1) % options.length);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (options.length) setActive(active <= 0 ? options.length - 1 : active - 1);
    } else if (e.key === "Enter" && active >= 0 && options[active]) {
      e.preventDefault();
      go(options[active]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      dialog.close();
    }
  });

  dialog.addEventListener("close", function () {
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  });

  if (form) {
    form.addEventListener("submit", function (e) {
      if (active >= 0 && options[active]) {
        e.preventDefault();
        go(options[active]);
      }
    });
  }

  document.querySelectorAll("[data-palette-open]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", open);
  });
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
      e.preventDefault();
      if (dialog.open) { dialog.close(); } else { open(); }
    }
  });
})();
