"""What /healthz checks for the load balancer and systemd: the database answers, its schema is
at the newest migration, and Redis answers when it is configured. No personal data, no error
text (a connection error can name hosts and users): only which check failed."""

import logging

from flask import current_app
from sqlalchemy import text

from ..extensions import db

log = logging.getLogger("training_app.health")

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"
NOT_CONFIGURED = "not configured"


def _migration_heads() -> set[str]:
    """The newest revisions in migrations/ (read once per process: they change only on deploy)."""
    heads = current_app.extensions.get("migration_heads")
    if heads is None:
        from alembic.script import ScriptDirectory

        from ..extensions import migrate

        heads = set(ScriptDirectory.from_config(migrate.get_config()).get_heads())
        current_app.extensions["migration_heads"] = heads
    return heads


def _check_database() -> tuple[str, str]:
    """(database, migrations) states."""
    from alembic.migration import MigrationContext

    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                current = set(MigrationContext.configure(connection).get_current_heads())
            except Exception:
                log.exception("Health check: could not read the migration state")
                return OK, FAILED
    except Exception:
        log.exception("Health check: the database does not answer")
        return FAILED, SKIPPED
    if current != _migration_heads():
        log.warning("Health check: database at %s, code at %s", current, _migration_heads())
        return OK, FAILED
    return OK, OK


def _check_redis() -> str:
    if not current_app.config.get("REDIS_URL"):
        return NOT_CONFIGURED
    from .jobs import redis_connection

    try:
        redis_connection().ping()
    except Exception:
        log.exception("Health check: Redis does not answer")
        return FAILED
    return OK


def health() -> tuple[bool, dict[str, str]]:
    """Whether the app can serve, and the state of each check."""
    database, migrations = _check_database()
    checks = {"database": database, "migrations": migrations, "redis": _check_redis()}
    return all(state in (OK, NOT_CONFIGURED) for state in checks.values()), checks
