// The calendar feed page: a button that copies the feed address. Without JavaScript (or a
// clipboard) the button stays hidden and the address can be selected and copied by hand.
(function () {
  "use strict";

  function setUp() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector(".copy-status");
      if (!field || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(
          function () { if (status) { status.textContent = "Copied."; } },
          function () {
            field.select();
            if (status) { status.textContent = "Press Ctrl+C (or ⌘C) to copy."; }
          }
        );
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
