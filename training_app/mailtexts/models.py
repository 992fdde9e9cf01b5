"""An office-written mail text: one per mail kind and language; none means the shipped text."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db

SUBJECT_MAX = 200
BODY_MAX = 10_000
LOCALES = ("tr", "en")


class MailText(db.Model):
    """The subject and body the office wrote for one mail kind in one language."""

    __tablename__ = "mail_texts"
    __table_args__ = (UniqueConstraint("kind", "locale", name="uq_mail_texts_kind_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A key of the mail registry (templates/emails/<kind>.txt).
    kind: Mapped[str] = mapped_column(String(60))
    locale: Mapped[str] = mapped_column(String(5))
    #: One line with {placeholders}; never a template.
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    #: Plain text with {placeholders}; never a template.
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<MailText {self.kind} {self.locale}>"
