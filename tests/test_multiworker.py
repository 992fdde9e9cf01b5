"""Several gunicorn workers, one database: 200 people apply over HTTP at the same moment for a
30-seat session. Exactly 30 are confirmed, the rest waitlisted, and no request fails.

PostgreSQL (TEST_DATABASE_URL): a database of its own next to the test database, created here.
SQLite: a database file. The server listens on 127.0.0.1 only.
"""

import os

import pytest
from sqlalchemy.engine import make_url

from benchmarks.enrolment import _outcome, _prepare, apply_at_once, log_in_everyone
from benchmarks.server import gunicorn
from tests.conftest import USING_POSTGRES

PEOPLE, SEATS, WORKERS = 200, 30, 4


@pytest.fixture
def workers_database(tmp_path):
    if not USING_POSTGRES:
        yield f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        return
    from sqlalchemy import create_engine, text

    url = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{url.database}_workers"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_two_hundred_applications_through_four_workers(workers_database):
    session_id = _prepare(workers_database, PEOPLE, SEATS)
    with gunicorn(
        workers_database,
        WORKERS,
        MAIL_WORKER="off",
        SECRET_KEY="multi-worker-test",
        LOGIN_RATE_LIMIT="100000 per minute",
    ) as port:
        clients = log_in_everyone(port, session_id, PEOPLE)
        statuses, _elapsed = apply_at_once(clients, session_id)
    assert len(statuses) == PEOPLE
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) == {302}  # every application answered with a redirect to the page
    assert _outcome(workers_database, session_id) == (SEATS, PEOPLE - SEATS)
