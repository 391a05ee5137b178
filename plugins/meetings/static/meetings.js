// Drag-and-drop reordering of an agenda: an enhancement of the Up/Down buttons, which work
// without JavaScript. Posts the new order with the list the user saw, so the server can refuse
// it when the agenda changed meanwhile, and swaps in the agenda it answers with.
(function () {
  "use strict";

  var dragged = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function itemOf(event) {
    var target = event.target instanceof Element ? event.target : null;
    return target ? target.closest("ol.agenda[data-reorder-url] > li[data-item-id]") : null;
  }

  function save(list) {
    var order = Array.prototype.map.call(list.querySelectorAll(":scope > li[data-item-id]"), function (li) {
      return li.getAttribute("data-item-id");
    });
    var body = new URLSearchParams();
    body.set("order", order.join(","));
    fetch(list.getAttribute("data-reorder-url"), {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body: body,
      credentials: "same-origin",
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var section = document.getElementById("agenda");
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#agenda");
        if (section && fresh) {
          section.replaceWith(fresh);
          if (window.htmx) { window.htmx.process(fresh); }
        }
      });
  }

  document.addEventListener("dragstart", function (event) {
    dragged = itemOf(event);
    if (dragged) {
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-item-id"));
    }
  });

  document.addEventListener("dragover", function (event) {
    var over = itemOf(event);
    if (dragged && over && over.parentNode === dragged.parentNode) {
      event.preventDefault();
      over.classList.add("drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var over = itemOf(event);
    if (over) { over.classList.remove("drop-target"); }
  });

  document.addEventListener("drop", function (event) {
    var over = itemOf(event);
    if (!dragged || !over || over === dragged || over.parentNode !== dragged.parentNode) { return; }
    event.preventDefault();
    over.classList.remove("drop-target");
    var list = over.parentNode;
    var items = Array.prototype.slice.call(list.children);
    if (items.indexOf(dragged) < items.indexOf(over)) {
      over.after(dragged);
    } else {
      over.before(dragged);
    }
    save(list);
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
  });
})();
