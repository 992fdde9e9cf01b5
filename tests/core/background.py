"""Fixtures for tests of background work in separate processes: a real Redis (a database number
of our own, flushed before and after), a database on disk that a `flask worker` subprocess can
share (a SQLite file, or PostgreSQL when TEST_DATABASE_URL is set), and the worker itself.

A test module uses them by defining `app = worker_app` (see tests/core/test_mail_worker.py).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import build_app, separate_database
from training_app.accounts.privacy_text import ensure_privacy_notice
from training_app.extensions import db
from training_app.municipalities.services import seed_member_municipalities

ROOT = Path(__file__).resolve().parents[2]
#: Database 7 of the local Redis is ours: it is flushed before and after each test.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def redis_db():
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except RedisError as error:
        client.close()
        pytest.skip(f"Redis does not answer at {REDIS_URL} ({error}); start redis-server to run")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def shared_database_url(tmp_path_factory):
    """A database the test process and a worker process both reach."""
    with separate_database("jobs", tmp_path_factory.mktemp("jobs")) as url:
        yield url


@pytest.fixture
def worker_app(shared_database_url, redis_db, tmp_path):
    """The web side: background work goes to Redis; documents land in a directory of the test."""
    app = build_app(
        {
            "SQLALCHEMY_DATABASE_URI": shared_database_url,
            "REDIS_URL": REDIS_URL,
            "PRINT_WORKER": "rq",
            "MAIL_WORKER": "rq",
            "PRINT_JOB_DIR": str(tmp_path / "print_jobs"),
        }
    )
    with app.app_context():
        db.create_all()
        seed_member_municipalities()
        ensure_privacy_notice()
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
        for client in app.extensions.get("redis_clients", {}).values():
            client.close()


@pytest.fixture
def start_worker(app, tmp_path):
    """start_worker(**environment) -> a running `flask worker` process on the test's database and
    Redis; stopped (or found killed) at the end. Its log is shown when a test fails."""
    processes = []

    def start(**settings) -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(processes) + 1}.log", "wb")  # noqa: SIM115
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "TCKN_KEY": app.config["TCKN_KEY"],
            "PRINT_JOB_DIR": app.config["PRINT_JOB_DIR"],
            "PRINT_PROCESSES": "1",
            "JOB_SWEEP_INTERVAL": "0.5",
            "MAIL_SERVER": app.config["MAIL_SERVER"],
            "MAIL_PORT": str(app.config["MAIL_PORT"]),
            **{key: str(value) for key, value in settings.items()},
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "training_app", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        return process

    yield start
    for process, _log in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # a warm shutdown, as systemd stops it
    for process, log in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            print(f"Worker {process.pid} ignored SIGTERM:\n{worker_logs(tmp_path)}")
        log.close()


def worker_logs(tmp_path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("worker-*.log")))


def wait_for(check, tmp_path, timeout: float = 30, interval: float = 0.05):
    """Poll `check()` (a fresh database transaction each time) until it returns something true."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        db.session.expire_all()
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out; worker output:\n{worker_logs(tmp_path)}")
        time.sleep(interval)
