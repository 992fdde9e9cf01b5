"""Catalogue use cases: categories, venues, courses, sessions, meetings, trainers, queries.

Services take models and plain values, enforce the rules with Turkish messages, write the audit
trail and flush; the view commits.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import contains_eager, selectinload

from ..accounts.models import Person, Position, Role, RoleAssignment, User
from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.mail import queue_mail
from ..core.timeutil import local_to_utc, utcnow
from ..core.turkish import format_date_short, search_key, tr_sort_key, tr_upper
from ..extensions import db
from . import signals
from .models import (
    TURKEY,
    Category,
    Course,
    CourseAudience,
    CourseKind,
    Delivery,
    DocumentKind,
    Meeting,
    Session,
    SessionStatus,
    Venue,
    session_trainers,
)

#: Sessions whose schedule can still clash with another: cancelled ones free their trainers.
ACTIVE_STATUSES = (SessionStatus.DRAFT, SessionStatus.PUBLISHED, SessionStatus.COMPLETED)


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None


# --- categories -------------------------------------------------------------------------------


def _check_category_name(name: str, category: Category | None) -> str:
    name = _clean(name)
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    key = tr_sort_key(name)
    other = db.session.scalar(select(Category).where(Category.sort_key == key))
    if other is not None and other is not category:
        raise Conflict(_("A category with this name already exists."), field="name")
    return name


def create_category(name: str, description: str | None, by: User | None) -> Category:
    """Add a subject area of the catalogue."""
    category = Category(name=_check_category_name(name, None), description=_clean(description))
    db.session.add(category)
    db.session.flush()
    audit.record("category.create", category, {"name": category.name}, actor=by)
    return category


def update_category(category: Category, name: str, description: str | None, by) -> None:
    name = _check_category_name(name, category)
    changes = audit.diff(category, {"name": name, "description": _clean(description)})
    category.name, category.description = name, _clean(description)
    if changes:
        audit.record("category.update", category, changes, actor=by)


# --- venues -----------------------------------------------------------------------------------


@dataclass
class VenueDetails:
    name: str
    city: str
    capacity: int
    address: str | None = None
    country: str = TURKEY
    is_active: bool = True


def _check_venue(details: VenueDetails, venue: Venue | None) -> None:
    if not _clean(details.name):
        raise DomainError(_("Enter a name."), field="name")
    if not _clean(details.city):
        raise DomainError(_("Enter the city."), field="city")
    if details.capacity is None or details.capacity < 1:
        raise DomainError(_("The capacity must be at least 1."), field="capacity")
    other = db.session.scalar(select(Venue).where(Venue.name == _clean(details.name)))
    if other is not None and other is not venue:
        raise Conflict(_("A venue with this name already exists."), field="name")
    if venue is not None:
        largest = db.session.scalar(
            select(func.max(Session.capacity)).where(
                Session.venue_id == venue.id,
                Session.status.in_([SessionStatus.DRAFT, SessionStatus.PUBLISHED]),
            )
        )
        if largest and details.capacity < largest:
            raise DomainError(
                _(
                    "A session at this venue offers %(n)d seats; the capacity cannot be lower.",
                    n=largest,
                ),
                field="capacity",
            )


def _venue_values(details: VenueDetails) -> dict:
    return {
        "name": _clean(details.name),
        "city": _clean(details.city),
        "capacity": details.capacity,
        "address": _clean(details.address),
        "country": details.country or TURKEY,
        "is_active": details.is_active,
    }


def create_venue(details: VenueDetails, by) -> Venue:
    _check_venue(details, None)
    venue = Venue(**_venue_values(details))
    db.session.add(venue)
    db.session.flush()
    audit.record("venue.create", venue, {"name": venue.name}, actor=by)
    return venue


def update_venue(venue: Venue, details: VenueDetails, by) -> None:
    _check_venue(details, venue)
    values = _venue_values(details)
    changes = audit.diff(venue, values)
    for key, value in values.items():
        setattr(venue, key, value)
    if changes:
        audit.record("venue.update", venue, changes, actor=by)


# --- courses ----------------------------------------------------------------------------------


@dataclass
class CourseDetails:
    code: str
    title: str
    category_id: int
    kind: CourseKind = CourseKind.COURSE
    delivery: Delivery = Delivery.CLASSROOM
    description: str | None = None
    objectives: str | None = None
    total_minutes: int = 0
    document_kind: DocumentKind = DocumentKind.ATTENDANCE
    min_attendance_percent: int = 80
    has_exam: bool = False
    pass_mark: int | None = None
    attendance_document_on_fail: bool = True
    document_called_certificate: bool = False
    target_positions: set[Position] = field(default_factory=set)


def _check_course(details: CourseDetails, course: Course | None) -> None:
    code = tr_upper(_clean(details.code) or "")
    if not code:
        raise DomainError(_("Enter a code."), field="code")
    other = db.session.scalar(select(Course).where(Course.code == code))
    if other is not None and other is not course:
        raise Conflict(_("A course with this code already exists."), field="code")
    if not _clean(details.title):
        raise DomainError(_("Enter a title."), field="title")
    if db.session.get(Category, details.category_id) is None:
        raise DomainError(_("Choose a category."), field="category_id")
    if not 1 <= (details.min_attendance_percent or 0) <= 100:
        raise DomainError(
            _("The minimum attendance must be between 1 and 100 percent."),
            field="min_attendance_percent",
        )
    if details.total_minutes is None or details.total_minutes < 0:
        raise DomainError(_("The total hours cannot be negative."), field="total_hours")
    if details.has_exam and details.pass_mark is None:
        raise DomainError(_("Enter the pass mark of the exam."), field="pass_mark")
    if details.pass_mark is not None and not 0 <= details.pass_mark <= 100:
        raise DomainError(_("The pass mark must be between 0 and 100."), field="pass_mark")
    if details.document_kind == DocumentKind.ACHIEVEMENT and not details.has_exam:
        raise DomainError(
            _(
                "A certificate of achievement needs an exam: tick “has an exam” or choose another "
                "document."
            ),
            field="document_kind",
        )


def _course_values(details: CourseDetails) -> dict:
    return {
        "code": tr_upper(_clean(details.code)),
        "title": _clean(details.title),
        "category_id": details.category_id,
        "kind": details.kind,
        "delivery": details.delivery,
        "description": (details.description or "").strip() or None,
        "objectives": (details.objectives or "").strip() or None,
        "total_minutes": details.total_minutes,
        "document_kind": details.document_kind,
        "min_attendance_percent": details.min_attendance_percent,
        "has_exam": details.has_exam,
        "pass_mark": details.pass_mark if details.has_exam else None,
        "attendance_document_on_fail": details.attendance_document_on_fail,
        "document_called_certificate": details.document_called_certificate,
    }


def create_course(details: CourseDetails, by) -> Course:
    """Add a catalogue entry; it stays unpublished until an administrator publishes it."""
    _check_course(details, None)
    course = Course(**_course_values(details))
    course.target_positions = details.target_positions
    db.session.add(course)
    db.session.flush()
    audit.record("course.create", course, {"code": course.code, "title": course.title}, actor=by)
    return course


def update_course(course: Course, details: CourseDetails, by) -> None:
    _check_course(details, course)
    values = _course_values(details)
    changes = audit.diff(course, values)
    old_positions = sorted(p.value for p in course.target_positions)
    new_positions = sorted(p.value for p in details.target_positions)
    if old_positions != new_positions:
        changes["target_positions"] = [old_positions, new_positions]
        course.updated_at = utcnow()  # the audience is another table: mark the course changed
    for key, value in values.items():
        setattr(course, key, value)
    course.target_positions = details.target_positions
    if changes:
        audit.record("course.update", course, changes, actor=by)


def set_course_published(course: Course, published: bool, by) -> None:
    """Show or hide a course (and so all its sessions) in the public catalogue."""
    if course.is_published == published:
        return
    course.is_published = published
    audit.record("course.publish" if published else "course.unpublish", course, actor=by)


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
    if not _clean(details.city) and venue is None:
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
        "city": _clean(details.city) or venue.city,
        "country": _clean(details.country) or (venue.country if venue else TURKEY),
        "venue_id": details.venue_id,
        "online_url": _clean(details.online_url),
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
    values = _session_values(details, venue)
    changes = audit.diff(session, values)
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
            _refuse_trainer_clash(
                person,
                meeting.day,
                meeting.starts_at,
                meeting.ends_at,
                exclude_meeting_id=meeting.id,
            )
    copy.trainers = list(session.trainers)
    db.session.flush()
    audit.record("session.clone", copy, {"from_session": session.id, "days": shift.days}, actor=by)
    return copy


# --- trainers and meetings --------------------------------------------------------------------


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


def _clash(
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


def _refuse_trainer_clash(
    person: Person, day: date, starts_at: time, ends_at: time, exclude_meeting_id: int | None = None
) -> None:
    other = _clash(person, day, starts_at, ends_at, exclude_meeting_id)
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


def set_trainers(session: Session, people: list[Person], by) -> None:
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
            _refuse_trainer_clash(
                person,
                meeting.day,
                meeting.starts_at,
                meeting.ends_at,
                exclude_meeting_id=meeting.id,
            )
    new = {p.id for p in people}
    if new != current:
        session.trainers = sorted(people, key=lambda p: p.sort_key)
        session.touch()
        audit.record(
            "session.trainers", session, {"trainers": [sorted(current), sorted(new)]}, actor=by
        )
    db.session.flush()


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
        _refuse_trainer_clash(
            person,
            details.day,
            details.starts_at,
            details.ends_at,
            exclude_meeting_id=meeting.id if meeting else None,
        )


def add_meeting(session: Session, details: MeetingDetails, by) -> Meeting:
    _check_meeting(session, details, None)
    meeting = Meeting(
        day=details.day,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        topic=_clean(details.topic),
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
        "topic": _clean(details.topic),
    }
    changes = audit.diff(meeting, values)
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
    audit.record(
        "meeting.delete", meeting, {"session_id": session.id, "day": str(meeting.day)}, actor=by
    )
    session.meetings.remove(meeting)
    session.touch()
    db.session.flush()


# --- labels -----------------------------------------------------------------------------------


def session_dates_label(session: Session) -> str:
    """ "12–16.05.2026", "30.05–02.06.2026" or "12.05.2026"."""
    start, end = session.starts_on, session.ends_on
    if start == end:
        return format_date_short(start)
    if start.year != end.year:
        return f"{format_date_short(start)}–{format_date_short(end)}"
    if start.month != end.month:
        return f"{start:%d.%m}–{format_date_short(end)}"
    return f"{start:%d}–{format_date_short(end)}"


# --- the public catalogue ---------------------------------------------------------------------


@dataclass
class CatalogueFilters:
    q: str = ""
    category_id: int | None = None
    #: First day of the month asked for.
    month: date | None = None
    #: The city's search key (see Session.city_key).
    city: str | None = None
    #: True: abroad only; False: in Türkiye only; None: both.
    abroad: bool | None = None
    delivery: Delivery | None = None
    position: Position | None = None

    @property
    def active(self) -> bool:
        return any(value not in (None, "") for value in vars(self).values())


def _month_end(first: date) -> date:
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _search_words(text: str | None) -> list[str]:
    """Search keys of the words typed; NUL characters, which PostgreSQL refuses, are dropped."""
    return search_key((text or "").replace("\x00", "")).split()


def public_sessions_query(filters: CatalogueFilters, today: date) -> Select:
    """Upcoming (or running) published sessions of published courses, filtered, by date."""
    query = (
        select(Session)
        .join(Session.course)
        .outerjoin(Session.venue)
        .where(
            Session.status == SessionStatus.PUBLISHED,
            Course.is_published.is_(True),
            Session.ends_on >= today,
        )
    )
    for word in _search_words(filters.q):
        query = query.where(
            or_(
                Course.search_key.contains(word, autoescape=True),
                Session.city_key.contains(word, autoescape=True),
                Venue.search_key.contains(word, autoescape=True),
            )
        )
    if filters.category_id:
        query = query.where(Course.category_id == filters.category_id)
    if filters.month:
        query = query.where(
            Session.starts_on <= _month_end(filters.month), Session.ends_on >= filters.month
        )
    if filters.city:
        query = query.where(Session.city_key == filters.city.replace("\x00", ""))
    if filters.abroad is True:
        query = query.where(Session.country != TURKEY)
    elif filters.abroad is False:
        query = query.where(Session.country == TURKEY)
    if filters.delivery:
        query = query.where(Course.delivery == filters.delivery)
    if filters.position:
        query = query.where(
            or_(
                ~Course.audience.any(),
                Course.audience.any(CourseAudience.position == filters.position),
            )
        )
    return query.order_by(Session.starts_on, Course.sort_key, Session.id)


def _list_options():
    return (
        contains_eager(Session.course).selectinload(Course.category),
        contains_eager(Session.venue),
        selectinload(Session.trainers),
    )


def catalogue_page(filters: CatalogueFilters, today: date, page: int = 1, per_page: int = 20):
    """One page of the public catalogue in a fixed number of queries."""
    query = public_sessions_query(filters, today).options(*_list_options())
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=100)


def catalogue_version() -> tuple:
    """What the public catalogue shows has changed when this value has: one cheap query.

    Every change that the catalogue displays moves one of these: a session's row (status,
    dates, place, seats_taken, meetings and trainers through its calendar sequence), a
    course's, a category's or a venue's updated_at, or the number of sessions.
    """

    def newest(column):
        return select(func.max(column)).scalar_subquery()

    return tuple(
        db.session.execute(
            select(
                select(func.count(Session.id)).scalar_subquery(),
                newest(Session.updated_at),
                newest(Course.updated_at),
                newest(Category.updated_at),
                newest(Venue.updated_at),
            )
        ).one()
    )


def catalogue_choices(today: date) -> dict:
    """What the filter selects offer: categories and the cities of upcoming sessions."""
    categories = list(db.session.scalars(select(Category).order_by(Category.sort_key)))
    cities = db.session.execute(
        select(Session.city_key, func.min(Session.city))
        .join(Session.course)
        .where(
            Session.status == SessionStatus.PUBLISHED,
            Course.is_published.is_(True),
            Session.ends_on >= today,
        )
        .group_by(Session.city_key)
    ).all()
    cities = sorted(((key, name) for key, name in cities), key=lambda c: tr_sort_key(c[1]))
    return {"categories": categories, "cities": cities}


def is_public(session: Session) -> bool:
    """Published (or already held / called off) sessions of published courses are public."""
    return session.status != SessionStatus.DRAFT and session.course.is_published


def load_session_page(session_id: int) -> Session | None:
    """A session with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(
        select(Session)
        .where(Session.id == session_id)
        .options(
            selectinload(Session.course).selectinload(Course.category),
            selectinload(Session.venue),
            selectinload(Session.trainers),
            selectinload(Session.meetings),
        )
    )


