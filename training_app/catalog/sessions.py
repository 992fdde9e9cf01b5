"""A session's lifecycle: scheduling, editing, publishing, cancelling, completing and cloning."""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _

from ..core import audit
from ..core.errors import DomainError
from ..core.mail import queue_mail
from ..core.timeutil import local_to_utc
from ..core.turkish import format_date_short
from ..extensions import db
from . import signals
from .calendar import session_attachment
from .meetings import refuse_trainer_clash, refuse_venue_clash
from .models import TURKEY, Course, Meeting, Session, SessionStatus, Venue, clean_text
from .notices import note_schedule_change
from .services import session_dates_label

# --- sessions ---------------------------------------------------------------------------------


@dataclass
class SessionDetails:
    starts_on: date
    ends_on: date
    capacity: int
    city: str | None = None
    country: str | None = None
    venue_id: int | None = None
    online_url: str | None = None
    municipality_quota: int | None = None
    #: Naive UTC instants (the form converts from Istanbul time).
    enrolment_opens_at: datetime | None = None
    enrolment_closes_at: datetime | None = None
    cancellation_deadline: datetime | None = None
    requires_approval: bool = True


def _check_session(details: SessionDetails, session: Session | None) -> Venue | None:
    if details.starts_on is None or details.ends_on is None:
        raise DomainError(_("Enter the first and last day."), field="starts_on")
    if details.ends_on < details.starts_on:
        raise DomainError(_("The last day cannot be before the first day."), field="ends_on")
    venue = db.session.get(Venue, details.venue_id) if details.venue_id else None
    if details.venue_id and venue is None:
        raise DomainError(_("Choose a venue."), field="venue_id")
    if not clean_text(details.city) and venue is None:
        raise DomainError(_("Enter the city, or choose a venue."), field="city")
    if details.capacity is None or details.capacity < 1:
        raise DomainError(_("The capacity must be at least 1."), field="capacity")
    if venue is not None and details.capacity > venue.capacity:
        raise DomainError(
            _("The capacity cannot be more than the venue's %(n)d seats.", n=venue.capacity),
            field="capacity",
        )
    if details.municipality_quota is not None:
        if details.municipality_quota < 1:
            raise DomainError(
                _("The municipality quota must be at least 1."), field="municipality_quota"
            )
        if details.municipality_quota > details.capacity:
            raise DomainError(
                _("The municipality quota cannot be more than the capacity."),
                field="municipality_quota",
            )
    if (
        details.enrolment_opens_at
        and details.enrolment_closes_at
        and details.enrolment_closes_at <= details.enrolment_opens_at
    ):
        raise DomainError(_("Enrolment must close after it opens."), field="enrolment_closes_at")
    first_day_start = local_to_utc(datetime.combine(details.starts_on, time(0, 0)))
    if details.enrolment_closes_at and details.enrolment_closes_at > first_day_start:
        raise DomainError(
            _("Enrolment must close before the first day of the session."),
            field="enrolment_closes_at",
        )
    if details.cancellation_deadline and details.cancellation_deadline > first_day_start:
        raise DomainError(
            _("The cancellation deadline must be before the first day of the session."),
            field="cancellation_deadline",
        )
    if session is not None:
        if details.capacity < session.seats_taken:
            raise DomainError(
                _(
                    "The capacity cannot be lower than the %(n)d seats already taken.",
                    n=session.seats_taken,
                ),
                field="capacity",
            )
        outside = [m for m in session.meetings if not details.starts_on <= m.day <= details.ends_on]
        if outside:
            raise DomainError(
                _(
                    "The meeting on %(day)s would fall outside the new dates; move or delete it "
                    "first.",
                    day=format_date_short(outside[0].day),
                ),
                field="starts_on",
            )
    return venue


def _session_values(details: SessionDetails, venue: Venue | None) -> dict:
    return {
        "starts_on": details.starts_on,
        "ends_on": details.ends_on,
        "capacity": details.capacity,
        "city": clean_text(details.city) or venue.city,
        "country": clean_text(details.country) or (venue.country if venue else TURKEY),
        "venue_id": details.venue_id,
        "online_url": clean_text(details.online_url),
        "municipality_quota": details.municipality_quota,
        "enrolment_opens_at": details.enrolment_opens_at,
        "enrolment_closes_at": details.enrolment_closes_at,
        "cancellation_deadline": details.cancellation_deadline,
        "requires_approval": details.requires_approval,
    }


