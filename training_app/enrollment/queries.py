"""What the registration pages show: a participant's trainings, the applications waiting for a
decision, a municipality's registrations, a session's roster, people to nominate or add."""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..accounts.models import Person, Role, User
from ..catalog.models import Session, SessionStatus
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Registration, RegistrationStatus
from .services import utc_to_local, waitlist_position

S = RegistrationStatus


def with_session_details(query):
    from sqlalchemy.orm import selectinload

    from ..catalog.models import Course

    return query.options(
        selectinload(Registration.session)
        .selectinload(Session.course)
        .selectinload(Course.audience),
        selectinload(Registration.session).selectinload(Session.meetings),
        selectinload(Registration.session).selectinload(Session.venue),
        selectinload(Registration.person).selectinload(Person.municipality),
        selectinload(Registration.person).selectinload(Person.unit),
    )


@dataclass
class MyTrainings:
    upcoming: list[Registration]
    pending: list[Registration]
    waitlisted: list[tuple[Registration, int]]
    past: list[Registration]
    closed: list[Registration]


def my_trainings(person: Person, today=None) -> MyTrainings:
    """A participant's registrations, grouped the way they think of them."""
    from datetime import date as _date

    today = today or utc_to_local(utcnow()).date()
    registrations = db.session.scalars(
        with_session_details(select(Registration))
        .join(Session, Session.id == Registration.session_id)
        .where(Registration.person_id == person.id)
        .order_by(Session.starts_on, Registration.id)
    ).all()
    result = MyTrainings([], [], [], [], [])
    for r in registrations:
        ended = r.session.ends_on < today if isinstance(today, _date) else False
        if r.status in (S.COMPLETED, S.NO_SHOW) or (r.status == S.CONFIRMED and ended):
            result.past.append(r)
        elif r.status == S.CONFIRMED:
            result.upcoming.append(r)
        elif r.status in (S.PENDING_APPROVAL, S.REQUESTED):
            result.pending.append(r)
        elif r.status == S.WAITLISTED:
            result.waitlisted.append((r, waitlist_position(r)))
        else:
            result.closed.append(r)
    result.past.reverse()
    return result


def pending_for(user: User, ids: list[int] | None = None):
    """Applications waiting for this coordinator's (or the office's) decision, oldest first (a
    query, to paginate); `ids` keeps only those chosen in a form (others' are never found)."""
    query = with_session_details(select(Registration)).where(
        Registration.status == S.PENDING_APPROVAL
    )
    if not user.has_role(Role.ADMIN):
        query = query.where(Registration.municipality_id.in_(user.coordinated_municipality_ids))
    if ids is not None:
        query = query.where(Registration.id.in_(ids))
    return query.order_by(Registration.requested_at, Registration.id)


def registrations_of_municipalities(municipality_ids: set[int], status: S | None = None):
    query = (
        with_session_details(select(Registration))
        .join(Person, Person.id == Registration.person_id)
        .join(Session, Session.id == Registration.session_id)
        .where(Registration.municipality_id.in_(municipality_ids))
    )
    if status is not None:
        query = query.where(Registration.status == status)
    return query.order_by(Session.starts_on.desc(), Person.sort_key, Registration.id)


def roster(session: Session, status: S | None = None, municipality_id: int | None = None):
    """A session's registrations in Turkish alphabetical order, filtered."""
    query = (
        with_session_details(select(Registration))
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id == session.id)
    )
    if status is not None:
        query = query.where(Registration.status == status)
    if municipality_id is not None:
        query = query.where(Registration.municipality_id == municipality_id)
    return list(db.session.scalars(query.order_by(Person.sort_key, Registration.id)))


def status_counts(session: Session) -> dict[S, int]:
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.session_id == session.id)
        .group_by(Registration.status)
    ).all()
    return {status: count for status, count in rows}


def nomination_sessions(today=None) -> list[Session]:
    """Published sessions that have not started, for a coordinator's nomination form."""
    from sqlalchemy.orm import selectinload

    today = today or utc_to_local(utcnow()).date()
    now = utcnow()
    sessions = db.session.scalars(
        select(Session)
        .where(Session.status == SessionStatus.PUBLISHED, Session.starts_on > today)
        .options(selectinload(Session.course))
        .order_by(Session.starts_on, Session.id)
    )
    return [s for s in sessions if s.enrolment_is_open(now) and s.course.is_published]


def people_of(municipality_ids: set[int]) -> list[Person]:
    from sqlalchemy.orm import selectinload

    return list(
        db.session.scalars(
            select(Person)
            .where(Person.municipality_id.in_(municipality_ids))
            .options(selectinload(Person.municipality))
            .order_by(Person.sort_key)
        )
    )


def search_people(text: str, limit: int = 20) -> list[Person]:
    """People whose name matches, Turkish-case-insensitively and forgiving ASCII typing."""
    from sqlalchemy.orm import selectinload

    from ..core.turkish import search_key

    key = search_key(text).strip()
    if len(key) < 2:
        return []
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.search_key.like(f"%{key}%"))
            .options(selectinload(Person.municipality))
            .order_by(Person.sort_key)
            .limit(limit)
        )
    )
