"""Several gunicorn workers, one database: 200 people apply over HTTP at the same moment for a
30-seat session. Exactly 30 are confirmed, the rest waitlisted, and no request fails.

PostgreSQL (TEST_DATABASE_URL): a database of its own next to the test database, created here.
SQLite: a database file. The server listens on 127.0.0.1 only.
"""

import os
import threading

import pytest

from benchmarks.enrolment import (
    TOKEN,
    Client,
    _outcome,
    _prepare,
    apply_at_once,
    log_in_everyone,
)
from benchmarks.server import gunicorn
from tests.conftest import separate_database

PEOPLE, SEATS, WORKERS = 200, 30, 4


@pytest.fixture
def workers_database(tmp_path):
    with separate_database("workers", tmp_path) as url:
        yield url


def test_two_hundred_applications_through_four_workers(workers_database):
    session_id = _prepare(workers_database, PEOPLE, SEATS)
    with gunicorn(
        workers_database,
        WORKERS,
        MAIL_WORKER="off",
        SECRET_KEY="multi-worker-test",
    ) as port:
        clients = log_in_everyone(port, session_id, PEOPLE)
        statuses, _elapsed = apply_at_once(clients, session_id)
    assert len(statuses) == PEOPLE
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) == {302}  # every application answered with a redirect to the page
    assert _outcome(workers_database, session_id) == (SEATS, PEOPLE - SEATS)


#: Flushed by these tests: a database of its own (CI gives each of its two parallel runs one).
REDIS_FOR_TESTS = os.environ.get("TEST_REDIS_LIMITS_URL", "redis://127.0.0.1:6379/9")


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_FOR_TESTS)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379: the shared rate limit is not tested")
    client.flushdb()
    return client


def _at_once(count: int, action) -> list:
    """Run action() in `count` threads released together, so that several workers answer."""
    barrier = threading.Barrier(count)
    results: list = []
    lock = threading.Lock()

    def run():
        barrier.wait(timeout=30)
        outcome = action()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_sessions_and_rate_limits_are_shared_by_every_worker(workers_database):
    """Nothing lives in one worker's memory: a session cookie is honoured by whichever worker
    answers, and the login limit is counted once for all of them (in Redis)."""
    redis_client = _redis_or_skip()
    session_id = _prepare(workers_database, 2, 1)
    with gunicorn(
        workers_database,
        WORKERS,
        MAIL_WORKER="off",
        SECRET_KEY="multi-worker-test",
        REDIS_URL=REDIS_FOR_TESTS,
        LOGIN_ACCOUNT_RATE_LIMIT="5 per minute",
    ) as port:
        ((browser, _token),) = log_in_everyone(port, session_id, 1)  # succeeds: costs nothing

        def open_my_trainings():
            client = Client(port)
            client.cookies = dict(browser.cookies)
            return client.request("GET", "/my/trainings")[0]

        assert _at_once(12, open_my_trainings) == [200] * 12

        def wrong_password():
            client = Client(port)
            _status, page = client.request("GET", "/login")
            token = TOKEN.search(page).group(1)
            form = {"csrf_token": token, "email": "bench1@example.org", "password": "yanlis-1"}
            return client.request("POST", "/login", form)[0]

        statuses = _at_once(8, wrong_password)
    # 5 failed attempts allowed for the account, whichever worker counted them.
    assert sorted(statuses).count(429) == 3, statuses
    assert all(status < 500 for status in statuses)
    assert redis_client.keys("LIMITS*"), "the limiter did not count in Redis"
    redis_client.flushdb()
