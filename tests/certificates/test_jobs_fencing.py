"""A print job given up for dead and retried belongs to its new run: the old run's writes are
ignored, and the page says the job was interrupted (not a raw error) with a way to retry it."""

from tests.conftest import login
from training_app.certificates import jobs, print_status, services
from training_app.certificates.models import PrintJob
from training_app.certificates.models import PrintJobStatus as J
from training_app.core.timeutil import utcnow
from training_app.extensions import db


def test_a_retried_job_ignores_the_run_given_up_for_dead(app, client, closed_session, tmp_path):
    app.config.update(PRINT_JOB_DIR=str(tmp_path), PRINT_JOB_ABANDONED_AFTER=60)
    session, admin, _regs = closed_session(people=1)
    services.issue_certificates(session, admin)
    job = services.start_print_job(admin, session=session)
    db.session.commit()
    assert jobs.claim_job(job.id) and not jobs.claim_job(job.id)  # an id delivered twice
    first_run = db.session.get(PrintJob, job.id, populate_existing=True).attempts
    job.heartbeat_at = utcnow().replace(year=2000)
    db.session.commit()
    assert jobs.fail_abandoned_jobs() == 1
    login(client, admin.email)
    page = client.get(f"/certificates/print-jobs/{job.id}").get_data(as_text=True)
    assert "alert-warning" in page and print_status.WORKER_STOPPED not in page
    client.post(f"/certificates/print-jobs/{job.id}/retry")
    assert jobs.claim_job(job.id)
    # The first run wakes up and reports progress, then success: neither is written.
    assert not jobs._update_run(job.id, first_run, done=1)
    assert not jobs._update_run(job.id, first_run, status=J.DONE, result_path="stale.pdf")
    job = db.session.get(PrintJob, job.id, populate_existing=True)
    assert job.status == J.RUNNING and job.done == 0 and job.result_path is None
    jobs.process_job(job.id)
    job = db.session.get(PrintJob, job.id, populate_existing=True)
    assert job.status == J.DONE and job.attempts == first_run + 1
