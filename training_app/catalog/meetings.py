"""A session's meetings, and the rule that a trainer is never in two overlapping meetings."""

from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..accounts.models import Person
from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.turkish import format_date_short
from ..extensions import db
from . import signals
from .models import Meeting, Session, SessionStatus, clean_text, session_trainers
from .notices import note_schedule_change

#: Sessions whose schedule can still clash with another: cancelled ones free their trainers.
ACTIVE_STATUSES = (SessionStatus.DRAFT, SessionStatus.PUBLISHED, SessionStatus.COMPLETED)


# --- trainers' conflicts ----------------------------------------------------------------------


def trainer_clash(
    person: Person, day: date, starts_at: time, ends_at: time, exclude_meeting_id: int | None
) -> Meeting | None:
    query = (
        select(Meeting)
        .join(Session, Meeting.session_id == Session.id)
        .join(session_trainers, session_trainers.c.session_id == Session.id)
        .where(
            session_trainers.c.person_id == person.id,
            Session.status.in_(ACTIVE_STATUSES),
            Meeting.day == day,
            Meeting.starts_at < ends_at,
            Meeting.ends_at > starts_at,
        )
        .options(contains_eager(Meeting.session).selectinload(Session.course))
        .limit(1)
    )
    if exclude_meeting_id is not None:
        query = query.where(Meeting.id != exclude_meeting_id)
    return db.session.scalar(query)


def refuse_trainer_clash(
    person: Person, day: date, starts_at: time, ends_at: time, exclude_meeting_id: int | None = None
) -> None:
    other = trainer_clash(person, day, starts_at, ends_at, exclude_meeting_id)
    if other is not None:
        raise Conflict(
            _(
                "%(name)s already teaches at that time: %(course)s, %(day)s %(start)s–%(end)s.",
                name=person.full_name,
                course=other.session.course.title,
                day=format_date_short(other.day),
                start=other.starts_at.strftime("%H:%M"),
                end=other.ends_at.strftime("%H:%M"),
            ),
            field="trainer_ids",
        )


# --- meetings ---------------------------------------------------------------------------------


@dataclass
class MeetingDetails:
    day: date
    starts_at: time
    ends_at: time
    topic: str | None = None


def _check_meeting(session: Session, details: MeetingDetails, meeting: Meeting | None) -> None:
    session.ensure_editable()
    if details.day is None or details.starts_at is None or details.ends_at is None:
        raise DomainError(_("Enter the day, start and end time."), field="day")
    if details.ends_at <= details.starts_at:
        raise DomainError(_("The end time must be after the start time."), field="ends_at")
    if not session.starts_on <= details.day <= session.ends_on:
        raise DomainError(
            _(
                "The meeting must be within the session's dates (%(start)s – %(end)s).",
                start=format_date_short(session.starts_on),
                end=format_date_short(session.ends_on),
            ),
            field="day",
        )
    for other in session.meetings:
        if other is meeting or other.day != details.day:
            continue
        if other.starts_at < details.ends_at and details.starts_at < other.ends_at:
            raise Conflict(
                _(
                    "It overlaps another meeting of this session (%(start)s–%(end)s).",
                    start=other.starts_at.strftime("%H:%M"),
                    end=other.ends_at.strftime("%H:%M"),
                ),
                field="starts_at",
            )
    for person in session.trainers:
        refuse_trainer_clash(
            person,
            details.day,
            details.starts_at,
            details.ends_at,
            exclude_meeting_id=meeting.id if meeting else None,
        )


def add_meeting(session: Session, details: MeetingDetails, by) -> Meeting:
    _check_meeting(session, details, None)
    note_schedule_change(session)
    meeting = Meeting(
        day=details.day,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        topic=clean_text(details.topic),
    )
    session.meetings.append(meeting)
    session.touch()
    db.session.flush()
    audit.record(
        "meeting.create", meeting, {"session_id": session.id, "day": str(meeting.day)}, actor=by
    )
    return meeting


def update_meeting(meeting: Meeting, details: MeetingDetails, by) -> None:
    session = meeting.session
    _check_meeting(session, details, meeting)
    values = {
        "day": details.day,
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "topic": clean_text(details.topic),
    }
    changes = audit.diff(meeting, values)
    if set(changes) - {"topic"}:
        note_schedule_change(session)
    for key, value in values.items():
        setattr(meeting, key, value)
    if changes:
        session.touch()
        audit.record("meeting.update", meeting, changes, actor=by)
        signals.session_changed.send(session, changes={"meetings": True})
    db.session.flush()


def delete_meeting(meeting: Meeting, by) -> None:
    session = meeting.session
    session.ensure_editable()
    if session.status == SessionStatus.PUBLISHED and len(session.meetings) == 1:
        raise DomainError(_("The last meeting of a published session cannot be deleted."))
    note_schedule_change(session)
    audit.record(
        "meeting.delete", meeting, {"session_id": session.id, "day": str(meeting.day)}, actor=by
    )
    session.meetings.remove(meeting)
    session.touch()
    db.session.flush()
