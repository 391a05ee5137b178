// The meeting form, enhanced: only the repeat choices that apply to "Repeats" are shown, and
// choosing the host country proposes its time zone until the editor picks one. Without
// JavaScript every choice is shown and the server uses the host country's zone when the zone
// is left empty.
(function () {
  "use strict";

  function showRepeatDetails(form) {
    var repeats = form.querySelector("select[name='repeats']");
    if (!repeats) { return; }
    form.querySelectorAll(".repeat-detail[data-repeats]").forEach(function (detail) {
      var wanted = detail.getAttribute("data-repeats").split(" ");
      detail.hidden = wanted.indexOf(repeats.value) === -1;
    });
  }

  function proposeZone(form) {
    var holder = form.querySelector("[data-country-zones]");
    var country = form.querySelector("[name='host_country']");
    var zone = form.querySelector("select[name='timezone']");
    if (!holder || !country || !zone) { return; }
    var zones = JSON.parse(holder.getAttribute("data-country-zones") || "{}");
    var proposed = zones[(country.value || "").trim().toUpperCase()];
    if (proposed && (zone.value === "" || zone.getAttribute("data-proposed") === zone.value)) {
      zone.value = proposed;
      zone.setAttribute("data-proposed", proposed);
    }
  }

  function setUp() {
    document.querySelectorAll("form.meeting-form").forEach(function (form) {
      showRepeatDetails(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "repeats") { showRepeatDetails(form); }
        if (event.target.name === "host_country") { proposeZone(form); }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