def course_sessions(course: Course, include_drafts: bool = False) -> list[Session]:
    """The sessions of a course, newest first when past, soonest first when upcoming."""
    query = (
        select(Session)
        .where(Session.course_id == course.id)
        .options(selectinload(Session.venue))
        .order_by(Session.starts_on.desc(), Session.id.desc())
    )
    if not include_drafts:
        query = query.where(Session.status != SessionStatus.DRAFT)
    return list(db.session.scalars(query))


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


# --- calendars --------------------------------------------------------------------------------


def _taught_session_ids(person_id: int) -> Select:
    return select(session_trainers.c.session_id).where(session_trainers.c.person_id == person_id)


#: Functions person_id -> SELECT of session ids whose meetings belong in that person's calendar.
#: The enrollment feature registers its own (sessions the person is registered for).
CALENDAR_SOURCES = [_taught_session_ids]


def register_calendar_source(source):
    """Add a source of sessions to personal calendars (used by higher features)."""
    if source not in CALENDAR_SOURCES:
        CALENDAR_SOURCES.append(source)
    return source


def calendar_sessions_for(person: Person) -> list[Session]:
    """Non-draft sessions from every calendar source, with meetings, in one set of queries."""
    selects = [source(person.id) for source in CALENDAR_SOURCES]
    ids = selects[0] if len(selects) == 1 else union(*selects)
    return list(
        db.session.scalars(
            select(Session)
            .where(Session.id.in_(ids), Session.status != SessionStatus.DRAFT)
            .options(
                selectinload(Session.course),
                selectinload(Session.venue),
                selectinload(Session.meetings),
            )
            .order_by(Session.starts_on, Session.id)
        )
    )


