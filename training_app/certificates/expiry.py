"""Documents that expire: which are due for renewal, whether their holder renewed or booked a
renewal already, and the open sessions that renew them. Used by the expiry reminders and by the
report of expiring documents (reports/), so that both answer the same way."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased, contains_eager

from ..accounts.models import Person
from ..catalog.models import Course, Session, SessionStatus
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db
from ..municipalities.models import Municipality
from .models import Certificate, CertificateStatus

#: A registration that holds or asks for a seat: a renewal "booked".
BOOKED = (
    RegistrationStatus.REQUESTED,
    RegistrationStatus.PENDING_APPROVAL,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)


def renewed_clause():
    """True when the holder has a newer valid document of the same or the renewal course that is
    valid longer (or does not expire): the expiring one needs nothing more.

    Correlated on Certificate, Registration (its holder) and Course (its course)."""
    newer = aliased(Certificate)
    newer_registration = aliased(Registration)
    newer_session = aliased(Session)
    return exists().where(
        newer.id != Certificate.id,
        newer.status == CertificateStatus.VALID,
        newer_registration.id == newer.registration_id,
        newer_registration.person_id == Registration.person_id,
        newer_session.id == newer.session_id,
        or_(
            newer_session.course_id == Course.id,
            newer_session.course_id == Course.renewal_course_id,
        ),
        or_(newer.valid_until.is_(None), newer.valid_until > Certificate.valid_until),
    )


def booked_clause():
    """True when the holder has applied for (or holds a seat in) a coming session of the same or
    the renewal course, starting after the expiring document's training."""
    booking = aliased(Registration)
    session = aliased(Session)
    return exists().where(
        booking.person_id == Registration.person_id,
        booking.status.in_(BOOKED),
        session.id == booking.session_id,
        session.status == SessionStatus.PUBLISHED,
        session.starts_on > Certificate.ends_on,
        or_(session.course_id == Course.id, session.course_id == Course.renewal_course_id),
    )


@dataclass
class ExpiringDocument:
    certificate: Certificate
    person: Person
    course: Course
    municipality_id: int | None
    municipality_name: str | None
    renewal_booked: bool


def expiring_documents(
    first: date | None,
    last: date,
    municipality_ids: frozenset[int] | None = None,
) -> list[ExpiringDocument]:
    """Valid documents whose last valid day falls between `first` (None: any earlier day, so
    expired ones too) and `last`, whose holder has not renewed them, in one query: by
    municipality (Turkish order), then expiry day and name."""
    query = (
        select(
            Certificate,
            Person,
            Course,
            Municipality,
            booked_clause().label("booked"),
        )
        .join(Registration, Registration.id == Certificate.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .join(Session, Session.id == Certificate.session_id)
        .join(Course, Course.id == Session.course_id)
        .outerjoin(Municipality, Municipality.id == Certificate.municipality_id)
        .where(
            Certificate.status == CertificateStatus.VALID,
            Certificate.valid_until.is_not(None),
            Certificate.valid_until <= last,
            Certificate.holder_name != "",  # data deleted at the holder's request: no one to tell
            ~renewed_clause(),
        )
        .order_by(
            Municipality.sort_key.is_(None),
            Municipality.sort_key,
            Certificate.valid_until,
            Certificate.holder_sort_key,
            Certificate.id,
        )
    )
    if first is not None:
        query = query.where(Certificate.valid_until >= first)
    if municipality_ids is not None:
        query = query.where(Certificate.municipality_id.in_(sorted(municipality_ids) or [-1]))
    return [
        ExpiringDocument(
            certificate=certificate,
            person=person,
            course=course,
            municipality_id=certificate.municipality_id,
            municipality_name=municipality.display_name if municipality else None,
            renewal_booked=bool(booked),
        )
        for certificate, person, course, municipality, booked in db.session.execute(query)
    ]


def expiring_count(
    first: date, last: date, municipality_ids: frozenset[int] | set[int] | None = None
) -> int:
    """How many documents `expiring_documents(first, last, ...)` would list (one query)."""
    from sqlalchemy import func

    query = (
        select(func.count(Certificate.id))
        .join(Registration, Registration.id == Certificate.registration_id)
        .join(Session, Session.id == Certificate.session_id)
        .join(Course, Course.id == Session.course_id)
        .where(
            Certificate.status == CertificateStatus.VALID,
            Certificate.valid_until >= first,
            Certificate.valid_until <= last,
            Certificate.holder_name != "",
            ~renewed_clause(),
        )
    )
    if municipality_ids is not None:
        query = query.where(Certificate.municipality_id.in_(sorted(municipality_ids) or [-1]))
    return db.session.scalar(query)


def open_renewal_sessions(course_ids: set[int], today: date, now_utc: datetime) -> dict:
    """course id -> its public sessions open for applications now, by date (one query); a
    course's renewal course's sessions are listed under the course too."""
    if not course_ids:
        return {}
    courses = db.session.scalars(select(Course).where(Course.id.in_(sorted(course_ids)))).all()
    wanted = {
        c.id: {c.id} | ({c.renewal_course_id} if c.renewal_course_id else set()) for c in courses
    }
    all_ids = sorted(set().union(*wanted.values()))
    sessions = db.session.scalars(
        select(Session)
        .join(Course, Course.id == Session.course_id)
        .where(
            Session.course_id.in_(all_ids),
            Session.status == SessionStatus.PUBLISHED,
            Course.is_published.is_(True),
            Session.starts_on > today,
            or_(Session.enrolment_opens_at.is_(None), Session.enrolment_opens_at <= now_utc),
            or_(Session.enrolment_closes_at.is_(None), Session.enrolment_closes_at > now_utc),
        )
        .options(contains_eager(Session.course))
        .order_by(Session.starts_on, Session.id)
    ).all()
    return {
        course_id: [s for s in sessions if s.course_id in ids] for course_id, ids in wanted.items()
    }


def active_users(people) -> dict[int, object]:
    """person id -> their active user account (one query), for the people who have one."""
    from ..accounts.models import User

    ids = sorted({p.user_id for p in people if p.user_id is not None})
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    by_id = {u.id: u for u in users if u.is_active}
    return {p.id: by_id[p.user_id] for p in people if p.user_id in by_id}
