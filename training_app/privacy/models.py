"""A person's request to have their personal data deleted (KVKK article 11), answered within
30 days (article 13)."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person, User
from ..core.columns import str_enum
from ..core.timeutil import utcnow
from ..extensions import db

#: Days the union has to answer a request (KVKK article 13: at the latest thirty days).
ANSWER_WITHIN_DAYS = 30


class DeletionRequestStatus(enum.StrEnum):
    OPEN = "open"
    CARRIED_OUT = "carried_out"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(DELETION_STATUS_LABELS[self])


DELETION_STATUS_LABELS = {
    DeletionRequestStatus.OPEN: _l("Waiting"),
    DeletionRequestStatus.CARRIED_OUT: _l("Carried out"),
    DeletionRequestStatus.REJECTED: _l("Rejected"),
    DeletionRequestStatus.WITHDRAWN: _l("Withdrawn"),
}


class DeletionRequest(db.Model):
    """One deletion request; the person stays linked after anonymisation (the row then shows
    only that a request was carried out)."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The last day to answer: the request's local date plus ANSWER_WITHIN_DAYS.
    due_on: Mapped[date] = mapped_column(index=True)
    #: The person's own words, optional.
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[DeletionRequestStatus] = mapped_column(
        str_enum(DeletionRequestStatus, 20), default=DeletionRequestStatus.OPEN, index=True
    )
    decided_at: Mapped[datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Why a request was rejected (told to the person), or a note on how it was carried out.
    decision_note: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship()
    decided_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<DeletionRequest {self.id} {self.status}>"
