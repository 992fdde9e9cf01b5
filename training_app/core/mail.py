"""Transactional outbox: services queue mail in their transaction; delivery happens afterwards.

Without MAIL_SERVER (development) a delivered message is written to the log instead of sent.
"""

import logging
import smtplib
import threading
import time
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from .models import OutboxMessage
from .timeutil import utcnow

log = logging.getLogger("training_app.mail")

MAX_ATTEMPTS = 8


def queue_mail(
    recipient: str, template: str, locale: str = "tr", dedup_key: str | None = None, **context
) -> OutboxMessage | None:
    """Render templates/emails/<template>.subject.txt and .txt and add them to the outbox.

    With a dedup_key already in the outbox nothing is queued: re-running a job sends nothing twice.
    """
    if dedup_key is not None:
        exists = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)
        )
        if exists:
            return None
    context.setdefault("union_name", current_app.config["UNION_NAME"])
    context.setdefault("base_url", current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    with force_locale(locale):
        subject = render_template(f"emails/{template}.subject.txt", **context).strip()
        body = render_template(f"emails/{template}.txt", **context)
    message = OutboxMessage(
        recipient=recipient, subject=subject, body_text=body, dedup_key=dedup_key
    )
    db.session.add(message)
    db.session.flush()
    return message


def _send(message: OutboxMessage) -> None:
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        log.info(
            "Mail (not sent, no MAIL_SERVER) to %s: %s\n%s",
            message.recipient,
            message.subject,
            message.body_text,
        )
        return
    email = EmailMessage()
    email["From"] = cfg["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send due messages; a failure is kept with a later retry time. Returns (sent, failed)."""
    now = utcnow()
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sent = failed = 0
    for message in db.session.scalars(query).all():
        message.attempts += 1
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            # Exponential backoff: 1, 2, 4 ... minutes; kept as failed after MAX_ATTEMPTS.
            message.next_attempt_at = now + timedelta(minutes=2 ** (message.attempts - 1))
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
        else:
            sent += 1
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
    db.session.commit()
    return sent, failed


class InProcessMailWorker:
    """Delivers the outbox every few seconds from a daemon thread of the web process.

    Started on the first request, so that `make run` sends (or logs) mail with nothing else
    running. Several workers may each run one: on PostgreSQL rows are claimed with SKIP LOCKED.
    Production can instead run `flask --app training_app deliver-mail --loop`.
    """

    def __init__(self, app, interval: float = 5.0):
        self.app = app
        self.interval = interval
        self._started = False
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        if self._started:
            return
        with self._lock:
            if self._started:
                return
            threading.Thread(target=self._run, name="mail-worker", daemon=True).start()
            self._started = True

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            with self.app.app_context():
                try:
                    deliver_pending()
                except Exception:  # keep the worker alive; the message stays queued
                    log.exception("Mail delivery round failed")
                    db.session.rollback()
                finally:
                    db.session.remove()
