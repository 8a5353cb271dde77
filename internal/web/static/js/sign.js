// The signature pad of the public signing page. Without this script the
// page still works: the signer types their name. With it, they may draw
// with a finger, pen or mouse (pointer events cover touch); the drawing is
// sent as a PNG data URL in place of the typed name.
(function () {
  "use strict";
  document.querySelectorAll("[data-signature]").forEach(function (box) {
    var modes = box.querySelector("[data-sig-modes]");
    var typed = box.querySelector("[data-sig-typed]");
    var typedInput = typed.querySelector("input");
    var drawn = box.querySelector("[data-sig-drawn]");
    var value = drawn.querySelector("[data-sig-value]");
    var canvas = drawn.querySelector("canvas");
    var ctx = canvas.getContext("2d");
    var inked = false;
    var last = null;
    modes.hidden = false;

    function setMode(mode) {
      var draw = mode === "draw";
      typed.hidden = draw;
      drawn.hidden = !draw;
      typedInput.disabled = draw;
      value.disabled = !draw;
    }
    box.querySelectorAll("[data-sig-mode]").forEach(function (r) {
      r.addEventListener("change", function () { setMode(r.value); });
    });

    function point(e) {
      var rect = canvas.getBoundingClientRect();
      return { x: (e.clientX - rect.left) * canvas.width / rect.width, y: (e.clientY - rect.top) * canvas.height / rect.height };
    }
    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* a synthetic or finished pointer */ }
      last = point(e);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!last) return;
      var p = point(e);
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 3;
      ctx.lineCap = "round";
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      inked = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (t) {
      canvas.addEventListener(t, function () { last = null; });
    });
    drawn.querySelector("[data-sig-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
    });
    box.closest("form").addEventListener("submit", function () {
      if (!value.disabled) value.value = inked ? canvas.toDataURL("image/png") : "";
    });
  });
})();