def calendar_token_for(user: User, reset: bool = False) -> str:
    """The user's calendar feed secret, made on first use; `reset` replaces it."""
    import secrets

    from .models import CalendarToken

    token = db.session.scalar(select(CalendarToken).where(CalendarToken.user_id == user.id))
    if token is None:
        token = CalendarToken(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(token)
        audit.record("calendar_token.create", user, actor=user)
    elif reset:
        token.token = secrets.token_urlsafe(32)
        audit.record("calendar_token.reset", user, actor=user)
    db.session.flush()
    return token.token


def user_for_calendar_token(token: str) -> User | None:
    from .models import CalendarToken

    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(User)
        .join(CalendarToken, CalendarToken.user_id == User.id)
        .where(CalendarToken.token == token, User.is_active_account.is_(True))
    )


# --- administration lists ---------------------------------------------------------------------


def admin_sessions_query(status: SessionStatus | None = None, q: str = "") -> Select:
    query = (
        select(Session)
        .join(Session.course)
        .outerjoin(Session.venue)
        .options(
            contains_eager(Session.course),
            contains_eager(Session.venue),
            selectinload(Session.trainers),
        )
        .order_by(Session.starts_on.desc(), Session.id.desc())
    )
    if status is not None:
        query = query.where(Session.status == status)
    for word in _search_words(q):
        query = query.where(
            or_(
                Course.search_key.contains(word, autoescape=True),
                Session.city_key.contains(word, autoescape=True),
            )
        )
    return query


def admin_courses_query(q: str = "", category_id: int | None = None) -> Select:
    query = select(Course).options(selectinload(Course.category)).order_by(Course.sort_key)
    for word in _search_words(q):
        query = query.where(Course.search_key.contains(word, autoescape=True))
    if category_id:
        query = query.where(Course.category_id == category_id)
    return query


def session_counts_by_course() -> dict[int, int]:
    return dict(
        db.session.execute(
            select(Session.course_id, func.count(Session.id)).group_by(Session.course_id)
        ).all()
    )


def course_counts_by_category() -> dict[int, int]:
    return dict(
        db.session.execute(
            select(Course.category_id, func.count(Course.id)).group_by(Course.category_id)
        ).all()
    )
