"""Training and seminar management for a union of municipalities."""

import logging

from flask import Flask, make_response, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user

from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config=None) -> Flask:
    """Build the app; `config` is a Config class, a dict of overrides, or "production"
    (ProductionConfig, as gunicorn is told by `make serve`)."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=False,
    )
    import config as config_module

    if config == "production":
        app.config.from_object(config_module.ProductionConfig)
    elif config is None:
        app.config.from_object(config_module.Config)
    elif isinstance(config, dict):
        app.config.from_object(config_module.Config)
        app.config.update(config)
    else:
        app.config.from_object(config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(
        config_module.BASE_DIR / "training_app" / "translations"
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        config_module.INSTANCE_DIR.mkdir(exist_ok=True)
        # A writer waits for the file lock up to SQLITE_BUSY_TIMEOUT seconds (sqlite3's default 5 s
        # gives "database is locked" to the last of many applicants arriving at once).
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", app.config.get("SQLITE_BUSY_TIMEOUT", 30))
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_logging(app)
    from .core import branding

    branding.init_app(app)
    _init_extensions(app)
    _register_converters(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_template_helpers(app)
    _register_request_hooks(app)

    from .cli import register_cli

    register_cli(app)

    from .core.permissions import check_every_view_has_a_rule

    check_every_view_has_a_rule(app)
    _warn_about_development_settings(app)
    from .core.serving import check_shared_rate_limits

    check_shared_rate_limits(app)
    return app


#: Shortest SECRET_KEY / TCKN_KEY accepted in production (an empty key encrypts nothing).
MIN_KEY_LENGTH = 32


def _warn_about_development_settings(app: Flask) -> None:
    """Say loudly which development defaults are still in use (fine for `make run`, not for a
    real installation: QR codes would point to 127.0.0.1, and the keys are public)."""
    if app.testing:
        return
    import config as config_module

    defaults = {
        "SECRET_KEY": config_module.DEV_SECRET_KEY,
        "TCKN_KEY": config_module.DEV_TCKN_KEY,
    }
    left = [key for key, value in defaults.items() if app.config.get(key) == value]
    if app.config.get("REFUSE_DEVELOPMENT_KEYS"):
        if left:
            raise RuntimeError(
                f"{' and '.join(left)} still have their public development values: set them in "
                "the environment (see README, Production) before serving."
            )
        weak = [key for key in defaults if len(app.config.get(key) or "") < MIN_KEY_LENGTH]
        if weak:
            raise RuntimeError(
                f"{' and '.join(weak)} must be at least {MIN_KEY_LENGTH} characters long "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
    if app.config.get("PUBLIC_BASE_URL", "").startswith(("http://127.0.0.1", "http://localhost")):
        left.append("PUBLIC_BASE_URL")
    if left:
        app.logger.warning(
            "Development settings in use (%s): set them before serving real users.",
            ", ".join(left),
        )


def _init_logging(app: Flask) -> None:
    from .core.tckn import install_redacting_record_factory

    install_redacting_record_factory()
    app.logger.setLevel(logging.INFO)  # also installs Flask's stderr handler on "training_app"


def _select_locale():
    from flask import has_request_context

    if not has_request_context():
        return "tr"
    if "locale" in session:
        return session["locale"]
    if current_user and current_user.is_authenticated:
        return current_user.locale
    from flask import current_app

    # Turkish by default: only someone who asks for English (and not Turkish) first gets it.
    best = request.accept_languages.best_match(current_app.config["LANGUAGES"])
    first = (request.accept_languages.best or "").split("-")[0].lower()
    return best if best and first == best else "tr"


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(_project_dir() / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)

    # Every model module, so that Alembic and create_all() see every table.
    from .accounts import models as _accounts_models  # noqa: F401
    from .accounts.models import User
    from .attendance import models as _attendance_models  # noqa: F401
    from .catalog import models as _catalog_models  # noqa: F401
    from .certificates import models as _certificates_models  # noqa: F401
    from .core import models as _core_models  # noqa: F401
    from .enrollment import models as _enrollment_models  # noqa: F401
    from .evaluation import models as _evaluation_models  # noqa: F401
    from .evaluation import municipality as _evaluation_municipality  # noqa: F401
    from .mailtexts import models as _mailtexts_models  # noqa: F401
    from .materials import models as _materials_models  # noqa: F401
    from .municipalities import models as _municipalities_models  # noqa: F401
    from .planning import models as _planning_models  # noqa: F401
    from .privacy import models as _privacy_models  # noqa: F401

    @login_manager.user_loader
    def load_user(token: str):
        user_id, _sep, version = token.partition(":")
        if not user_id.isascii() or not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or str(user.session_version) != version:
            return None
        return user


def _project_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def _register_converters(app: Flask) -> None:
    """`<int:...>` in every route means an id the database can hold (before any route exists)."""
    from .core.args import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter


def _register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .attendance.online_views import bp as online_bp
    from .attendance.online_views import online_home_boxes, online_session_box
    from .attendance.views import bp as attendance_bp
    from .catalog.admin_views import bp as catalog_admin_bp
    from .catalog.views import bp as catalog_bp
    from .certificates.designs_views import bp as designs_bp
    from .certificates.designs_views import course_designs_panel
    from .certificates.views import bp as certificates_bp
    from .certificates.views import my_document_ids, my_document_validity
    from .core.views import bp as core_bp
    from .enrollment.services import connect_signals
    from .enrollment.views import bp as enrollment_bp
    from .enrollment.views import enrolment_panel
    from .evaluation.results_views import bp as evaluation_results_bp
    from .evaluation.services import connect_signals as connect_evaluation_signals
    from .evaluation.views import bp as evaluation_bp
    from .evaluation.views import evaluation_offers, open_evaluations
    from .mailtexts.services import text_for_mail
    from .mailtexts.views import bp as mailtexts_bp
    from .materials.views import bp as materials_bp
    from .materials.views import my_materials, session_materials_panel
    from .municipalities.views import bp as municipalities_bp
    from .planning.admin_views import bp as planning_admin_bp
    from .planning.interest import connect_signals as connect_planning_signals
    from .planning.usage import connect_signals as connect_usage_signals
    from .planning.views import bp as planning_bp
    from .planning.views import interest_panel, office_planning_tasks, planning_tasks
    from .privacy.views import bp as privacy_bp
    from .reports.views import bp as reports_bp

    # Public blueprints first: the access test walks rules in this order.
    for bp in (
        core_bp,
        accounts_bp,
        municipalities_bp,
        catalog_bp,
        api_bp,
        enrollment_bp,
        attendance_bp,
        online_bp,
        certificates_bp,
        designs_bp,
        admin_bp,
        catalog_admin_bp,
        reports_bp,
        privacy_bp,
        evaluation_bp,
        evaluation_results_bp,
        planning_bp,
        planning_admin_bp,
        materials_bp,
        mailtexts_bp,
    ):
        app.register_blueprint(bp)
    app.extensions["mail_texts"] = text_for_mail
    connect_signals()
    connect_evaluation_signals()
    connect_planning_signals()
    connect_usage_signals()
    app.jinja_env.globals["open_evaluations"] = open_evaluations
    app.jinja_env.globals["evaluation_offers"] = evaluation_offers
    app.jinja_env.globals["interest_panel"] = interest_panel
    app.jinja_env.globals["planning_tasks"] = planning_tasks
    app.jinja_env.globals["office_planning_tasks"] = office_planning_tasks
    app.jinja_env.globals["enrolment_panel"] = enrolment_panel
    app.jinja_env.globals["online_session_box"] = online_session_box
    app.jinja_env.globals["online_home_boxes"] = online_home_boxes
    app.jinja_env.globals["my_document_ids"] = my_document_ids
    app.jinja_env.globals["my_document_validity"] = my_document_validity
    app.jinja_env.globals["session_materials_panel"] = session_materials_panel
    app.jinja_env.globals["my_materials"] = my_materials
    app.jinja_env.globals["course_designs_panel"] = course_designs_panel


def _register_error_handlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from .api.errors import is_api_request, json_error

    def render_error(code, title, message, error=None):
        """The error page, or under /api/v1 the API's JSON error; either way with the headers
        the error carries (a 405's Allow, a 429's Retry-After)."""
        if is_api_request():
            response = json_error(code)
        else:
            page = render_template("errors/error.html", code=code, title=title, message=message)
            response = make_response(page, code)
        get_headers = getattr(error, "get_headers", None)
        for name, value in get_headers() if get_headers else ():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(400)
    def bad_request(e):
        message = getattr(e, "message", None) or _("The request could not be understood.")
        return render_error(400, _("Bad request"), str(message), e)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(
            400,
            _("The form has expired"),
            _("The page was open too long or was sent twice. Go back, reload and try again."),
            e,
        )

    @app.errorhandler(403)
    def forbidden(e):
        return render_error(403, _("Access denied"), _("You are not allowed to open this page."), e)

    @app.errorhandler(404)
    def not_found(e):
        return render_error(
            404,
            _("Page not found"),
            _("The page you are looking for does not exist or has moved."),
            e,
        )

    @app.errorhandler(405)
    def method_not_allowed(e):
        return render_error(405, _("Not allowed"), _("This action cannot be done this way."), e)

    @app.errorhandler(413)
    def too_large(e):
        return render_error(413, _("File too large"), _("The file you sent is too large."), e)

    @app.errorhandler(429)
    def too_many(e):
        return render_error(
            429,
            _("Too many attempts"),
            _("You have tried too many times in a short time. Wait a minute and try again."),
            e,
        )

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return render_error(
            500,
            _("Something went wrong"),
            _(
                "An unexpected error occurred. The training office has been "
                "notified; please try again later."
            ),
        )


def _register_template_helpers(app: Flask) -> None:
    from .accounts.models import Role
    from .core.navigation import navigation_for
    from .core.turkish import JINJA_FILTERS

    app.jinja_env.filters.update(JINJA_FILTERS)
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject_globals():
        from flask_babel import get_locale

        return {
            "brand": app.extensions["brand"],
            "union_name": app.config["UNION_NAME"],
            "union_short_code": app.config["UNION_SHORT_CODE"],
            "current_locale": str(get_locale() or "tr"),
            "navigation": navigation_for(current_user),
            "Role": Role,
        }


def _register_request_hooks(app: Flask) -> None:
    from flask import redirect, url_for

    from .accounts.services import needs_privacy_acknowledgement
    from .core.args import refuse_nul_characters

    # First of all: nothing else should see a NUL character (PostgreSQL cannot store one).
    app.before_request(refuse_nul_characters)

    exempt = {
        "accounts.acknowledge_privacy",
        "accounts.logout",
        "accounts.privacy_notice",
        "attendance.service_worker",
        "core.set_language",
        "static",
    }

    @app.before_request
    def require_current_privacy_notice():
        """A newer privacy notice must be acknowledged before anything else."""
        if (
            current_user.is_authenticated
            and request.endpoint not in exempt
            and needs_privacy_acknowledgement(current_user)
        ):
            return redirect(url_for("accounts.acknowledge_privacy", next=request.full_path))
        return None

    if app.config.get("MAIL_WORKER") == "thread":
        from .core.mail import InProcessMailWorker

        worker = InProcessMailWorker(app)

        @app.before_request
        def start_mail_worker():
            worker.ensure_started()

    if app.config.get("PRINT_WORKER") == "thread":
        from .certificates.jobs import InProcessPrintWorker

        print_worker = InProcessPrintWorker(app)
        app.extensions["print_worker"] = print_worker

        @app.before_request
        def start_print_worker():
            print_worker.ensure_started()

    from .core import caching

    caching.register(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
