"""Home page, language switch and the health check."""

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..extensions import db, limiter
from .permissions import public
from .safety import safe_next_url

bp = Blueprint("core", __name__)


@bp.route("/")
@public
def home():
    """Start page: what the system is for, and each role's next steps; the office is told
    when mail could not be sent."""
    from ..accounts.models import Role
    from .mail import failed_count

    failed_mail = (
        failed_count() if current_user.is_authenticated and current_user.has_role(Role.ADMIN) else 0
    )
    return render_template("core/home.html", failed_mail=failed_mail)


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code):
    """Switch the interface language; remembered in the session and on the account."""
    from flask import current_app

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
    response.headers["Cache-Control"] = "no-store"
    return response
