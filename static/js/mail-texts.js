// Mail texts: a placeholder button inserts its {name} where the cursor was in the subject or
// the body (the last one focused; the body by default).
(() => {
  let target = null;
  document.addEventListener("focusin", (event) => {
    if (event.target.matches && event.target.matches("[data-placeholder-target]")) {
      target = event.target;
    }
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest ? event.target.closest("[data-insert]") : null;
    if (!button) {
      return;
    }
    const field = target || document.querySelector("textarea[data-placeholder-target]");
    if (!field) {
      return;
    }
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? field.value.length;
    field.setRangeText(button.dataset.insert, start, end, "end");
    field.focus();
  });
})();
