"""Transactional outbox: services queue mail in their transaction; delivery happens afterwards.

The outbox row is the truth. After a commit that queued mail, a delivery is queued as a wake-up
(MAIL_WORKER "rq": on Redis for `flask worker`; "thread": on a thread of the web process); a
message whose wake-up was lost, or whose delivery failed, is picked up by the periodic sweep
(`flask worker`), the in-process mail thread or `flask deliver-mail`.

Without MAIL_SERVER (development) a delivered message is written to the log instead of sent.
"""

import logging
import re
import smtplib
import threading
import time
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy import event, exists, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from .models import OutboxAttachment, OutboxMessage
from .timeutil import utcnow

log = logging.getLogger("training_app.mail")

MAX_ATTEMPTS = 8
#: A claimed message is due again after this long if its sender died before recording the outcome.
CLAIM_LEASE = timedelta(minutes=5)


#: A dedup_key starting with this marks a message whose address and text are erased once sent
#: (the last mail to someone whose personal data is being deleted).
FORGET_ONCE_SENT = "forget-once-sent:"
SENT_AND_FORGOTTEN = "[silindi]"


def queue_mail(
    recipient: str,
    template: str,
    locale: str = "tr",
    dedup_key: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    **context,
) -> OutboxMessage | None:
    """Render templates/emails/<template>.subject.txt and .txt, or the text the office wrote
    for this kind and language, and add them to the outbox.

    With a dedup_key already in the outbox nothing is queued: re-running a job sends nothing twice.
    `attachments` are (filename, content type, content), e.g. a session's .ics file.
    """
    if dedup_key is not None:
        exists = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)
        )
        if exists:
            return None
    context.setdefault("union_name", current_app.config["UNION_NAME"])
    context.setdefault("base_url", current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    # The office's text for this kind and language (the mailtexts feature), else the shipped one.
    office_text = current_app.extensions.get("mail_texts")
    with force_locale(locale):
        written = office_text(template, locale, context) if office_text else None
        if written is not None:
            subject, body = written
        else:
            subject = render_template(f"emails/{template}.subject.txt", **context).strip()
            body = render_template(f"emails/{template}.txt", **context)
    message = OutboxMessage(
        recipient=recipient, subject=subject, body_text=body, dedup_key=dedup_key, kind=template
    )
    message.attachments = [
        OutboxAttachment(filename=name, content_type=content_type, content=content)
        for name, content_type, content in attachments
    ]
    db.session.add(message)
    db.session.flush()
    db.session.info["mail_queued"] = True
    return message


@event.listens_for(Session, "after_commit")
def _wake_delivery_after_commit(session) -> None:
    if session.info.pop("mail_queued", False) and has_app_context():
        wake_delivery()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_mail(session) -> None:
    session.info.pop("mail_queued", None)


#: Functions that turn work due by now into outbox messages (e.g. coalesced change notices);
#: higher features register them, and every delivery round and sweep runs them first.
_feeders: list = []


def register_feeder(feeder) -> None:
    """Run `feeder()` (queues mail, returns how many) before each delivery round and sweep."""
    if feeder not in _feeders:
        _feeders.append(feeder)


def run_feeders() -> int:
    """Queue the mail that became due; a failing feeder is logged and retried next round."""
    queued = 0
    for feeder in _feeders:
        try:
            queued += feeder() or 0
            # The caller delivers next: no wake-up of another delivery on this commit.
            db.session.info.pop("mail_queued", None)
            db.session.commit()
        except Exception:
            log.exception("Mail feeder %s failed", getattr(feeder, "__qualname__", feeder))
            db.session.rollback()
    return queued


def wake_delivery() -> None:
    """Queue a delivery of the outbox (never raises: the outbox row is kept whatever happens)."""
    from .jobs import enqueue

    if current_app.config.get("MAIL_WORKER") not in ("rq", "thread"):
        return
    try:
        enqueue(
            deliver_outbox,
            queue="mail",
            key="deliver-mail",
            via_redis=current_app.config.get("MAIL_WORKER") == "rq",
        )
    except Exception:
        log.exception("Could not queue the mail delivery; the sweep will pick it up")


def requeue(message: OutboxMessage) -> None:
    """Give a message that gave up a fresh round of attempts; delivery wakes after the commit."""
    from flask_babel import gettext as _

    from .errors import Conflict

    if message.status != "failed":
        raise Conflict(_("Only mail that could not be sent can be sent again."))
    message.status = "pending"
    message.attempts = 0
    message.next_attempt_at = utcnow()
    db.session.flush()
    db.session.info["mail_queued"] = True


def requeue_all_failed() -> int:
    """Give every message that gave up a fresh round of attempts. Returns how many."""
    count = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if count:
        db.session.info["mail_queued"] = True
    return count


def failed_count() -> int:
    """How many messages gave up after MAX_ATTEMPTS (the office is told on its home page)."""
    from sqlalchemy import func

    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "failed")
    )


