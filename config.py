"""Configuration read from the environment.

Every setting the app reads is listed here; README.md documents each one.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


#: Development defaults: public, so the app warns at start while either is still in use.
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEV_TCKN_KEY = "dev-only-tckn-key-change-me"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    #: Key material for encrypting T.C. Kimlik No values and for their keyed hash.
    #: Kept apart from SECRET_KEY so that rotating the session secret does not lose ID numbers.
    TCKN_KEY = os.environ.get("TCKN_KEY", DEV_TCKN_KEY)

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'training.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "tr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Istanbul"
    LANGUAGES = ("tr", "en")

    #: Base URL used in mails and QR codes, where no request is at hand.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    UNION_NAME = os.environ.get("UNION_NAME", "Konya Belediyeler Birliği")
    #: Prefix of the documents' register numbers (KBB-2026-000123): never change it once issued.
    UNION_SHORT_CODE = os.environ.get("UNION_SHORT_CODE", "KBB")
    #: The name shown where the full one does not fit (the header on a phone); defaults to the code.
    UNION_SHORT_NAME = os.environ.get("UNION_SHORT_NAME", "") or UNION_SHORT_CODE
    #: The union's logo or crest, a path under static/ (SVG or PNG) shown in the header and on
    #: PDFs; mails take the PNG of the same name beside an SVG logo.
    UNION_LOGO = os.environ.get("UNION_LOGO", "img/union-logo.svg")
    #: Brand colours, #rrggbb (checked at start): the header, primary buttons, links and focus
    #: ring take the primary; the accent draws the band under the header and rules on documents.
    #: Text on them is white or dark, whichever contrasts more.
    UNION_PRIMARY_COLOR = os.environ.get("UNION_PRIMARY_COLOR", "#0b3d6e")
    UNION_ACCENT_COLOR = os.environ.get("UNION_ACCENT_COLOR", "#c9a54e")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "egitim@kbb.local")
    #: Redis for background work (and rate limits): with it, bulk prints and mail delivery go
    #: through RQ queues run by `flask worker` processes; without it, threads of the web process.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    #: "rq" (the default with REDIS_URL): `flask worker` delivers the outbox; "thread" (the default
    #: without): the web process does; "off": run `flask deliver-mail --loop` yourself.
    MAIL_WORKER = os.environ.get("MAIL_WORKER", "rq" if REDIS_URL else "thread")
    #: Seconds between the sweeps of a `flask worker`: due mail retries, print jobs whose wake-up
    #: was lost, jobs abandoned by a dead worker, old results.
    JOB_SWEEP_INTERVAL = float(os.environ.get("JOB_SWEEP_INTERVAL", "30"))
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: Failed logins only (a successful one costs nothing): per account from any address, and
    #: per address over every account (higher: a municipality's staff share one address).
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "5 per 15 minutes")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "50 per 15 minutes")
    #: Requests for a password-reset mail, per address.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10 per minute")
    #: Completed registration forms, per address (enough for a municipality behind one address).
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "30 per hour")

    #: Public verification of documents (page and form), per client address.
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
    VERIFY_API_RATE_LIMIT = os.environ.get("VERIFY_API_RATE_LIMIT", "120 per minute")
    #: Copies of one's personal data (each renders every document of the person), per user.
    DATA_ARCHIVE_RATE_LIMIT = os.environ.get("DATA_ARCHIVE_RATE_LIMIT", "10 per hour")
    #: "rq" (the default with REDIS_URL): `flask worker` processes run bulk print jobs; "thread"
    #: (the default without): the web process does; "off": run `flask certificates work --loop`.
    PRINT_WORKER = os.environ.get("PRINT_WORKER", "rq" if REDIS_URL else "thread")
    #: A running print job with no progress for this many seconds has lost its worker: it is
    #: shown as interrupted and can be retried.
    PRINT_JOB_ABANDONED_AFTER = int(os.environ.get("PRINT_JOB_ABANDONED_AFTER", "600"))
    #: Longest a bulk print may run in a `flask worker` before RQ stops it (seconds).
    PRINT_JOB_TIMEOUT = int(os.environ.get("PRINT_JOB_TIMEOUT", str(6 * 3600)))
    #: Documents rendered per chunk of a bulk print (0: about 50, see certificates/jobs.py).
    PRINT_CHUNK_SIZE = int(os.environ.get("PRINT_CHUNK_SIZE", "0"))
    #: Where merged bulk-print PDFs are kept until downloaded (shared by every web worker).
    PRINT_JOB_DIR = os.environ.get("PRINT_JOB_DIR", str(INSTANCE_DIR / "print_jobs"))
    #: Where the files of sessions' materials are kept (outside static/: every download is
    #: checked and audited); shared by every web worker.
    MATERIALS_DIR = os.environ.get("MATERIALS_DIR", str(INSTANCE_DIR / "materials"))
    #: Largest material file accepted, in bytes (an upload request may exceed
    #: MAX_CONTENT_LENGTH up to this).
    MATERIAL_MAX_BYTES = int(os.environ.get("MATERIAL_MAX_BYTES", str(20 * 1024 * 1024)))
    #: Optional logo printed on documents, a path under static/ (e.g. "img/logo.png").
    CERTIFICATE_LOGO = os.environ.get("CERTIFICATE_LOGO", "")
    #: Processes rendering a bulk print's chunks in parallel (1: in the worker itself).
    PRINT_PROCESSES = int(os.environ.get("PRINT_PROCESSES", str(min(2, os.cpu_count() or 1))))

    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600"))
    #: Seconds a self-registered person has to open the link confirming their e-mail address.
    EMAIL_CONFIRMATION_MAX_AGE = int(os.environ.get("EMAIL_CONFIRMATION_MAX_AGE", str(3 * 86400)))
    #: Rendered catalogue lists kept per worker (0 turns the cache off); see catalog/cache.py.
    CATALOGUE_CACHE_SIZE = int(os.environ.get("CATALOGUE_CACHE_SIZE", "256"))
    #: Reverse proxies in front of the app (1 behind nginx): client addresses for rate limits
    #: and the https scheme come from their X-Forwarded-* headers.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(8 * 1024 * 1024)))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    WTF_CSRF_TIME_LIMIT = None


class ProductionConfig(Config):
    """`make serve` and the systemd unit: cookies over HTTPS only, no start with the public
    development keys, nor with several workers counting rate limits apart (no REDIS_URL)."""

    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REFUSE_DEVELOPMENT_KEYS = True
    #: Several gunicorn workers without REDIS_URL would each count the rate limits apart.
    REFUSE_PER_WORKER_RATE_LIMITS = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    TCKN_KEY = "test-tckn-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    #: Tests that use Redis set it themselves (a database number of their own).
    REDIS_URL = ""
    MAIL_SERVER = ""
    MAIL_WORKER = "off"
    PRINT_WORKER = "off"
    PRINT_PROCESSES = 1
    SERVER_NAME = None
    #: Fast hashing keeps the suite quick; production uses werkzeug's default (scrypt).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
