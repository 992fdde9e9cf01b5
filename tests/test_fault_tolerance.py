"""The app rides out a PostgreSQL restart: every server connection of the app is terminated (what
a restart does to them; the real server is never restarted) and the next requests succeed
without restarting the app, because the pool tests a connection before lending it
(pool_pre_ping). PostgreSQL only (TEST_DATABASE_URL).

The other fault tests live with their features: a bulk-print worker killed mid-job in
tests/certificates/test_jobs_worker.py, Redis and SMTP down in tests/core/test_mail_worker.py.
"""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from benchmarks.enrolment import Client
from benchmarks.server import gunicorn
from tests.conftest import USING_POSTGRES, build_app, separate_database
from training_app.accounts.privacy_text import ensure_privacy_notice
from training_app.extensions import db
from training_app.municipalities.services import seed_member_municipalities

pytestmark = pytest.mark.skipif(
    not USING_POSTGRES, reason="PostgreSQL only: set TEST_DATABASE_URL (SQLite has no server)"
)

TERMINATE_THE_OTHERS = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def _terminate_connections(database_url: str) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(TERMINATE_THE_OTHERS).scalar_one()
    finally:
        engine.dispose()


def test_the_next_request_after_the_connections_are_cut_succeeds(app, client):
    assert client.get("/verify/NOPE").status_code == 404  # a query, on a pooled connection
    # The fixture's app context outlives requests: end the session as a request's teardown does,
    # so that its connection goes back to the pool.
    db.session.remove()
    assert _terminate_connections(app.config["SQLALCHEMY_DATABASE_URI"]) >= 1
    assert client.get("/verify/NOPE").status_code == 404
    assert client.get("/verify/NOPE").status_code == 404


@pytest.fixture
def fault_database(tmp_path):
    with separate_database("fault", tmp_path) as database_url:
        app = build_app({"SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context():
            db.create_all()
            seed_member_municipalities()
            ensure_privacy_notice()
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        yield database_url


def test_a_live_gunicorn_server_rides_out_a_database_restart(fault_database):
    requests = 6  # each over a connection of its own, as from different browsers
    with gunicorn(
        fault_database,
        2,
        MAIL_WORKER="off",
        PRINT_WORKER="off",
        SECRET_KEY="fault-tolerance-test",
        TCKN_KEY="fault-tolerance-test",
        PUBLIC_BASE_URL="http://127.0.0.1",
        VERIFY_RATE_LIMIT="100000 per minute",
    ) as port:

        def statuses():
            answers = []
            for _ in range(requests):
                browser = Client(port)
                answers.append(browser.request("GET", "/verify/NOPE")[0])
                browser.connection.close()
            return answers

        assert statuses() == [404] * requests
        assert _terminate_connections(fault_database) >= 1
        assert statuses() == [404] * requests
