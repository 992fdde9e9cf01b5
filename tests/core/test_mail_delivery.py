"""The outbox delivers to a real SMTP server on 127.0.0.1, and keeps what a refusing one rejects."""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from benchmarks.server import free_port
from training_app.core.mail import deliver_pending, queue_mail
from training_app.core.models import OutboxMessage
from training_app.extensions import db


class Inbox:
    def __init__(self, refuse: bool = False):
        self.refuse = refuse
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.7.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(app):
    started = []

    def start(refuse: bool = False, port: int | None = None):
        inbox = Inbox(refuse)
        controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
        controller.start()
        started.append(controller)
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        return inbox, controller

    yield start
    for controller in started:
        if controller._thread is not None:  # not stopped by the test already
            controller.stop()


def _queue(app):
    with app.test_request_context():
        queue_mail("ayse@example.org", "welcome", person_name="Ayşe Işık")
    db.session.commit()


def test_delivers_to_a_real_smtp_server(app, smtp_server):
    inbox, _controller = smtp_server()
    _queue(app)
    assert deliver_pending() == (1, 0)
    assert len(inbox.messages) == 1
    assert "ayse@example.org" in inbox.messages[0]
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "sent" and message.sent_at is not None


def test_a_refusing_server_loses_nothing_and_delivery_retries(app, smtp_server):
    refusing, controller = smtp_server(refuse=True)
    _queue(app)
    assert deliver_pending() == (0, 1)
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "pending" and message.attempts == 1
    assert "550" in message.last_error
    # Not retried before its time...
    assert deliver_pending() == (0, 0)
    controller.stop()
    # ...then retried against a working server.
    inbox, _ = smtp_server()
    message.next_attempt_at = message.next_attempt_at - timedelta(hours=1)
    db.session.commit()
    assert deliver_pending() == (1, 0)
    assert len(inbox.messages) == 1
    db.session.refresh(message)
    assert message.status == "sent" and message.attempts == 2


def test_a_server_that_is_down_keeps_the_message(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    _queue(app)
    assert deliver_pending() == (0, 1)
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "pending" and "Connection refused" in message.last_error
