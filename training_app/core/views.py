"""Home page, language switch, the site icon and the health check."""

from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from ..extensions import db, limiter
from .caching import cacheable
from .permissions import public
from .safety import safe_next_url

bp = Blueprint("core", __name__)


@bp.route("/")
@public
def home():
    """Start page: the next trainings and the catalogue search for visitors; for a signed-in
    person, one section per role they hold with their next piece of work."""
    from ..accounts.models import Role
    from ..home import queries
    from .mail import failed_count
    from .timeutil import local_now

    now = local_now()
    if not current_user.is_authenticated:
        return render_template("core/home.html", upcoming=queries.upcoming_sessions(now.date()))
    roles = current_user.role_set
    person = current_user.person
    is_admin = Role.ADMIN in roles
    return render_template(
        "core/home.html",
        participant=queries.participant_home(person, now)
        if person is not None and Role.PARTICIPANT in roles
        else None,
        trainer=queries.trainer_home(person, now)
        if person is not None and Role.TRAINER in roles
        else None,
        coordinator=queries.coordinator_home(current_user, now)
        if Role.COORDINATOR in roles
        else None,
        office=queries.office_home(now) if is_admin else None,
        failed_mail=failed_count() if is_admin else 0,
    )


@bp.route("/favicon.ico")
@public
@cacheable
def favicon():
    """The site icon where browsers (and their PDF viewers) look for it without a <link>."""
    # 4 KB read at once: no file handle stays open with the response.
    icon = Path(current_app.static_folder, "img", "favicon.ico").read_bytes()
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


@bp.route("/brand.css")
@public
@cacheable
def brand_css():
    """The union's colours as CSS custom properties (a stylesheet: the CSP allows no inline
    style); the same for everyone, and its URL changes with the colours."""
    from .branding import current_brand

    response = current_app.response_class(current_brand().css(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    return response


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code):
    """Switch the interface language; remembered in the session and on the account."""
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("core.home"))


@bp.route("/healthz")
@public
@limiter.exempt
def healthz():
    """For the load balancer and systemd: 200 when the app can serve, 503 naming what failed."""
    from .health import health

    healthy, checks = health()
    response = jsonify(status="ok" if healthy else "unavailable", checks=checks)
    response.status_code = 200 if healthy else 503
    return response  # never cached: the app-wide no-store hook covers it
