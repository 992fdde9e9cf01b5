"""Bulk printing in the background: claim a queued PrintJob, render its documents in chunks of
about 50 pages (memory stays flat whatever the count), merge the chunks with pypdf.

Progress lives in the job's row, so any web worker can show it. With REDIS_URL the job's id goes
on the RQ "print" queue and `flask worker` processes run it (PRINT_WORKER=rq); without, a daemon
thread of the web process runs the queue (PRINT_WORKER=thread); `flask certificates work --loop`
is a third way. Claiming is one compare-and-set UPDATE, so several workers (or an id delivered
twice) never run the same job; every later write of a run is fenced by its attempt number, so a
worker that was given up for dead cannot overwrite the run that replaced it.
"""

import ctypes
import logging
import os
import shutil
import signal
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from ..core import jobs as background
from ..core.pdf import merge_pdfs
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Certificate, PrintJob, PrintJobStatus
from .print_status import WORKER_STOPPED, abandoned_after
from .services import certificates_for_print

log = logging.getLogger("training_app.certificates")

CHUNK_SIZE = 50
#: A downloaded result stays this long (a second click, a lost file) before it is deleted.
KEEP_AFTER_DOWNLOAD = timedelta(days=7)


def job_dir() -> Path:
    path = Path(current_app.config["PRINT_JOB_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_file(job: PrintJob) -> Path | None:
    if not job.result_path:
        return None
    path = (job_dir() / job.result_path).resolve()
    return path if path.is_file() and job_dir().resolve() in path.parents else None


def claim_job(job_id: int) -> bool:
    """Take this job if it is still queued: a compare-and-set UPDATE, safe with any number of
    workers; False when another took it (or it is not waiting)."""
    now = utcnow()
    claimed = db.session.execute(
        update(PrintJob)
        .where(PrintJob.id == job_id, PrintJob.status == PrintJobStatus.QUEUED)
        .values(
            status=PrintJobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=PrintJob.attempts + 1,
            done=0,
            error=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _queued_job_ids(limit: int) -> list[int]:
    """The oldest waiting jobs; the read ends its transaction (claims and wake-ups follow)."""
    ids = db.session.scalars(
        select(PrintJob.id)
        .where(PrintJob.status == PrintJobStatus.QUEUED)
        .order_by(PrintJob.id)
        .limit(limit)
    ).all()
    db.session.rollback()
    return ids


def claim_next_job() -> int | None:
    """Take the oldest queued job (see claim_job)."""
    for job_id in _queued_job_ids(5):
        if claim_job(job_id):
            return job_id
    return None


class Superseded(Exception):
    """The job was given up for dead and retried: this run's work no longer counts."""


def _update_run(job_id: int, attempt: int, **values) -> bool:
    """Write to the job's row only if it is still this run's (running, same attempt)."""
    written = db.session.execute(
        update(PrintJob)
        .where(
            PrintJob.id == job_id,
            PrintJob.attempts == attempt,
            PrintJob.status == PrintJobStatus.RUNNING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return written == 1


def _progress(job_id: int, attempt: int, done: int, total: int) -> None:
    if not _update_run(job_id, attempt, done=done, total=total, heartbeat_at=utcnow()):
        raise Superseded(job_id)


def chunk_size() -> int:
    return current_app.config.get("PRINT_CHUNK_SIZE") or CHUNK_SIZE


def process_job(job_id: int) -> None:
    """Render a claimed job; on failure record the error so that it can be retried."""
    job = db.session.get(PrintJob, job_id, populate_existing=True)
    attempt = job.attempts
    workdir = job_dir() / f"job-{job_id}-{attempt}"
    name = f"toplu-basim-{job_id}-{attempt}.pdf"
    try:
        ids = certificates_for_print(job.session_id, job.municipality_id, job.year)
        total = len(ids)
        # What earlier runs of this job left (a killed worker) is of no use to this one.
        for old in job_dir().glob(f"job-{job_id}-*"):
            shutil.rmtree(old, ignore_errors=True)
        for old in job_dir().glob(f"toplu-basim-{job_id}-*.pdf"):
            old.unlink(missing_ok=True)
        workdir.mkdir(parents=True)
        _progress(job_id, attempt, 0, total)
        size = chunk_size()
        chunks = [ids[start : start + size] for start in range(0, total, size)]
        processes = min(current_app.config.get("PRINT_PROCESSES", 1), len(chunks))
        if processes > 1:
            parts = _render_in_processes(job_id, attempt, chunks, workdir, processes, total)
        else:
            parts = [
                _render_here(job_id, attempt, n, chunk, workdir, total)
                for n, chunk in enumerate(chunks)
            ]
        merge_pdfs(parts, job_dir() / name)
        shutil.rmtree(workdir, ignore_errors=True)
        finished = _update_run(
            job_id,
            attempt,
            status=PrintJobStatus.DONE,
            done=total,
            total=total,
            result_path=name,
            finished_at=utcnow(),
            heartbeat_at=utcnow(),
        )
        if not finished:
            raise Superseded(job_id)
    except Superseded:
        db.session.rollback()
        shutil.rmtree(workdir, ignore_errors=True)
        (job_dir() / name).unlink(missing_ok=True)
        log.warning("Print job %s was retried while this run (attempt %s) went on", job_id, attempt)
    except Exception as exc:
        db.session.rollback()
        shutil.rmtree(workdir, ignore_errors=True)
        log.exception("Print job %s failed", job_id)
        _update_run(
            job_id,
            attempt,
            status=PrintJobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=utcnow(),
        )


def _chunk_contexts(chunk_ids: list[int]) -> list[dict]:
    """The plain values of a chunk's documents, in print order; nothing stays in the session."""
    from .designs import attach_images
    from .pdf import document_values

    certificates = db.session.scalars(
        select(Certificate).where(Certificate.id.in_(chunk_ids))
    ).all()
    order = {cid: n for n, cid in enumerate(chunk_ids)}
    contexts = [document_values(c) for c in sorted(certificates, key=lambda c: order[c.id])]
    for certificate in certificates:
        db.session.expunge(certificate)
    return attach_images(contexts)


def _render_here(job_id, attempt, number, chunk_ids, workdir, total) -> Path:
    from .pdf import render_contexts, with_qr

    part = workdir / f"part-{number:05d}.pdf"
    part.write_bytes(render_contexts([with_qr(v) for v in _chunk_contexts(chunk_ids)]))
    _progress(job_id, attempt, min((number + 1) * chunk_size(), total), total)
    return part


def _render_in_processes(job_id, attempt, chunks, workdir, processes, total) -> list[Path]:
    """Render chunks in a pool of processes (spawned: no forked threads or connections), at most
    two chunks per process in flight so that memory stays flat."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    config = {key: current_app.config.get(key) for key in _RENDER_CONFIG}
    parts = [workdir / f"part-{n:05d}.pdf" for n in range(len(chunks))]
    done = 0
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_render_process,
        initargs=(config, os.getpid()),
    ) as pool:
        in_flight = []
        for number, chunk_ids in enumerate(chunks):
            in_flight.append(
                (
                    pool.submit(_render_chunk, _chunk_contexts(chunk_ids), str(parts[number])),
                    len(chunk_ids),
                )
            )
            while len(in_flight) >= processes * 2:
                future, size = in_flight.pop(0)
                future.result()
                done += size
                _progress(job_id, attempt, done, total)
        for future, size in in_flight:
            future.result()
            done += size
            _progress(job_id, attempt, done, total)
    return parts


#: What a rendering process needs of the configuration (it never touches the database).
_RENDER_CONFIG = (
    "UNION_NAME",
    "CERTIFICATE_LOGO",
    "UNION_LOGO",
    "UNION_PRIMARY_COLOR",
    "UNION_ACCENT_COLOR",
    "PUBLIC_BASE_URL",
    "SECRET_KEY",
)
_render_app = None


#: prctl(2) option: the signal a process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """A renderer ends when its worker does, even one killed by SIGKILL: otherwise it waits for
    work forever (it holds its own queue's pipe open), and so does multiprocessing's resource
    tracker. Linux signals it at once; elsewhere a watchdog thread notices within a second."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _start_render_process(config: dict, parent_pid: int) -> None:
    global _render_app
    from .. import create_app

    _die_with_parent(parent_pid)

    _render_app = create_app(
        {
            **config,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "MAIL_WORKER": "off",
            "PRINT_WORKER": "off",
        }
    )


def _render_chunk(contexts: list[dict], path: str) -> str:
    from .pdf import render_contexts, with_qr

    with _render_app.app_context():
        Path(path).write_bytes(render_contexts([with_qr(v) for v in contexts]))
    return path


def fail_abandoned_jobs() -> int:
    """Mark running jobs whose worker stopped (no heartbeat for a while) as failed."""
    stale = utcnow() - abandoned_after()
    count = db.session.execute(
        update(PrintJob)
        .where(
            PrintJob.status == PrintJobStatus.RUNNING,
            or_(PrintJob.heartbeat_at.is_(None), PrintJob.heartbeat_at < stale),
        )
        .values(
            status=PrintJobStatus.FAILED,
            error=WORKER_STOPPED,
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count


def purge_downloaded_results(keep: timedelta = KEEP_AFTER_DOWNLOAD) -> int:
    """Delete merged PDFs downloaded more than `keep` ago (never one not yet downloaded)."""
    cutoff = utcnow() - keep
    old = db.session.scalars(
        select(PrintJob).where(
            PrintJob.status == PrintJobStatus.DONE,
            PrintJob.result_path.is_not(None),
            PrintJob.downloaded_at < cutoff,
        )
    ).all()
    for job in old:
        path = result_file(job)
        if path is not None:
            path.unlink(missing_ok=True)
        job.result_path = None
    db.session.commit()
    return len(old)


def reprint_jobs_holding(certificate_ids: list[int]) -> int:
    """Bulk prints that hold any of these documents: the merged PDF is deleted and the job
    queued again, so that no file keeps a name whose holder had their data deleted. Returns how
    many jobs go back in the queue."""
    if not certificate_ids:
        return 0
    held = db.session.execute(
        select(Certificate.session_id, Certificate.municipality_id, Certificate.year).where(
            Certificate.id.in_(certificate_ids)
        )
    ).all()
    sessions = {row.session_id for row in held}
    municipality_years = {(row.municipality_id, row.year) for row in held}
    candidates = db.session.scalars(
        select(PrintJob).where(
            PrintJob.status == PrintJobStatus.DONE, PrintJob.result_path.is_not(None)
        )
    ).all()
    requeued = 0
    for job in candidates:
        if job.session_id in sessions or (job.municipality_id, job.year) in municipality_years:
            path = result_file(job)
            if path is not None:
                path.unlink(missing_ok=True)
            job.result_path = None
            job.status, job.done, job.error = PrintJobStatus.QUEUED, 0, None
            requeued += 1
    db.session.flush()
    return requeued


def run_pending_jobs(limit: int | None = None) -> int:
    """Process queued jobs one after the other; returns how many were processed."""
    processed = 0
    while limit is None or processed < limit:
        job_id = claim_next_job()
        if job_id is None:
            break
        process_job(job_id)
        processed += 1
    return processed


def run_print_job(job_id: int) -> None:
    """The RQ task: run this job if it is still waiting (an id delivered twice does nothing)."""
    if claim_job(job_id):
        process_job(job_id)


def job_queued(job_id: int) -> None:
    """Call after committing a queued (or retried) job: wake whatever runs the jobs."""
    mode = current_app.config.get("PRINT_WORKER")
    if mode == "rq":
        try:
            background.enqueue(
                run_print_job,
                job_id,
                queue="print",
                key=f"print-job-{job_id}",
                timeout=current_app.config.get("PRINT_JOB_TIMEOUT"),
            )
        except Exception:  # the row is queued: a worker's sweep finds it
            log.exception("Could not queue print job %s", job_id)
    else:  # the in-process worker, when this process runs one (PRINT_WORKER=thread)
        worker = current_app.extensions.get("print_worker")
        if worker is not None:
            worker.ensure_started()
            worker.wake()


def sweep_print_jobs() -> None:
    """The periodic look of `flask worker`: fail jobs whose worker died, queue again the waiting
    jobs whose id never reached (or was lost by) Redis, delete old downloaded results."""
    fail_abandoned_jobs()
    if current_app.config.get("PRINT_WORKER") == "rq":
        for job_id in _queued_job_ids(100):
            job_queued(job_id)
    purge_downloaded_results()


class InProcessPrintWorker:
    """Runs the print queue from a daemon thread of the web process, started on first request.

    `wake()` makes it look at once (after a job is queued here); otherwise it polls, so a job
    queued by another web worker is picked up within `interval` seconds.
    """

    def __init__(self, app, interval: float = 2.0):
        self.app = app
        self.interval = interval
        self._started = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def ensure_started(self) -> None:
        if self._started:
            return
        with self._lock:
            if self._started:
                return
            self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)
            self._thread.start()
            self._started = True

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        with self.app.app_context():
            try:
                fail_abandoned_jobs()
                purge_downloaded_results()
            except Exception:
                log.exception("Could not tidy the print jobs")
                db.session.rollback()
            finally:
                db.session.remove()
        while not self._stop.is_set():
            with self.app.app_context():
                try:
                    run_pending_jobs()
                except Exception:  # keep the worker alive; the job keeps its state
                    log.exception("Print queue round failed")
                    db.session.rollback()
                finally:
                    db.session.remove()
            self._wake.wait(self.interval)
            self._wake.clear()


def worker_loop(interval: float = 2.0) -> None:
    """Blocking loop for a separate worker process (`flask certificates work --loop`)."""
    fail_abandoned_jobs()
    while True:
        run_pending_jobs()
        purge_downloaded_results()
        db.session.remove()
        time.sleep(interval)
