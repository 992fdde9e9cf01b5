"""Catalogue queries: the public catalogue, a session's page, calendars, administration lists.

The use cases live beside this module: courses.py (categories, venues, courses), sessions.py
(a session's lifecycle), meetings.py (meetings and trainers' conflicts), trainers.py.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import contains_eager, selectinload

from ..accounts.models import Person, Position, User
from ..core import audit
from ..core.turkish import format_date_short, search_key, tr_sort_key
from ..extensions import db
from .models import (
    TURKEY,
    Category,
    Course,
    CourseAudience,
    Delivery,
    Meeting,
    Session,
    SessionStatus,
    Venue,
    session_trainers,
)

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


def month_end(first: date) -> date:
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _search_words(text: str | None) -> list[str]:
    """Search keys of the words typed (NUL characters never get here: core.args drops them from
    every query string)."""
    return search_key(text or "").split()


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
    return _filtered(query, filters).order_by(Session.starts_on, Course.sort_key, Session.id)


def _filtered(query: Select, filters: CatalogueFilters) -> Select:
    """The catalogue's filters on a query of sessions joined to their course and venue."""
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
            Session.starts_on <= month_end(filters.month), Session.ends_on >= filters.month
        )
    if filters.city:
        query = query.where(Session.city_key == filters.city)
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
    return query


def union_calendar_sessions(
    filters: CatalogueFilters, first: date, last: date, statuses=(SessionStatus.PUBLISHED,)
) -> list[Session]:
    """Public sessions of the given statuses meeting between `first` and `last`, filtered, with
    their course, venue and meetings (the union calendar and its feed)."""
    query = (
        select(Session)
        .join(Session.course)
        .outerjoin(Session.venue)
        .where(
            Session.status.in_(statuses),
            Course.is_published.is_(True),
            Session.starts_on <= last,
            Session.ends_on >= first,
        )
    )
    query = _filtered(query, filters).order_by(Session.starts_on, Course.sort_key, Session.id)
    return list(
        db.session.scalars(
            query.options(
                contains_eager(Session.course),
                contains_eager(Session.venue),
                selectinload(Session.meetings),
            )
        ).unique()
    )


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


def catalogue_version(now: datetime | None = None) -> tuple:
    """What the public catalogue shows has changed when this value has: one cheap query.

    Every change that the catalogue displays moves one of these: a session's row (status,
    dates, place, seats_taken, meetings and trainers through its calendar sequence), a
    course's, a category's or a venue's updated_at, or the number of sessions; with `now`,
    also the number of application periods opened or closed by then (a badge shows them).
    """

    def newest(column):
        return select(func.max(column)).scalar_subquery()

    def passed(column):
        return select(func.count(Session.id)).where(column <= now).scalar_subquery()

    columns = [
        select(func.count(Session.id)).scalar_subquery(),
        newest(Session.updated_at),
        newest(Course.updated_at),
        newest(Category.updated_at),
        newest(Venue.updated_at),
    ]
    if now is not None:
        columns += [passed(Session.enrolment_opens_at), passed(Session.enrolment_closes_at)]
    return tuple(db.session.execute(select(*columns)).one())


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


@dataclass
class CalendarEntry:
    """One meeting in the month view: "1/3" when the session has several."""

    session: Session
    meeting: Meeting
    number: int
    total: int


@dataclass
class MonthCalendar:
    first: date
    previous: date
    next: date
    #: Days with meetings, in order, each with its entries by start time.
    days: list[tuple[date, list[CalendarEntry]]]

    @property
    def session_count(self) -> int:
        return len({entry.session.id for _day, entries in self.days for entry in entries})


def month_calendar(filters: CatalogueFilters, first: date) -> MonthCalendar:
    """The published (and held) sessions' meetings of one month, day by day."""
    last = month_end(first)
    sessions = union_calendar_sessions(
        filters, first, last, statuses=(SessionStatus.PUBLISHED, SessionStatus.COMPLETED)
    )
    by_day: dict[date, list[CalendarEntry]] = {}
    for session in sessions:
        total = len(session.meetings)
        for number, meeting in enumerate(session.meetings, start=1):
            if first <= meeting.day <= last:
                by_day.setdefault(meeting.day, []).append(
                    CalendarEntry(session, meeting, number, total)
                )
    days = [
        (day, sorted(entries, key=lambda e: (e.meeting.starts_at, e.session.course.sort_key)))
        for day, entries in sorted(by_day.items())
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    return MonthCalendar(first, previous, last + timedelta(days=1), days)
