"""Whether a bulk print job has lost its worker: the rule that the print services (retry) and the
job runner (giving up on dead runs) both need, below both."""

from datetime import timedelta

from flask import current_app

from ..core.timeutil import utcnow
from .models import PrintJob, PrintJobStatus

#: A running job whose heartbeat is older than this has lost its worker and may be retried
#: (PRINT_JOB_ABANDONED_AFTER overrides it).
ABANDONED_AFTER = timedelta(minutes=10)


def abandoned_after() -> timedelta:
    seconds = current_app.config.get("PRINT_JOB_ABANDONED_AFTER")
    return timedelta(seconds=seconds) if seconds else ABANDONED_AFTER


def is_abandoned(job: PrintJob, now=None) -> bool:
    now = now or utcnow()
    return (
        job.status == PrintJobStatus.RUNNING
        and job.heartbeat_at is not None
        and now - job.heartbeat_at > abandoned_after()
    )


#: The error of a job failed by fail_abandoned_jobs (shown as "interrupted", not as this text).
WORKER_STOPPED = "The worker stopped; retry the job."


def is_interrupted(job: PrintJob) -> bool:
    """Its worker died mid-job: abandoned while running, or already failed for that reason."""
    return is_abandoned(job) or (
        job.status == PrintJobStatus.FAILED and job.error == WORKER_STOPPED
    )
