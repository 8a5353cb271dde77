// Edit in place without leaving the page: an "Edit" link of a record field
// fetches the same edit form the server renders without JavaScript and
// swaps it in for the value; Cancel swaps the value back. Saving is the
// form's ordinary POST, so validation messages come from the server.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) return;
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[data-inline-edit]");
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    var dd = link.closest("dd");
    if (!dd) return;
    e.preventDefault();
    var key = link.getAttribute("data-inline-edit");
    fetch(link.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (resp) { if (!resp.ok) throw new Error(resp.status); return resp.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var dt = doc.getElementById("row-" + key);
        var form = dt && dt.nextElementSibling && dt.nextElementSibling.querySelector("form[data-record-form]");
        if (!form) { window.location.href = link.href; return; }
        var saved = Array.prototype.slice.call(dd.childNodes);
        var node = document.importNode(form, true);
        dd.replaceChildren(node);
        var cancel = node.querySelector("a.btn-ghost");
        if (cancel) {
          cancel.addEventListener("click", function (ev) {
            ev.preventDefault();
            dd.replaceChildren.apply(dd, saved);
            var again = dd.querySelector("a[data-inline-edit]");
            if (again) again.focus();
          });
        }
        var first = node.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
