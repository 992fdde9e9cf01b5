"""Mail delivered by a separate `flask worker` process through Redis (RQ) to a real SMTP server on
127.0.0.1; the outbox row is the truth, so neither Redis nor the SMTP server being down for a
while loses a message. Without Redis: tests/core/test_background_thread.py."""

# ruff: noqa: F811  (the fixtures imported from tests.core.background are parameters here)

from datetime import timedelta

from aiosmtpd.controller import Controller
from rq import Queue
from sqlalchemy import select, update

from benchmarks.server import free_port
from tests.core.background import (  # noqa: F401  (fixtures)
    REDIS_URL,
    redis_db,
    shared_database_url,
    start_worker,
    wait_for,
    worker_app,
)
from tests.core.test_mail_delivery import Inbox
from training_app.core.mail import queue_mail
from training_app.core.models import OutboxMessage
from training_app.extensions import db

app = worker_app


def _queue_welcome(app):
    with app.test_request_context():
        queue_mail("ayse@example.org", "welcome", person_name="Ayşe Işık")
    db.session.commit()  # the commit queues a delivery


def _message() -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).execution_options(populate_existing=True)).one()


def _smtp_server(port: int | None = None) -> tuple[Inbox, Controller]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return inbox, controller


def test_a_separate_worker_delivers_the_mail_queued_by_a_commit(
    app, redis_db, start_worker, tmp_path
):
    inbox, controller = _smtp_server()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        _queue_welcome(app)
        assert Queue("mail", connection=redis_db).count == 1
        start_worker()
        message = wait_for(lambda: (m := _message()).status == "sent" and m, tmp_path)
        assert message.attempts == 1 and message.sent_at is not None
        assert len(inbox.messages) == 1 and "ayse@example.org" in inbox.messages[0]
    finally:
        controller.stop()


def test_redis_and_the_smtp_server_down_for_a_while_lose_nothing(app, start_worker, tmp_path):
    smtp_port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    # Redis is down when the mail is queued: the request goes on, the outbox keeps the message.
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    _queue_welcome(app)
    assert _message().status == "pending"
    app.config["REDIS_URL"] = REDIS_URL
    # The worker's sweep finds it; the SMTP server is down: a failed attempt, kept for a retry.
    start_worker()
    message = wait_for(lambda: (m := _message()).attempts == 1 and m, tmp_path)
    assert message.status == "pending" and "Connection refused" in message.last_error
    assert message.next_attempt_at > message.created_at + timedelta(seconds=50)
    # The SMTP server is back and the retry is due (as a minute later): the sweep delivers it.
    inbox, controller = _smtp_server(smtp_port)
    try:
        earlier = message.next_attempt_at - timedelta(hours=1)
        db.session.execute(update(OutboxMessage).values(next_attempt_at=earlier))
        db.session.commit()
        message = wait_for(lambda: (m := _message()).status == "sent" and m, tmp_path)
        assert message.attempts == 2 and len(inbox.messages) == 1
    finally:
        controller.stop()
