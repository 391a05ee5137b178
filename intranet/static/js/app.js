// The intranet's own script: everything works without it; it only makes two things kinder.
//
// 1. A button or form with data-confirm="Question?" asks in a dialog before it submits, then
//    sends confirm=yes (without JavaScript the server asks on a page of its own instead).
// 2. After htmx replaces part of the page, the keyboard focus lands on what changed (an
//    [autofocus] element in the new content, else its first heading) instead of the page body.
// 3. A search box someone typed into while the page was still loading, before htmx listened,
//    asks for its results as soon as htmx is ready instead of waiting for another key.
(function () {
  "use strict";

  function confirmDialog(question, actionLabel, onConfirm) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    var title = document.createElement("h2");
    title.id = "confirm-dialog-title";
    title.textContent = question;
    var buttons = document.createElement("div");
    buttons.className = "confirm-actions";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger";
    yes.textContent = actionLabel || "Yes";
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = "Cancel";
    buttons.append(yes, no);
    dialog.append(title, buttons);
    document.body.append(dialog);
    var opener = document.activeElement;
    function close() {
      dialog.close();
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
    }
    no.addEventListener("click", close);
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      close();
    });
    yes.addEventListener("click", function () {
      dialog.close();
      dialog.remove();
      onConfirm();
    });
    dialog.showModal();
    no.focus();
  }

  // In the capture phase, so that htmx never sees an unconfirmed submit.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var source = submitter && submitter.dataset.confirm ? submitter : form;
      var question = source.dataset.confirm;
      if (!question || form.querySelector('input[name="confirm"][value="yes"]')) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      confirmDialog(question, source.dataset.confirmAction, function () {
        var confirmed = document.createElement("input");
        confirmed.type = "hidden";
        confirmed.name = "confirm";
        confirmed.value = "yes";
        form.append(confirmed);
        form.requestSubmit(submitter && submitter.isConnected ? submitter : undefined);
      });
    },
    true
  );

  // Only for what a person did (a click, a submit): content htmx loads by itself (dashboard
  // cards on "load", "revealed", polling) never takes the focus from where the reader is.
  var BY_ITSELF = ["load", "revealed", "intersect"];
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target;
    var focused = document.activeElement;
    var config = event.detail && event.detail.requestConfig;
    var trigger = config && config.triggeringEvent;
    if (!trigger || BY_ITSELF.indexOf(trigger.type) !== -1) return;
    if (!root || !root.isConnected) return;
    if (focused && focused !== document.body && focused.isConnected) return;
    var place =
      root.querySelector("[autofocus]") ||
      root.querySelector("h1, h2, h3, [role=status]:not(:empty)") ||
      root;
    if (!place.matches("a, button, input, select, textarea, [tabindex]")) {
      place.setAttribute("tabindex", "-1");
    }
    place.focus();
  });

  // htmx announces the page itself with one htmx:load on <body> once it is ready.
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) return;
    document.querySelectorAll("input[type=search]").forEach(function (box) {
      if (box.value === box.defaultValue) return;
      if (box.hasAttribute("hx-get")) {
        window.htmx.trigger(box, "search");
      } else if (box.form && box.form.hasAttribute("hx-get")) {
        window.htmx.trigger(box.form, "submit"); // a filter form that listens to its box
      }
    });
  });
})();
