"""A session's meetings, and the rules that a trainer is never in two overlapping meetings and
that a hall holds one meeting at a time."""

from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager

from ..accounts.models import Person
from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.turkish import format_date_short
from ..extensions import db
from . import signals
from .models import (
    Course,
    Delivery,
    Meeting,
    Session,
    SessionStatus,
    Venue,
    clean_text,
    session_trainers,
)
from .notices import note_schedule_change
from .services import session_dates_label

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


# --- halls' bookings -------------------------------------------------------------------------


def occupies_venue(session: Session, venue: Venue | None = None) -> bool:
    """Whether the session's meetings take up its hall: an online session never does, and a
    venue that allows parallel use is never taken up."""
    venue = venue if venue is not None else session.venue
    return (
        venue is not None
        and not venue.allows_parallel_use
        and session.course.delivery != Delivery.ONLINE
    )


def _venue_bookings_query(venue_id: int, exclude_session_id: int | None):
    query = (
        select(Meeting)
        .join(Session, Meeting.session_id == Session.id)
        .join(Course, Session.course_id == Course.id)
        .where(
            Session.venue_id == venue_id,
            Session.status.in_(ACTIVE_STATUSES),
            Course.delivery != Delivery.ONLINE,
        )
        .options(contains_eager(Meeting.session).contains_eager(Session.course))
    )
    if exclude_session_id is not None:
        query = query.where(Session.id != exclude_session_id)
    return query


def venue_clash(
    venue: Venue, day: date, starts_at: time, ends_at: time, exclude_session_id: int | None
) -> Meeting | None:
    """Another session's meeting in this hall overlapping the given time, if any."""
    query = _venue_bookings_query(venue.id, exclude_session_id).where(
        Meeting.day == day, Meeting.starts_at < ends_at, Meeting.ends_at > starts_at
    )
    return db.session.scalar(query.order_by(Meeting.starts_at).limit(1))


def _lock_venue(venue: Venue) -> None:
    """Hold the hall's row until commit: an update that changes nothing, which locks the row on
    PostgreSQL (like SELECT ... FOR UPDATE) and takes the write lock on SQLite, where FOR UPDATE
    does nothing. `updated_at` is kept as it is (it keys the public catalogue's cache)."""
    db.session.execute(
        update(Venue)
        .where(Venue.id == venue.id)
        .values(updated_at=Venue.updated_at)
        .execution_options(synchronize_session=False)
    )


def refuse_venue_clash(
    session: Session,
    day: date,
    starts_at: time,
    ends_at: time,
    venue: Venue | None = None,
    field: str = "starts_at",
) -> None:
    """Refuse a meeting of `session` at that time when its hall is booked by another session.

    The hall's row is locked first so that two offices booking it at once are served one
    after the other and the second sees the first's booking.
    """
    venue = venue if venue is not None else session.venue
    if not occupies_venue(session, venue):
        return
    _lock_venue(venue)
    other = venue_clash(venue, day, starts_at, ends_at, exclude_session_id=session.id)
    if other is not None:
        raise Conflict(
            _(
                "%(venue)s is already booked at that time: %(course)s (%(dates)s), "
                "%(day)s %(start)s–%(end)s.",
                venue=venue.name,
                course=other.session.course.title,
                dates=session_dates_label(other.session),
                day=format_date_short(other.day),
                start=other.starts_at.strftime("%H:%M"),
                end=other.ends_at.strftime("%H:%M"),
            ),
            field=field,
        )


def venue_bookings_on_session_days(session: Session) -> list[Meeting]:
    """The hall's meetings of other sessions on the days this session meets (one query)."""
    days = sorted({m.day for m in session.meetings})
    if session.venue_id is None or not days:
        return []
    return list(
        db.session.scalars(
            _venue_bookings_query(session.venue_id, session.id)
            .where(Meeting.day.in_(days))
            .order_by(Meeting.day, Meeting.starts_at, Meeting.id)
        ).unique()
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
    refuse_venue_clash(session, details.day, details.starts_at, details.ends_at)


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
