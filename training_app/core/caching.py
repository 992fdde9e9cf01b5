"""Who may keep a copy of a response: nobody, unless the view is a public resource marked
`@cacheable`.

Pages and files of this app hold personal data (names, registrations, attendance, reports by
municipality) or a CSRF token; a shared computer's browser cache, a proxy or the back button
must not keep them. Deciding per view which ones do would fail open on the next new view, so
every response gets `Cache-Control: private, no-store` (whatever the view set), except static
files and the few public resources that are the same for everyone.
"""

from flask import Flask, current_app, request

CACHEABLE_ATTRIBUTE = "_cacheable"
NO_STORE = "private, no-store"


def cacheable(view):
    """Mark a public view whose response is the same for everyone and holds no personal data:
    its own Cache-Control (or none) is kept."""
    setattr(view, CACHEABLE_ATTRIBUTE, True)
    return view


def is_cacheable(endpoint: str | None) -> bool:
    if endpoint == "static":
        return True
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, CACHEABLE_ATTRIBUTE, False))


def register(app: Flask) -> None:
    @app.after_request
    def no_store_unless_cacheable(response):
        if not is_cacheable(request.endpoint):
            response.headers["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response
