"""/healthz: 200 when the database answers at the newest migration (and Redis when configured),
503 naming the failed check; no personal data, never cached, never rate-limited."""

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.conftest import build_app
from training_app.extensions import db, migrate


@pytest.fixture
def at_head(app):
    """Stamp the test database (built by create_all) at the newest migration, as a deploy
    after `flask db upgrade` leaves it; the stamp is removed afterwards."""
    script = ScriptDirectory.from_config(migrate.get_config())
    with db.engine.begin() as connection:
        MigrationContext.configure(connection).stamp(script, "heads")
    yield
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_healthy_when_the_database_answers_at_the_newest_migration(client, at_head):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not configured"},
    }
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_unavailable_when_migrations_are_behind(app, client, at_head):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'an_older_one'"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["migrations"] == "failed"
    assert response.json["checks"]["database"] == "ok"


def test_unavailable_when_the_database_was_never_migrated(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"] == {
        "database": "ok",
        "migrations": "failed",
        "redis": "not configured",
    }


def test_unavailable_when_the_database_does_not_answer(tmp_path):
    app = build_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "failed"
    assert response.json["checks"]["migrations"] == "skipped"
    # Which check failed, not the error: no path, host or user name in the answer.
    assert "missing-folder" not in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_unavailable_when_configured_redis_does_not_answer(app, at_head):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "migrations": "ok", "redis": "failed"}


def test_healthy_with_a_configured_redis_that_answers(app, at_head):
    from redis import Redis
    from redis.exceptions import RedisError

    url = "redis://127.0.0.1:6379/0"  # only pinged: nothing is read or written
    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except RedisError as error:
        pytest.skip(f"Redis does not answer at {url} ({error})")
    app.config["REDIS_URL"] = url
    response = app.test_client().get("/healthz")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["redis"] == "ok"


def test_not_rate_limited(app, client, at_head):
    assert app.config["RATELIMIT_ENABLED"]
    assert all(client.get("/healthz").status_code == 200 for _ in range(120))
