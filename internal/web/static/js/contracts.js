// The contract template editor: insert a merge field at the cursor, and a
// live preview of the text merged with a chosen opportunity (the server
// merges; this only asks and shows). Without it the picker lists the merge
// fields and the preview shows the saved text.
(function () {
  "use strict";
  var form = document.getElementById("template-form");
  if (!form) return;
  var body = form.querySelector("[data-template-body]");
  var picker = form.querySelector("[data-merge-field]");
  var insert = form.querySelector("[data-merge-insert]");
  var record = form.querySelector("[data-preview-record]");
  var preview = form.querySelector("[data-preview]");
  var csrf = form.querySelector("input[name=csrf_token]");
  insert.hidden = false;
  insert.addEventListener("click", function () {
    var text = "{{" + picker.value + "}}";
    var start = body.selectionStart, end = body.selectionEnd;
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    body.focus();
    body.selectionStart = body.selectionEnd = start + text.length;
    refresh();
  });
  var timer = null;
  function refresh() {
    if (!record) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var data = new URLSearchParams();
      data.set("body", body.value);
      data.set("recordId", record.value);
      if (csrf) data.set("csrf_token", csrf.value);
      fetch("/contract-templates/preview", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { preview.innerHTML = html; })
        .catch(function () { /* keep the last preview */ });
    }, 300);
  }
  body.addEventListener("input", refresh);
  if (record) record.addEventListener("change", refresh);
})();
