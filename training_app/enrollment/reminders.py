"""Reminder mails a few days before a session starts."""

from sqlalchemy import select

from ..catalog.calendar import session_attachment
from ..catalog.models import Session, SessionStatus
from ..catalog.services import session_dates_label
from ..core.mail import queue_mail
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Registration, RegistrationStatus
from .queries import with_session_details
from .services import utc_to_local

S = RegistrationStatus


def due_reminders(days_before: int, today=None) -> list[Registration]:
    """Confirmed registrations of published sessions starting within `days_before` days."""
    from datetime import timedelta

    today = today or utc_to_local(utcnow()).date()
    return list(
        db.session.scalars(
            with_session_details(select(Registration))
            .join(Session, Session.id == Registration.session_id)
            .where(
                Registration.status == S.CONFIRMED,
                Session.status == SessionStatus.PUBLISHED,
                Session.starts_on > today,
                Session.starts_on <= today + timedelta(days=days_before),
            )
        )
    )


def send_reminders(days_before: int = 3, today=None) -> int:
    """Queue one reminder per registration; running it again queues nothing twice."""
    queued = 0
    for registration in due_reminders(days_before, today):
        user = registration.person.user
        if user is None or not user.is_active:
            continue
        session = registration.session
        first = session.meetings[0] if session.meetings else None
        message = queue_mail(
            user.email,
            "registration_reminder",
            locale=user.locale,
            dedup_key=f"reminder:{registration.id}:{session.starts_on.isoformat()}",
            attachments=[session_attachment(session, (user.email, registration.person.full_name))],
            person_name=registration.person.full_name,
            course_title=session.course.title,
            dates=session_dates_label(session),
            place=session.place_label,
            session_id=session.id,
            first_meeting=first,
            venue=session.venue,
            # Never the link itself: it is shown near each meeting, to those who may join.
            online=bool(session.online_url),
        )
        queued += message is not None
    return queued
