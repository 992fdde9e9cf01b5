"""Home page and language switch."""

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..extensions import db
from .permissions import public
from .safety import safe_next_url

bp = Blueprint("core", __name__)


@bp.route("/")
@public
def home():
    """Start page: what the system is for, and each role's next steps."""
    return render_template("core/home.html")


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
