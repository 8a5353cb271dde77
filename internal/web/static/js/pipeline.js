// Pipeline enhancements: drag a card to another column, or move it with the
// keyboard (focus a card, Space or Enter picks it up, Left and Right move it
// between stages, Space or Enter drops it, Escape cancels). Every move is
// announced in the page's live region. Without this file each card's
// "Move to stage" form does the same job.
(function () {
  "use strict";
  var board = document.querySelector("[data-pipeline]");
  if (!board || !window.fetch) return;
  var live = document.getElementById("pipeline-status");
  var csrf = document.getElementById("pipeline-csrf");
  var columns = Array.prototype.slice.call(board.querySelectorAll(".kanban-col[data-stage]"));
  var grabbed = null; // {card, from, next}

  function announce(msg) {
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = msg; }, 50);
  }
  function colOf(card) { return card.closest(".kanban-col"); }
  function listOf(col) { return col.querySelector(".kanban-list"); }
  function stageOf(col) { return col.getAttribute("data-stage"); }
  function nameOf(card) { return card.getAttribute("data-name") || "Card"; }

  function recount() {
    columns.forEach(function (col) {
      var n = listOf(col).children.length;
      var count = col.querySelector(".kanban-count");
      if (count && count.firstChild && count.firstChild.nodeType === 3) {
        var more = /\+/.test(count.firstChild.nodeValue) ? "+" : "";
        count.firstChild.nodeValue = n + more;
      }
      var empty = col.querySelector(".kanban-empty");
      if (empty) empty.hidden = n > 0;
    });
  }

  function place(card, col) {
    var list = listOf(col);
    list.insertBefore(card, list.firstChild);
    recount();
  }

  function restore(card, from, next) {
    var list = listOf(from);
    if (next && next.parentNode === list) list.insertBefore(card, next); else list.appendChild(card);
    recount();
  }

  // send saves the move; on failure the card goes back where it was.
  function send(card, from, next) {
    var col = colOf(card);
    var stage = stageOf(col);
    var id = card.getAttribute("data-opportunity-id");
    var body = new URLSearchParams();
    body.set("csrf_token", csrf ? csrf.value : "");
    body.set("stage", stage);
    card.setAttribute("aria-busy", "true");
    fetch("/opportunities/" + encodeURIComponent(id) + "/stage", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (resp) {
      return resp.json().catch(function () { return { ok: false, error: "The server answered " + resp.status + "." }; });
    }).then(function (ans) {
      if (!ans || !ans.ok) throw new Error((ans && ans.error) || "Unknown error.");
      var select = card.querySelector("select[name=stage]");
      if (select) select.value = ans.stage;
      announce("Moved " + nameOf(card) + " to " + ans.stage);
    }).catch(function (err) {
      restore(card, from, next);
      card.focus();
      announce("Could not move " + nameOf(card) + ": " + err.message + " It is back in " + stageOf(from) + ".");
    }).then(function () { card.removeAttribute("aria-busy"); });
  }

  function pickUp(card) {
    grabbed = { card: card, from: colOf(card), next: card.nextElementSibling };
    card.setAttribute("aria-grabbed", "true");
    card.classList.add("is-grabbed");
    announce("Picked up " + nameOf(card) + " in " + stageOf(grabbed.from) + ". Left and Right arrows move it, Space drops it, Escape cancels.");
  }

  function release() {
    if (!grabbed) return null;
    var g = grabbed;
    grabbed = null;
    g.card.removeAttribute("aria-grabbed");
    g.card.classList.remove("is-grabbed");
    return g;
  }

  function drop() {
    var g = release();
    if (!g) return;
    if (colOf(g.card) === g.from) {
      announce(nameOf(g.card) + " stays in " + stageOf(g.from) + ".");
      return;
    }
    send(g.card, g.from, g.next);
  }

  function cancel(keepFocus) {
    var g = release();
    if (!g) return;
    restore(g.card, g.from, g.next);
    if (!keepFocus) g.card.focus();
    announce("Move cancelled. " + nameOf(g.card) + " is back in " + stageOf(g.from) + ".");
  }

  function step(card, dir) {
    var i = columns.indexOf(colOf(card)) + dir;
    if (i < 0 || i >= columns.length) {
      announce(nameOf(card) + " is already in the " + (dir < 0 ? "first" : "last") + " stage.");
      return;
    }
    place(card, columns[i]);
    card.focus();
    announce(nameOf(card) + " over " + stageOf(columns[i]) + ". Space to drop it here.");
  }

  board.addEventListener("keydown", function (e) {
    var card = e.target;
    if (!card.classList || !card.classList.contains("kanban-card")) return; // links and menus inside keep their keys
    if (e.key === " " || e.key === "Enter" || e.key === "Spacebar") {
      e.preventDefault();
      if (grabbed && grabbed.card === card) drop(); else { release(); pickUp(card); }
    } else if (grabbed && grabbed.card === card && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
      e.preventDefault();
      step(card, e.key === "ArrowLeft" ? -1 : 1);
    } else if (grabbed && e.key === "Escape") {
      e.preventDefault();
      cancel(false);
    }
  });
  board.addEventListener("focusout", function (e) {
    // Leaving a picked-up card (Tab, click elsewhere) cancels the move;
    // moving the card between columns refocuses it at once.
    if (grabbed && e.target === grabbed.card) {
      window.setTimeout(function () {
        if (grabbed && document.activeElement !== grabbed.card) cancel(true);
      }, 0);
    }
  });

  // Drag and drop.
  var dragging = null;
  Array.prototype.forEach.call(board.querySelectorAll(".kanban-card"), function (card) {
    card.setAttribute("draggable", "true");
  });
  board.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".kanban-card");
    if (!card) return;
    dragging = { card: card, from: colOf(card), next: card.nextElementSibling };
    card.classList.add("is-dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.getAttribute("data-opportunity-id"));
  });
  board.addEventListener("dragend", function () {
    if (dragging) dragging.card.classList.remove("is-dragging");
    columns.forEach(function (c) { c.classList.remove("is-drop-target"); });
    dragging = null;
  });
  columns.forEach(function (col) {
    col.addEventListener("dragover", function (e) {
      if (!dragging) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      col.classList.add("is-drop-target");
    });
    col.addEventListener("dragleave", function (e) {
      if (!col.contains(e.relatedTarget)) col.classList.remove("is-drop-target");
    });
    col.addEventListener("drop", function (e) {
      if (!dragging) return;
      e.preventDefault();
      col.classList.remove("is-drop-target");
      var d = dragging;
      dragging = null;
      d.card.classList.remove("is-dragging");
      if (col === d.from) return;
      place(d.card, col);
      send(d.card, d.from, d.next);
    });
  });
})();
