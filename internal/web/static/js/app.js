// Roster's enhancements. Every flow works without this file; it adds the
// command palette (Ctrl/Cmd+K). Page-specific scripts live beside it.
(function () {
  "use strict";
  var dialog = document.getElementById("palette");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var input = document.getElementById("palette-q");
  document.querySelectorAll("[data-palette-open]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { dialog.showModal(); input.focus(); });
  });
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
      e.preventDefault();
      if (dialog.open) { dialog.close(); } else { dialog.showModal(); input.focus(); }
    }
  });
})();
