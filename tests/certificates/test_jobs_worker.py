"""Bulk prints run by a separate `flask worker` process through Redis (RQ): the PrintJob row stays
the truth, an id delivered twice prints once, and a worker killed mid-job leaves a job that an
admin retries into one complete PDF. Real Redis, and a database on disk (SQLite file, or
PostgreSQL with TEST_DATABASE_URL)."""

# ruff: noqa: F811  (the fixtures imported from tests.core.background are parameters here)

import io
import os
import re
import signal
import time
from pathlib import Path

from pypdf import PdfReader
from rq import Queue
from sqlalchemy import select

from tests.conftest import login
from tests.core.background import (  # noqa: F401  (fixtures)
    redis_db,
    shared_database_url,
    start_worker,
    wait_for,
    worker_app,
)
from training_app.certificates import jobs, services
from training_app.certificates.models import PrintJob
from training_app.certificates.models import PrintJobStatus as J
from training_app.core.jobs import run_task, task_name
from training_app.extensions import db

app = worker_app


def _issue(closed_session, people):
    session, admin, _regs = closed_session(people=people)
    certificates = services.issue_certificates(session, admin).issued
    db.session.commit()
    return session, admin, sorted(c.register_number for c in certificates)


def _job() -> PrintJob:
    return db.session.scalars(select(PrintJob).execution_options(populate_existing=True)).one()


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every process of the machine from /proc: pid -> (parent pid, state, start time)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # it ended meanwhile
            continue
        fields = text[text.rindex(")") + 2 :].split()  # after "pid (command) "
        found[int(stat.parent.name)] = (int(fields[1]), fields[0], fields[19])
    return found


def _descendants(pid: int) -> dict[int, str]:
    """The living descendants of `pid`: pid -> start time (which tells a reused pid apart)."""
    table, out, parents = _processes(), {}, {pid}
    while parents:
        children = {
            child: start
            for child, (parent, state, start) in table.items()
            if parent in parents and state != "Z" and child not in out
        }
        out.update(children)
        parents = set(children)
    return out


def _still_running(processes: dict[int, str]) -> list[int]:
    table = _processes()
    return [
        pid
        for pid, start in processes.items()
        if pid in table and table[pid][1] != "Z" and table[pid][2] == start
    ]


def _downloaded_register_numbers(client, job) -> list[str]:
    response = client.get(f"/certificates/print-jobs/{job.id}/download")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    response.close()
    numbers = []
    for page in reader.pages:
        found = re.findall(r"KBB-\d{4}-\d+", page.extract_text())
        assert len(set(found)) == 1, found  # one document per page
        numbers.append(found[0])
    return numbers


def test_a_separate_worker_prints_the_job_once_even_if_its_id_arrives_twice(
    app, client, closed_session, redis_db, start_worker, tmp_path
):
    start_worker()  # it starts while the documents are issued
    session, admin, register_numbers = _issue(closed_session, people=3)
    login(client, admin.email)
    client.post(f"/certificates/sessions/{session.id}/print")
    job = _job()
    queue = Queue("print", connection=redis_db)
    queue.enqueue_call(run_task, args=(task_name(jobs.run_print_job), job.id))  # a duplicate
    job = wait_for(lambda: (j := _job()).status == J.DONE and j, tmp_path)
    wait_for(lambda: queue.count == 0 and queue.started_job_registry.count == 0, tmp_path)
    assert job.attempts == 1 and job.done == job.total == 3
    page = client.get(f"/certificates/print-jobs/{job.id}/progress").get_data(as_text=True)
    assert f"/certificates/print-jobs/{job.id}/download" in page
    assert sorted(_downloaded_register_numbers(client, job)) == register_numbers


def test_a_worker_killed_mid_job_leaves_a_job_an_admin_retries_into_one_complete_pdf(
    app, client, closed_session, start_worker, tmp_path
):
    app.config["PRINT_JOB_ABANDONED_AFTER"] = 1  # seconds without progress: interrupted
    people = 8
    # One document per chunk, so that the job reports progress long before it ends.
    first = start_worker(PRINT_CHUNK_SIZE=1)
    session, admin, register_numbers = _issue(closed_session, people=people)
    login(client, admin.email)
    client.post(f"/certificates/sessions/{session.id}/print")
    wait_for(lambda: (j := _job()).status == J.RUNNING and j.done >= 1, tmp_path, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait()
    job = _job()
    assert job.status == J.RUNNING and job.done < people and job.attempts == 1
    start_worker(PRINT_CHUNK_SIZE=3)  # another worker; the job is not its to take over

    time.sleep(1.2)  # the heartbeat gets old
    page = client.get(f"/certificates/print-jobs/{job.id}").get_data(as_text=True)
    assert "alert-warning" in page and 'hx-trigger="every 1s"' not in page
    assert f"/certificates/print-jobs/{job.id}/retry" in page
    client.post(f"/certificates/print-jobs/{job.id}/retry")
    job = wait_for(lambda: (j := _job()).status == J.DONE and j, tmp_path, timeout=60)
    assert job.attempts == 2 and job.done == job.total == people
    numbers = _downloaded_register_numbers(client, job)
    assert len(numbers) == people and sorted(numbers) == register_numbers
    # Nothing of the killed run is left: no chunks, one merged PDF.
    print_dir = jobs.job_dir()
    assert not list(print_dir.glob("job-*"))
    assert [p.name for p in print_dir.glob("*.pdf")] == [job.result_path]


def test_a_worker_killed_mid_print_leaves_no_renderer_nor_resource_tracker_behind(
    app, client, closed_session, start_worker, tmp_path
):
    people = 12
    worker = start_worker(PRINT_CHUNK_SIZE=1, PRINT_PROCESSES=2)
    session, admin, _numbers = _issue(closed_session, people=people)
    login(client, admin.email)
    client.post(f"/certificates/sessions/{session.id}/print")
    wait_for(lambda: (j := _job()).status == J.RUNNING and j.done >= 1, tmp_path, timeout=60)
    children = _descendants(worker.pid)
    assert len(children) >= 3, children  # two renderers and multiprocessing's resource tracker
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert _job().done < people  # killed mid-print
    deadline = time.monotonic() + 10
    while _still_running(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = _still_running(children)
    for pid in survivors:  # leave the machine clean even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
