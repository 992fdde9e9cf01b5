"""Who may open what: every view declares its rule here, and create_app() refuses to start
if one does not.

Rules:
- `public`: anyone, logged in or not;
- `guest_only`: pages for people not logged in (login, register); logged-in users are sent home;
- `login_required`: any logged-in user;
- `roles_required(*roles)`: a logged-in user holding one of the roles.
Object-level rules (a coordinator sees only their municipality, a participant only their own
records) live in the loaders below, so that a view cannot forget them.
"""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from ..accounts.models import Role

ACCESS_ATTRIBUTE = "_access_rule"


def _mark(view, rule):
    setattr(view, ACCESS_ATTRIBUTE, rule)
    return view


def public(view):
    return _mark(view, "public")


def guest_only(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated:
            return redirect(url_for("core.home"))
        return view(*args, **kwargs)

    return _mark(wrapped, "guest")


def _login_redirect():
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _login_redirect()
        return view(*args, **kwargs)

    return _mark(wrapped, "login")


def roles_required(*roles: Role):
    """Allow only logged-in users holding one of `roles`; others get 403, guests the login page."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _login_redirect()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, ("roles", frozenset(roles)))

    return decorator


admin_required = roles_required(Role.ADMIN)


def check_every_view_has_a_rule(app) -> None:
    """Refuse to start when a view was registered without an access rule."""
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, ACCESS_ATTRIBUTE)
    ]
    if missing:
        raise RuntimeError(f"Views without an access rule: {', '.join(sorted(missing))}")


def can_manage_municipality(user, municipality_id: int | None) -> bool:
    """Admins manage every municipality; a coordinator only the ones they coordinate."""
    if user.has_role(Role.ADMIN):
        return True
    return municipality_id is not None and municipality_id in user.coordinated_municipality_ids


def require_municipality(user, municipality_id: int | None) -> None:
    """404 rather than 403: a coordinator must not learn what exists elsewhere."""
    if not can_manage_municipality(user, municipality_id):
        abort(404)