def create_session(course: Course, details: SessionDetails, by) -> Session:
    """Schedule a run of a course, as a draft without meetings or trainers yet."""
    venue = _check_session(details, None)
    session = Session(course=course, status=SessionStatus.DRAFT, **_session_values(details, venue))
    db.session.add(session)
    db.session.flush()
    audit.record(
        "session.create",
        session,
        {"course": course.code, "starts_on": str(session.starts_on)},
        actor=by,
    )
    return session


def update_session(session: Session, details: SessionDetails, by) -> None:
    session.ensure_editable()
    venue = _check_session(details, session)
    if venue is not None and venue.id != session.venue_id:
        # Moving to another hall: each meeting must find it free.
        for meeting in session.meetings:
            refuse_venue_clash(
                session, meeting.day, meeting.starts_at, meeting.ends_at, venue, field="venue_id"
            )
    values = _session_values(details, venue)
    changes = audit.diff(session, values)
    if {"venue_id", "online_url", "city", "country"} & set(changes):
        note_schedule_change(session)
    for key, value in values.items():
        setattr(session, key, value)
    if changes:
        session.touch()
        audit.record("session.update", session, changes, actor=by)
        signals.session_changed.send(session, changes=changes)


def publish_session(session: Session, by) -> None:
    """Make a draft visible in the catalogue; it needs a meeting and a trainer."""
    session.publish()
    audit.record("session.publish", session, actor=by)
    signals.session_published.send(session)


def session_back_to_draft(session: Session, by) -> None:
    session.back_to_draft()
    audit.record("session.unpublish", session, actor=by)


def cancel_session(session: Session, reason: str, by) -> None:
    """Cancel a session; its trainers (and, through the signal, the enrolled) are told by mail."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write the reason for the cancellation."), field="reason")
    session.cancel(reason)
    audit.record("session.cancel", session, {"reason": reason}, actor=by)
    for person in session.trainers:
        if person.user is not None and person.user.is_active:
            queue_mail(
                person.user.email,
                "session_cancelled",
                locale=person.user.locale,
                attachments=[session_attachment(session, (person.user.email, person.full_name))],
                person_name=person.full_name,
                course_title=session.course.title,
                dates=session_dates_label(session),
                place=session.place_label,
                reason=reason,
            )
    signals.session_cancelled.send(session, reason=reason)
    db.session.flush()


def complete_session(session: Session, today: date, by) -> None:
    session.complete(today)
    audit.record("session.complete", session, actor=by)


def clone_session(session: Session, new_starts_on: date, by) -> Session:
    """Copy a session for the next term: same course, place and trainers, meetings shifted."""
    if new_starts_on is None:
        raise DomainError(_("Enter the first day of the new session."), field="starts_on")
    shift = new_starts_on - session.starts_on

    def moved(value):
        return value + shift if value is not None else None

    meetings = list(session.meetings)
    copy = Session(
        course=session.course,
        status=SessionStatus.DRAFT,
        starts_on=session.starts_on + shift,
        ends_on=session.ends_on + shift,
        venue_id=session.venue_id,
        online_url=session.online_url,
        city=session.city,
        country=session.country,
        capacity=session.capacity,
        municipality_quota=session.municipality_quota,
        enrolment_opens_at=moved(session.enrolment_opens_at),
        enrolment_closes_at=moved(session.enrolment_closes_at),
        cancellation_deadline=moved(session.cancellation_deadline),
        requires_approval=session.requires_approval,
    )
    db.session.add(copy)
    copy.meetings = [
        Meeting(day=m.day + shift, starts_at=m.starts_at, ends_at=m.ends_at, topic=m.topic)
        for m in meetings
    ]
    db.session.flush()
    for person in session.trainers:
        for meeting in copy.meetings:
            refuse_trainer_clash(
                person,
                meeting.day,
                meeting.starts_at,
                meeting.ends_at,
                exclude_meeting_id=meeting.id,
            )
    for meeting in copy.meetings:
        refuse_venue_clash(copy, meeting.day, meeting.starts_at, meeting.ends_at, field="starts_on")
    copy.trainers = list(session.trainers)
    db.session.flush()
    audit.record("session.clone", copy, {"from_session": session.id, "days": shift.days}, actor=by)
    return copy
