// Document design page: show the preview of the saved values as soon as the page opens; the
// "Preview" button posts the form's current values to the preview frame (no script needed).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("preview-button");
  const frame = document.getElementById("design-preview");
  if (button && frame && !frame.dataset.loaded) {
    frame.dataset.loaded = "1";
    button.click();
  }
});
