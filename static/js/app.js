// Small behaviours shared by every page. htmx sends the CSRF token with every request.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('input[name="csrf_token"]');
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.value;
  }
});

// Attendance roster: a refused mark (422) still replaces the row, so its message shows;
// a failed request keeps the row as it was and says so, so the trainer can tap again.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

function showRowError(event) {
  const row = event.detail.elt.closest(".roster-row");
  const list = event.detail.elt.closest("[data-error-message]");
  if (!row || !list) {
    return;
  }
  const state = row.querySelector(".row-state");
  if (state) {
    state.textContent = list.dataset.errorMessage;
    state.classList.add("text-danger");
  }
}
document.addEventListener("htmx:responseError", showRowError);
document.addEventListener("htmx:sendError", showRowError);

// Forms whose action cannot be undone ask first (data-confirm holds the question).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Logging out clears what this device kept for the roster offline (the server also sends
// Clear-Site-Data): kept pages, waiting marks, the service worker.
document.addEventListener("submit", (event) => {
  if (!event.target.matches || !event.target.matches("form[data-clears-device]")) {
    return;
  }
  if (window.caches) {
    caches.keys().then((keys) => keys.forEach((key) => caches.delete(key)));
  }
  if (window.indexedDB) {
    indexedDB.deleteDatabase("kbb-offline");
  }
  if (navigator.serviceWorker) {
    navigator.serviceWorker
      .getRegistrations()
      .then((registrations) => registrations.forEach((r) => r.unregister()))
      .catch(() => {});
  }
});
