"""Background work, wherever it runs: `enqueue(fn, *args)` puts the call on an RQ queue in Redis
when REDIS_URL is set (`flask worker` processes run it), otherwise on a thread of this process.

The row of the work in the database (a PrintJob, an outbox message) stays the truth and the queued
call is only a wake-up signal: a task claims its row with a compare-and-set and does nothing when
the row is already taken, so a call delivered twice is harmless. A signal that is lost (Redis
down for a moment, or restarted: it keeps nothing on disk) is made good by the sweep that every
worker process runs every JOB_SWEEP_INTERVAL seconds.
"""

import importlib
import logging
import queue as thread_queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable

from flask import Flask, current_app, has_app_context

from ..extensions import db

log = logging.getLogger("training_app.jobs")

#: The queues a worker listens on, in order of priority: a mail never waits behind a long print.
QUEUES = ("mail", "print")


def uses_redis(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("REDIS_URL"))


def redis_connection(app: Flask | None = None, for_worker: bool = False):
    """The app's Redis client. A web request waits at most a couple of seconds for a Redis that
    is down (then the sweep catches up); a worker blocks on the queue without a read timeout."""
    from redis import Redis

    app = app or current_app._get_current_object()
    url = app.config["REDIS_URL"]
    clients = app.extensions.setdefault("redis_clients", {})
    if (url, for_worker) not in clients:
        options = {} if for_worker else {"socket_connect_timeout": 2, "socket_timeout": 5}
        clients[url, for_worker] = Redis.from_url(url, health_check_interval=30, **options)
    return clients[url, for_worker]


def task_name(fn: Callable) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def enqueue(
    fn: Callable,
    *args,
    queue: str = "print",
    key: str | None = None,
    timeout: int | None = None,
    via_redis: bool | None = None,
) -> bool:
    """Run fn(*args) in the background, in an app context of its own.

    With a `key`, nothing is added while a call with that key is still waiting in the queue.
    Returns False when Redis could not be reached; the caller's row stays and the sweep of a
    worker queues it later, so the caller goes on as if it had been queued. `via_redis` follows
    the caller's setting (MAIL_WORKER=thread with REDIS_URL set runs in this process).
    """
    app = current_app._get_current_object()
    if not (uses_redis(app) if via_redis is None else via_redis):
        _in_process_runner(app).submit(fn, args)
        return True
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        rq_queue = Queue(queue, connection=redis_connection(app))
        if key is not None and any(
            job_id.startswith(f"{key}__") for job_id in rq_queue.get_job_ids()
        ):
            return True
        rq_queue.enqueue_call(
            run_task,
            args=(task_name(fn), *args),
            timeout=timeout,
            result_ttl=0,
            job_id=f"{key}__{uuid.uuid4().hex}" if key else None,
            description=f"{fn.__qualname__}{args!r}",
        )
    except RedisError as error:
        log.warning("Could not queue %s%r (%s); the sweep will queue it", fn.__name__, args, error)
        return False
    return True


# --- the worker side --------------------------------------------------------------------------

_standalone_app: Flask | None = None


def _app_for_task() -> Flask:
    """The app of `flask worker`; under a bare `rq worker`, one built from the environment."""
    global _standalone_app
    if has_app_context():
        return current_app._get_current_object()
    if _standalone_app is None:
        from .. import create_app

        _standalone_app = create_app()
    return _standalone_app


def run_task(name: str, *args) -> None:
    """What RQ runs: the named function in a fresh app context (and database session)."""
    module, _, qualname = name.partition(":")
    fn = importlib.import_module(module)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    with _app_for_task().app_context():
        try:
            fn(*args)
        finally:
            db.session.remove()


def run_sweeps(app: Flask, sweeps: Iterable[Callable[[], object]]) -> None:
    for sweep in sweeps:
        with app.app_context():
            try:
                sweep()
            except Exception:  # the next round tries again
                log.exception("Sweep %s failed", sweep.__qualname__)
                db.session.rollback()
            finally:
                db.session.remove()


def run_worker(
    app: Flask,
    queues: Iterable[str] = QUEUES,
    sweeps: Iterable[Callable[[], object]] = (),
    burst: bool = False,
) -> None:
    """An RQ worker on `queues` (jobs run in this process, one at a time, each in its own app
    context), and a thread that runs the sweeps every JOB_SWEEP_INTERVAL seconds."""
    from rq import Queue, SimpleWorker

    sweeps = list(sweeps)
    connection = redis_connection(app, for_worker=True)
    worker = SimpleWorker(
        [Queue(name, connection=connection) for name in queues], connection=connection
    )
    run_sweeps(app, sweeps)  # before listening: what was left while no worker ran
    interval = float(app.config.get("JOB_SWEEP_INTERVAL", 30))

    def sweep_forever():
        while True:
            time.sleep(interval)
            run_sweeps(app, sweeps)

    if not burst and sweeps:
        threading.Thread(target=sweep_forever, name="job-sweeper", daemon=True).start()
    worker.work(burst=burst, logging_level="INFO")


# --- without Redis: a thread of the web process -----------------------------------------------


class InProcessRunner:
    """Runs queued calls one after the other on a daemon thread, each in its own app context."""

    def __init__(self, app: Flask):
        self.app = app
        self._calls: thread_queue.Queue = thread_queue.Queue()
        self._thread = threading.Thread(target=self._run, name="background-runner", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable, args: tuple) -> None:
        self._calls.put((fn, args))

    def join(self) -> None:
        """Wait until every call submitted so far has run (tests)."""
        self._calls.join()

    def _run(self) -> None:
        while True:
            fn, args = self._calls.get()
            try:
                with self.app.app_context():
                    try:
                        fn(*args)
                    except Exception:  # the row of the work keeps its state
                        log.exception("Background call %s failed", fn.__qualname__)
                        db.session.rollback()
                    finally:
                        db.session.remove()
            finally:
                self._calls.task_done()


_runner_lock = threading.Lock()


def _in_process_runner(app: Flask) -> InProcessRunner:
    runner = app.extensions.get("background_runner")
    if runner is None:
        with _runner_lock:
            runner = app.extensions.get("background_runner")
            if runner is None:
                runner = app.extensions["background_runner"] = InProcessRunner(app)
    return runner
