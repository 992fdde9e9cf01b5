"""Home page, language switch and the site icon."""

from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
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


@bp.route("/favicon.ico")
@public
def favicon():
    """The site icon where browsers (and their PDF viewers) look for it without a <link>."""
    # 4 KB read at once: no file handle stays open with the response.
    icon = Path(current_app.static_folder, "img", "favicon.ico").read_bytes()
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
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
