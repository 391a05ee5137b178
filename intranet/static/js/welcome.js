// The first sign-in setup: choose the browser's own time zone when the list has it.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector(".welcome-form select[name=timezone]");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (select && zone && [...select.options].some((option) => option.value === zone)) {
    select.value = zone;
  }
});
