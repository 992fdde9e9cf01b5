"""Who teaches a session, and a trainer's own sessions."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, Role, RoleAssignment, User
from ..core import audit
from ..core.errors import DomainError
from ..extensions import db
from .meetings import refuse_trainer_clash
from .models import Meeting, Session, SessionStatus, session_trainers

# --- choosing trainers ------------------------------------------------------------------------


def trainer_choices() -> list[Person]:
    """People holding the trainer role, in Turkish alphabetical order."""
    return list(
        db.session.scalars(
            select(Person)
            .join(User, Person.user_id == User.id)
            .where(
                User.roles.any(RoleAssignment.role == Role.TRAINER),
                User.is_active_account.is_(True),
            )
            .order_by(Person.sort_key)
        )
    )


@dataclass
class TrainerChange:
    """Who set_trainers added and removed, in Turkish alphabetical order."""

    added: list[Person]
    removed: list[Person]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def set_trainers(session: Session, people: list[Person], by) -> TrainerChange:
    """Choose who teaches the session; a trainer cannot be in two overlapping meetings."""
    session.ensure_editable()
    if not people and session.status == SessionStatus.PUBLISHED:
        raise DomainError(
            _("A published session must keep at least one trainer."), field="trainer_ids"
        )
    trainer_ids = {p.id for p in trainer_choices()}
    for person in people:
        if person.id not in trainer_ids:
            raise DomainError(
                _("%(name)s is not a trainer.", name=person.full_name), field="trainer_ids"
            )
    current = {p.id for p in session.trainers}
    for person in people:
        if person.id in current:
            continue
        for meeting in session.meetings:
            refuse_trainer_clash(
                person,
                meeting.day,
                meeting.starts_at,
                meeting.ends_at,
                exclude_meeting_id=meeting.id,
            )
    new = {p.id for p in people}
    change = TrainerChange(
        added=sorted((p for p in people if p.id not in current), key=lambda p: p.sort_key),
        removed=[p for p in sorted(session.trainers, key=lambda p: p.sort_key) if p.id not in new],
    )
    if new != current:
        session.trainers = sorted(people, key=lambda p: p.sort_key)
        session.touch()
        audit.record(
            "session.trainers", session, {"trainers": [sorted(current), sorted(new)]}, actor=by
        )
    db.session.flush()
    return change


# --- the trainer's view -----------------------------------------------------------------------


def sessions_taught_by(person: Person) -> list[Session]:
    """Every session `person` teaches, with its meetings, course and venue."""
    return list(
        db.session.scalars(
            select(Session)
            .join(session_trainers, session_trainers.c.session_id == Session.id)
            .where(session_trainers.c.person_id == person.id)
            .options(
                selectinload(Session.course),
                selectinload(Session.venue),
                selectinload(Session.meetings),
            )
            .order_by(Session.starts_on, Session.id)
        )
    )


@dataclass
class TrainerAgenda:
    today: list[Meeting]
    upcoming: list[Session]
    past: list[Session]


def trainer_agenda(person: Person, today: date) -> TrainerAgenda:
    """A trainer's sessions: today's meetings first, then upcoming sessions, then past ones."""
    sessions = [s for s in sessions_taught_by(person) if s.status != SessionStatus.DRAFT]
    todays = sorted(
        (
            m
            for s in sessions
            if s.status != SessionStatus.CANCELLED
            for m in s.meetings
            if m.day == today
        ),
        key=lambda m: m.starts_at,
    )
    upcoming = [s for s in sessions if s.ends_on >= today]
    past = sorted(
        (s for s in sessions if s.ends_on < today), key=lambda s: s.starts_on, reverse=True
    )
    return TrainerAgenda(todays, upcoming, past)
