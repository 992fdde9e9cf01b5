"""The outgoing mail screen: every message of the outbox, filtered, and mail that gave up after
its attempts sent again (one or all), each retry audited."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit
from ..core.mail import requeue, requeue_all_failed
from ..core.models import OutboxMessage
from ..core.tckn import redact_tckn
from ..core.turkish import tr_sort_key
from ..extensions import db
from ..mailtexts.registry import get_kind

PAGE_SIZE = 50

STATE_LABELS = {
    "pending": _l("Waiting to be sent"),
    "sent": _l("Sent"),
    "failed": _l("Could not be sent"),
}


def state_label(state: str) -> str:
    label = STATE_LABELS.get(state)
    return str(label) if label is not None else state


def kind_label(kind: str | None) -> str:
    if not kind:
        return ""
    registered = get_kind(kind)
    return str(registered.label) if registered is not None else kind


@dataclass(frozen=True)
class OutboxFilters:
    state: str | None = None
    recipient: str | None = None
    kind: str | None = None

    @classmethod
    def from_args(cls, args) -> "OutboxFilters":
        """From the query string; a value that is not one of the choices does not filter."""
        state = args.get("state", "")
        recipient = args.get("recipient", "").strip()[:254]
        kind = args.get("kind", "").strip()[:60]
        return cls(
            state=state if state in STATE_LABELS else None,
            recipient=recipient or None,
            kind=kind or None,
        )

    def query_args(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


def outbox_page(filters: OutboxFilters, page: int = 1):
    """Messages newest first, filtered, one SQL page of PAGE_SIZE."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if filters.state:
        query = query.where(OutboxMessage.status == filters.state)
    if filters.kind:
        query = query.where(OutboxMessage.kind == filters.kind)
    if filters.recipient:
        escaped = filters.recipient.lower().replace("\\", "\\\\").replace("%", r"\%")
        escaped = escaped.replace("_", r"\_")
        query = query.where(OutboxMessage.recipient.ilike(f"%{escaped}%", escape="\\"))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def kind_choices() -> list[tuple[str, str]]:
    """The kinds present in the outbox, by their label in Turkish alphabetical order."""
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.kind.is_not(None)).distinct()
    ).all()
    return sorted(((k, kind_label(k)) for k in kinds), key=lambda c: tr_sort_key(c[1]))


def shown_body(message: OutboxMessage) -> str:
    """The text as the office may read it: an ID number in it is masked, as everywhere."""
    return redact_tckn(message.body_text)


def shown_error(message: OutboxMessage) -> str:
    """The last delivery error, masked the same way (a server may quote the text back)."""
    return redact_tckn(message.last_error or "")


def retry(message: OutboxMessage, by) -> None:
    """Send one message that gave up again, with a fresh round of attempts."""
    attempts = message.attempts
    requeue(message)
    audit.record("mail.retry", message, {"attempts": attempts}, actor=by)


def retry_all_failed(by) -> int:
    """Send every message that gave up again. Returns how many."""
    count = requeue_all_failed()
    if count:
        audit.record("mail.retry_all", None, {"count": count}, actor=by)
    return count
