// Small behaviours shared by every page. htmx sends the CSRF token with every request.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('input[name="csrf_token"]');
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.value;
  }
});