#: A link in a plain mail body; trailing punctuation belongs to the sentence, not the address.
_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_TRAILING = ".,;:!?)]»"
LOGO_CID = "union-logo"


def _linked_text(text: str, link_colour: str) -> Markup:
    """`text` escaped, its http(s) addresses as links and its line breaks as <br>."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        start, end = match.start(), match.start() + len(url)
        parts.append(escape(text[last:start]))
        parts.append(Markup('<a href="{0}" style="color:{1};">{0}</a>').format(url, link_colour))
        last = end
    parts.append(escape(text[last:]))
    return Markup("<br>\n").join(Markup("").join(parts).split("\n"))


def html_alternative(message: OutboxMessage, logo_cid: str | None = None) -> str:
    """The HTML part of a mail: the union's band in its primary colour, then the plain body
    (escaped: a name like <script> stays text), paragraphs kept and links clickable."""
    from .branding import current_brand

    brand = current_brand()
    paragraphs = [
        _linked_text(paragraph.strip("\n"), brand.link)
        for paragraph in re.split(r"\n\s*\n", message.body_text.strip())
        if paragraph.strip()
    ]
    return render_template(
        "emails/_html_layout.html",
        brand=brand,
        subject=message.subject,
        paragraphs=paragraphs,
        logo_cid=logo_cid,
        lang="tr",
    )


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The message as sent: the plain text, its HTML alternative with the union's logo (the
    PNG beside UNION_LOGO, embedded: clients block remote images) and the attachments."""
    from .branding import current_brand

    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    logo = current_brand().logo_png(current_app.static_folder) if current_brand().logo else None
    email.add_alternative(
        html_alternative(message, LOGO_CID if logo else None), subtype="html", charset="utf-8"
    )
    if logo:
        email.get_body(("html",)).add_related(
            logo.read_bytes(), maintype="image", subtype="png", cid=f"<{LOGO_CID}>"
        )
    for attachment in message.attachments:
        maintype, _sep, rest = attachment.content_type.partition("/")
        subtype, *params = (part.strip() for part in rest.split(";"))
        email.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=dict(param.split("=", 1) for param in params if "=" in param),
        )
    return email


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
    email = build_email(message, cfg["MAIL_DEFAULT_SENDER"])
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)


def _claim(message_id: int) -> bool:
    """Take a due message for one delivery attempt: a compare-and-set UPDATE that pushes its next
    attempt a lease ahead, so that no other worker sends it meanwhile (any database)."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send due messages; a failure is kept with a later retry time. Returns (sent, failed).

    Each message is claimed and its outcome committed on its own: a worker that dies resends at
    most the one message it was sending, and several workers never send the same one.
    """
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    sent = failed = 0
    for message_id in due:
        if not _claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 (any failure is counted, or it comes back forever)
            if not isinstance(exc, OSError | smtplib.SMTPException):
                log.exception("Mail %s could not be sent", message.id)
            failed += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            # Exponential backoff: 1, 2, 4 ... minutes; kept as failed after MAX_ATTEMPTS.
            message.next_attempt_at = utcnow() + timedelta(minutes=2 ** (message.attempts - 1))
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
        else:
            sent += 1
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            if message.dedup_key and message.dedup_key.startswith(FORGET_ONCE_SENT):
                message.recipient, message.subject, message.body_text = (SENT_AND_FORGOTTEN,) * 3
        db.session.commit()
    return sent, failed


def deliver_outbox(batch: int = 100) -> int:
    """The delivery task: send every due message, batch after batch. Returns how many were sent."""
    total = 0
    run_feeders()
    while True:
        sent, failed = deliver_pending(batch)
        total += sent
        if sent + failed < batch:
            return total


def sweep_outbox() -> bool:
    """The worker's periodic look at the outbox: queue a delivery when a message is due (a retry,
    or one whose wake-up was lost). Returns whether one was queued."""
    run_feeders()
    due = db.session.scalar(
        select(
            exists().where(
                OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow()
            )
        )
    )
    db.session.rollback()
    if due:
        wake_delivery()
    return bool(due)


class InProcessMailWorker:
    """Delivers the outbox every few seconds from a daemon thread of the web process.

    Started on the first request, so that `make run` sends (or logs) mail with nothing else
    running; a commit that queued mail also wakes a delivery at once (see wake_delivery). Several
    web workers may each run one: every message is claimed with a compare-and-set. With REDIS_URL
    `flask worker` delivers instead; `flask deliver-mail --loop` is the other alternative.
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
                    run_feeders()
                    deliver_pending()
                except Exception:  # keep the worker alive; the message stays queued
                    log.exception("Mail delivery round failed")
                    db.session.rollback()
                finally:
                    db.session.remove()
