"""A person's registration for a session, its state machine and its history."""

import enum
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person, Position, User
from ..catalog.models import Session
from ..core.columns import str_enum
from ..core.errors import InvalidTransition
from ..core.timeutil import utcnow
from ..extensions import db
from ..municipalities.models import Municipality


class RegistrationStatus(enum.StrEnum):
    REQUESTED = "requested"
    PENDING_APPROVAL = "pending_approval"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    RegistrationStatus.REQUESTED: _l("Application received"),
    RegistrationStatus.PENDING_APPROVAL: _l("Awaiting coordinator approval"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("Waiting list"),
    RegistrationStatus.REFUSED: _l("Refused"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
    RegistrationStatus.COMPLETED: _l("Completed the training"),
    RegistrationStatus.NO_SHOW: _l("Did not complete"),
}

S = RegistrationStatus

#: Legal moves of the state machine; anything else raises InvalidTransition.
TRANSITIONS: dict[RegistrationStatus, set[RegistrationStatus]] = {
    S.REQUESTED: {S.PENDING_APPROVAL, S.CONFIRMED, S.WAITLISTED},
    S.PENDING_APPROVAL: {S.CONFIRMED, S.WAITLISTED, S.REFUSED, S.CANCELLED},
    S.WAITLISTED: {S.CONFIRMED, S.REFUSED, S.CANCELLED},
    S.CONFIRMED: {S.CANCELLED, S.COMPLETED, S.NO_SHOW},
    # A refused or cancelled person may apply again: the same row starts over.
    S.REFUSED: {S.REQUESTED},
    S.CANCELLED: {S.REQUESTED},
    # An administrator may correct the outcome of a closed session.
    S.COMPLETED: {S.NO_SHOW},
    S.NO_SHOW: {S.COMPLETED},
}

#: States in which a registration holds or waits for a place.
ACTIVE_STATES = frozenset({S.REQUESTED, S.PENDING_APPROVAL, S.CONFIRMED, S.WAITLISTED})


class Registration(db.Model):
    """One person's application (başvuru) for a session; a confirmed one is a kayıt."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id", name="uq_registrations_session_person"),
        Index("ix_registrations_session_status", "session_id", "status"),
        Index("ix_registrations_municipality_status", "municipality_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        str_enum(RegistrationStatus), default=RegistrationStatus.REQUESTED
    )
    #: The person's municipality when they applied: counts against its quota, decides who approves.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    #: The person's position when they applied (reports break down by it).
    position: Mapped[Position | None] = mapped_column(str_enum(Position, 30))
    #: First come, first served: the waiting list is ordered by this.
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Set when a coordinator registered the person directly.
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Why a request was refused or a registration cancelled (shown to the person).
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[Session] = relationship()
    person: Mapped[Person] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    nominated_by: Mapped[User | None] = relationship(foreign_keys=[nominated_by_id])
    events: Mapped[list["RegistrationEvent"]] = relationship(
        back_populates="registration",
        cascade="all, delete-orphan",
        order_by="RegistrationEvent.id",
    )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATES

    def move_to(self, new: RegistrationStatus, by: User | None, reason: str | None = None) -> None:
        """Change state, refusing illegal moves, and write the history row."""
        old = self.status
        if new not in TRANSITIONS.get(old, set()):
            raise InvalidTransition(
                _(
                    "A registration cannot go from “%(old)s” to “%(new)s”.",
                    old=old.label,
                    new=new.label,
                )
            )
        self.status = new
        if new in (S.CONFIRMED, S.REFUSED, S.WAITLISTED) and by is not None:
            self.decided_at = utcnow()
            self.decided_by_id = by.id
        if new in (S.REFUSED, S.CANCELLED):
            self.reason = reason
        elif new == S.REQUESTED:
            self.reason = None
            self.requested_at = utcnow()
        self.events.append(
            RegistrationEvent(
                from_status=old, to_status=new, by_user_id=by.id if by else None, reason=reason
            )
        )

    def __repr__(self) -> str:
        return f"<Registration {self.id} session={self.session_id} {self.status}>"


class RegistrationEvent(db.Model):
    """One move of a registration: who, when, from which state to which, and why."""

    __tablename__ = "registration_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_status: Mapped[RegistrationStatus | None] = mapped_column(str_enum(RegistrationStatus))
    to_status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(500))

    registration: Mapped[Registration] = relationship(back_populates="events")
    by_user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RegistrationEvent {self.registration_id} {self.from_status}->{self.to_status}>"


class PendingImport(db.Model):
    """An uploaded registration file between its preview and its confirmation.

    Kept encrypted (it holds ID numbers) and deleted once imported.
    """

    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(String(200))
    content_encrypted: Mapped[bytes] = mapped_column(LargeBinary)

    def __repr__(self) -> str:
        return f"<PendingImport {self.id} session={self.session_id}>"
