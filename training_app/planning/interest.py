"""Interest from people: "Açılınca haber ver" on a course without an open session.

The count of interested people per course and municipality joins the needs of the year; each
interested person is mailed once, when a session of the course is published (the catalogue sends
`session_published`; it does not import this feature).
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Person
from ..catalog import signals
from ..catalog.models import Course, Session, SessionStatus
from ..catalog.services import session_dates_label
from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.mail import queue_mail
from ..core.timeutil import utcnow
from ..extensions import db
from .models import CourseInterest


def has_open_session(course: Course, today: date) -> bool:
    """A published session that has not ended: then people apply instead of waiting."""
    return (
        db.session.scalar(
            select(Session.id)
            .where(
                Session.course_id == course.id,
                Session.status == SessionStatus.PUBLISHED,
                Session.ends_on >= today,
            )
            .limit(1)
        )
        is not None
    )


def interest_of(person: Person | None, course: Course) -> CourseInterest | None:
    if person is None:
        return None
    return db.session.scalar(
        select(CourseInterest).where(
            CourseInterest.person_id == person.id,
            CourseInterest.course_id == course.id,
            CourseInterest.notified_at.is_(None),
        )
    )


def declare_interest(person: Person | None, course: Course, today: date) -> CourseInterest:
    """Record that `person` wants a mail when a session of `course` opens."""
    if person is None:
        raise DomainError(_("Only people with a personal record can ask to be told."))
    if not course.is_published:
        raise DomainError(_("This course is not in the catalogue."))
    if has_open_session(course, today):
        raise Conflict(_("A session of this course is open: you can apply to it now."))
    existing = db.session.scalar(
        select(CourseInterest).where(
            CourseInterest.person_id == person.id, CourseInterest.course_id == course.id
        )
    )
    if existing is not None:
        if existing.notified_at is None:
            return existing
        # Told about an earlier session: wait again for the next one.
        existing.notified_at = None
        existing.notified_session_id = None
        existing.municipality_id = person.municipality_id
        existing.created_at = utcnow()
        db.session.flush()
        return existing
    interest = CourseInterest(
        person_id=person.id, course_id=course.id, municipality_id=person.municipality_id
    )
    try:
        with db.session.begin_nested():
            db.session.add(interest)
    except IntegrityError:  # asked twice at once: the other request recorded it
        return db.session.scalar(
            select(CourseInterest).where(
                CourseInterest.person_id == person.id, CourseInterest.course_id == course.id
            )
        )
    audit.record("interest.declare", interest, {"course": course.code})
    return interest


def withdraw_interest(person: Person | None, course: Course) -> None:
    interest = interest_of(person, course)
    if interest is not None:
        db.session.delete(interest)
        db.session.flush()


def interest_counts() -> dict[tuple[int, int | None], int]:
    """{(course_id, municipality_id): people still waiting}: one query."""
    rows = db.session.execute(
        select(
            CourseInterest.course_id, CourseInterest.municipality_id, func.count(CourseInterest.id)
        )
        .where(CourseInterest.notified_at.is_(None))
        .group_by(CourseInterest.course_id, CourseInterest.municipality_id)
    )
    return {(c, m): int(n) for c, m, n in rows}


def notify_interested(session: Session) -> int:
    """Mail everyone waiting for the course of `session`, once; returns the number mailed."""
    waiting = db.session.execute(
        select(CourseInterest, Person)
        .join(Person, Person.id == CourseInterest.person_id)
        .where(
            CourseInterest.course_id == session.course_id,
            CourseInterest.notified_at.is_(None),
        )
        .with_for_update(of=CourseInterest)
    ).all()
    mailed = 0
    now = utcnow()
    for interest, person in waiting:
        interest.notified_at = now
        interest.notified_session_id = session.id
        user = person.user
        if user is None or not user.is_active:
            continue
        queue_mail(
            user.email,
            "course_interest_opened",
            locale=user.locale,
            dedup_key=f"interest:{interest.id}:{session.id}",
            person_name=person.full_name,
            course_title=session.course.title,
            dates=session_dates_label(session),
            place=session.place_label,
            session_id=session.id,
        )
        mailed += 1
    db.session.flush()
    return mailed


def _on_session_published(session, **_kwargs) -> None:
    notify_interested(session)


def connect_signals() -> None:
    signals.session_published.connect(_on_session_published, weak=False)
