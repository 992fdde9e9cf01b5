"""Tables every feature writes to: the audit trail and the mail outbox."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .timeutil import utcnow


class AuditEntry(db.Model):
    """Who did what to which record, when; old -> new values. Never a raw ID number."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Dotted verb such as "user.login" or "person.update".
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(50))
    object_id: Mapped[int | None]
    #: {"field": [old, new]} for updates, or free facts for other actions.
    changes: Mapped[dict | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.object_type}:{self.object_id}>"


class OutboxMessage(db.Model):
    """A mail written in the same transaction as the change that caused it; delivered later."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    #: pending -> sent; failures stay pending with a later next_attempt_at until attempts run out.
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    #: Lets a caller avoid queueing the same message twice (reminders).
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    #: The mail text it was written from (templates/emails/<kind>.txt), to find mail by kind.
    kind: Mapped[str | None] = mapped_column(String(60), index=True)

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        back_populates="message",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="OutboxAttachment.id",
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status} {self.subject!r}>"


class OutboxAttachment(db.Model):
    """A file sent with an outbox message, such as a session's .ics calendar file."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    #: MIME type, e.g. "text/calendar; method=CANCEL".
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<OutboxAttachment {self.id} {self.filename!r}>"
