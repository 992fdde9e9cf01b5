"""Several gunicorn workers, one database: 200 people apply over HTTP at the same moment for a
30-seat session. Exactly 30 are confirmed, the rest waitlisted, and no request fails.

PostgreSQL (TEST_DATABASE_URL): a database of its own next to the test database, created here.
SQLite: a database file. The server listens on 127.0.0.1 only.
"""

import os
import subprocess
import sys
import threading

import pytest
from sqlalchemy.engine import make_url

from benchmarks.catalogue import ROOT, _free_port, _wait_until_up
from benchmarks.enrolment import PASSWORD, TOKEN, Client, _outcome, _prepare
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
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": workers_database,
        "MAIL_WORKER": "off",
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "SECRET_KEY": "multi-worker-test",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "training_app:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    statuses: list[int] = []
    try:
        _wait_until_up(port)
        clients = []
        for n in range(PEOPLE):
            client = Client(port)
            _status, page = client.request("GET", "/login")
            client.request(
                "POST",
                "/login",
                {
                    "csrf_token": TOKEN.search(page).group(1),
                    "email": f"bench{n}@example.org",
                    "password": PASSWORD,
                },
            )
            _status, page = client.request("GET", f"/catalogue/sessions/{session_id}")
            clients.append((client, TOKEN.search(page).group(1)))
        barrier = threading.Barrier(PEOPLE)
        lock = threading.Lock()

        def apply(client, token):
            barrier.wait(timeout=60)
            status, _text = client.request(
                "POST", f"/sessions/{session_id}/apply", {"csrf_token": token}
            )
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=apply, args=pair) for pair in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(statuses) == PEOPLE
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) == {302}  # every application answered with a redirect to the page
    assert _outcome(workers_database, session_id) == (SEATS, PEOPLE - SEATS)
