"""Without Redis, background calls run on a thread of the web process, each in an app context of
its own: `make run` needs nothing else. (With Redis: tests/core/test_mail_worker.py.)"""

import pytest
from flask import current_app
from sqlalchemy import select

from tests.core.test_mail_delivery import smtp_server  # noqa: F401  (fixture)
from training_app.core.jobs import enqueue
from training_app.core.mail import queue_mail
from training_app.core.models import OutboxMessage
from training_app.extensions import db


def test_without_redis_a_background_call_runs_on_a_thread_with_an_app_context(app):
    app.config["REDIS_URL"] = ""
    seen = []

    def remember(value):
        seen.append((value, current_app.name))

    assert enqueue(remember, 42) is True
    app.extensions["background_runner"].join()
    assert seen == [(42, app.name)]


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:1/0"], ids=["no-redis", "redis-set"])
def test_with_mail_worker_thread_a_commit_that_queued_mail_delivers_it_from_a_thread(
    app,
    smtp_server,  # noqa: F811
    redis_url,
):
    """MAIL_WORKER=thread delivers in this process, even when REDIS_URL is set (for the limits
    or the print queue): nothing waits on a Redis queue that no worker reads."""
    inbox, _controller = smtp_server()
    app.config["MAIL_WORKER"] = "thread"
    app.config["REDIS_URL"] = redis_url
    with app.test_request_context():
        queue_mail("ayse@example.org", "welcome", person_name="Ayşe Işık")
    db.session.commit()  # the commit wakes a delivery on the thread
    app.extensions["background_runner"].join()
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage)).status == "sent"
    assert len(inbox.messages) == 1
