"""Training figures for the union and for one municipality, aggregated in SQL.

Figures count closed sessions only (status completed: attendance has been taken and every
confirmed registration became "completed" or "no-show"), placed in the period by their first day.

- sessions held: closed sessions (for a coordinator: those their municipality's staff attended);
- participants: registrations that completed the training (a person in two trainings counts twice;
  `people` counts each person once);
- participant-hours: the hours actually attended, by everyone closed in the session (a no-show
  who attended some meetings counts the hours they sat);
- attendance rate: attended minutes / the minutes the same registrations could have attended;
- documents issued: documents currently valid (a revoked or replaced one does not count);
- no-shows: registrations closed as "did not attend" (below the course's minimum attendance).

Every breakdown is one GROUP BY query: the dashboard costs five queries whatever the data size.
Joins never fan out: a registration has at most one completion and one valid document.
"""

from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, case, distinct, extract, func, select

from ..accounts.models import POSITION_LABELS, Person, Position, Role
from ..attendance.models import Completion
from ..catalog.models import Category, Course, Session, SessionStatus
from ..certificates.models import Certificate
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db
from ..municipalities.models import Municipality

S = RegistrationStatus
CLOSED_STATES = (S.COMPLETED, S.NO_SHOW)
#: The longest period a dashboard covers (the month breakdown lists every month of it).
MAX_PERIOD_DAYS = 366 * 10
TABLES = ("summary", "municipality", "position", "category", "month")


@dataclass(frozen=True)
class Period:
    """First and last day included."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_calendar_year(self) -> bool:
        return (
            self.start.year == self.end.year
            and (self.start.month, self.start.day) == (1, 1)
            and (self.end.month, self.end.day) == (12, 31)
        )

    @property
    def slug(self) -> str:
        if self.is_calendar_year:
            return str(self.start.year)
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


@dataclass(frozen=True)
class Scope:
    """Whose figures: None means every municipality; otherwise only these municipalities."""

    municipality_ids: frozenset[int] | None = None

    @property
    def is_limited(self) -> bool:
        return self.municipality_ids is not None


def scope_for(user, municipality_id: int | None = None) -> Scope:
    """What `user` may see: an admin everything (or the municipality chosen), a coordinator only
    the municipalities they coordinate, whatever they ask for."""
    if user.has_role(Role.ADMIN):
        return Scope(None if municipality_id is None else frozenset({municipality_id}))
    own = frozenset(user.coordinated_municipality_ids)
    if municipality_id is not None:
        own = own & {municipality_id}
    return Scope(own)


@dataclass
class Figures:
    """One line of the dashboard: the figures of a group (or of the whole period)."""

    label: str
    sessions: int = 0
    participants: int = 0
    people: int = 0
    attended_minutes: int = 0
    planned_minutes: int = 0
    documents: int = 0
    no_shows: int = 0
    key: object = None

    @property
    def participant_hours(self) -> float:
        return self.attended_minutes / 60

    @property
    def attendance_rate(self) -> float | None:
        """A fraction (0.85), None when nobody could attend anything."""
        if not self.planned_minutes:
            return None
        return self.attended_minutes / self.planned_minutes


@dataclass
class Dashboard:
    period: Period
    scope: Scope
    summary: Figures
    by_municipality: list[Figures] = field(default_factory=list)
    by_position: list[Figures] = field(default_factory=list)
    by_category: list[Figures] = field(default_factory=list)
    by_month: list[Figures] = field(default_factory=list)

    def table(self, name: str) -> list[Figures]:
        return {
            "summary": [self.summary],
            "municipality": self.by_municipality,
            "position": self.by_position,
            "category": self.by_category,
            "month": self.by_month,
        }[name]


def _measures():
    completed = Registration.status == S.COMPLETED
    return (
        func.count(distinct(Session.id)).label("sessions"),
        func.count(case((completed, Registration.id))).label("participants"),
        func.count(distinct(case((completed, Registration.person_id)))).label("people"),
        func.coalesce(func.sum(Completion.attended_minutes), 0).label("attended_minutes"),
        func.coalesce(func.sum(Completion.session_minutes), 0).label("planned_minutes"),
        func.count(Certificate.id).label("documents"),
        func.count(case((Registration.status == S.NO_SHOW, Registration.id))).label("no_shows"),
    )


def _figures(row, label: str, key=None) -> Figures:
    return Figures(
        label=label,
        sessions=int(row.sessions),
        participants=int(row.participants),
        people=int(row.people),
        attended_minutes=int(row.attended_minutes),
        planned_minutes=int(row.planned_minutes),
        documents=int(row.documents),
        no_shows=int(row.no_shows),
        key=key,
    )


def _select(period: Period, scope: Scope, *group_columns, with_participants: bool = False):
    """Closed sessions of the period, outer-joined to their closed registrations in scope.

    Sessions nobody from the scope attended stay in the union's totals (sessions held) but not in
    a coordinator's, nor in breakdowns by who attended (municipality, position).
    """
    on = and_(Registration.session_id == Session.id, Registration.status.in_(CLOSED_STATES))
    if scope.is_limited:
        on = and_(on, Registration.municipality_id.in_(sorted(scope.municipality_ids) or [-1]))
    query = (
        select(*group_columns, *_measures())
        .select_from(Session)
        .join(Course, Course.id == Session.course_id)
        .outerjoin(Registration, on)
        .outerjoin(Completion, Completion.registration_id == Registration.id)
        .outerjoin(Certificate, Certificate.valid_registration_id == Registration.id)
        .where(
            Session.status == SessionStatus.COMPLETED,
            Session.starts_on >= period.start,
            Session.starts_on <= period.end,
        )
    )
    if scope.is_limited or with_participants:
        query = query.where(Registration.id.is_not(None))
    return query


def summary(period: Period, scope: Scope) -> Figures:
    row = db.session.execute(_select(period, scope)).one()
    return _figures(row, _("Total"))


def by_municipality(period: Period, scope: Scope) -> list[Figures]:
    query = (
        _select(
            period,
            scope,
            Municipality.id,
            Municipality.name,
            Municipality.sort_key,
            with_participants=True,
        )
        .outerjoin(Municipality, Municipality.id == Registration.municipality_id)
        .group_by(Municipality.id, Municipality.name, Municipality.sort_key)
    )
    rows = db.session.execute(query).all()
    # Turkish alphabetical order from the stored key; people without a municipality last.
    rows.sort(key=lambda r: (r.id is None, r.sort_key or ""))
    return [_figures(r, r.name or _("No municipality"), key=r.id) for r in rows]


def by_position(period: Period, scope: Scope) -> list[Figures]:
    query = _select(period, scope, Registration.position, with_participants=True).group_by(
        Registration.position
    )
    order = list(Position)
    rows = sorted(
        db.session.execute(query).all(),
        key=lambda r: order.index(r.position) if r.position is not None else len(order),
    )
    return [
        _figures(
            r,
            str(POSITION_LABELS[r.position]) if r.position else _("Not specified"),
            key=r.position,
        )
        for r in rows
    ]


def by_category(period: Period, scope: Scope) -> list[Figures]:
    query = (
        _select(period, scope, Category.id, Category.name, Category.sort_key)
        .join(Category, Category.id == Course.category_id)
        .group_by(Category.id, Category.name, Category.sort_key)
        .order_by(Category.sort_key)
    )
    return [_figures(r, r.name, key=r.id) for r in db.session.execute(query)]


def _months(period: Period) -> list[tuple[int, int]]:
    months = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_label(year: int, month: int, locale: str | None = None) -> str:
    """'Mayıs 2026' / 'May 2026'."""
    from ..core.turkish import _locale

    return format_date(date(year, month, 1), format="LLLL y", locale=locale or _locale())


def by_month(period: Period, scope: Scope) -> list[Figures]:
    """Every month of the period, empty months included (a chart reads better with them)."""
    year = extract("year", Session.starts_on)
    month = extract("month", Session.starts_on)
    query = _select(period, scope, year.label("year"), month.label("month")).group_by(year, month)
    found = {(int(r.year), int(r.month)): r for r in db.session.execute(query)}
    lines = []
    for key in _months(period):
        label = month_label(*key)
        lines.append(_figures(found[key], label, key) if key in found else Figures(label, key=key))
    return lines


def by_course(period: Period, scope: Scope) -> list[Figures]:
    """One line per course with a closed session in the period, in Turkish order of titles."""
    query = (
        _select(period, scope, Course.id, Course.code, Course.title, Course.sort_key)
        .group_by(Course.id, Course.code, Course.title, Course.sort_key)
        .order_by(Course.sort_key, Course.code)
    )
    return [_figures(r, f"{r.code} – {r.title}", key=r.id) for r in db.session.execute(query)]


def dashboard(period: Period, scope: Scope) -> Dashboard:
    """Every figure of the dashboard: five aggregate queries."""
    return Dashboard(
        period=period,
        scope=scope,
        summary=summary(period, scope),
        by_municipality=by_municipality(period, scope),
        by_position=by_position(period, scope),
        by_category=by_category(period, scope),
        by_month=by_month(period, scope),
    )


def selectable_municipalities(user) -> list[Municipality]:
    """Municipalities `user` may choose in a report: all for an admin, their own otherwise."""
    query = select(Municipality).order_by(Municipality.sort_key)
    if not user.has_role(Role.ADMIN):
        query = query.where(Municipality.id.in_(sorted(user.coordinated_municipality_ids) or [-1]))
    return list(db.session.scalars(query))


# --- a municipality's training record --------------------------------------------------------


@dataclass
class TrainingLine:
    course_code: str
    course_title: str
    starts_on: date
    ends_on: date
    status: RegistrationStatus
    attended_minutes: int
    planned_minutes: int
    document_kind_label: str | None
    register_number: str | None

    @property
    def attended_hours(self) -> float:
        return self.attended_minutes / 60

    @property
    def planned_hours(self) -> float:
        return self.planned_minutes / 60

    @property
    def attendance_rate(self) -> float | None:
        return self.attended_minutes / self.planned_minutes if self.planned_minutes else None


@dataclass
class PersonRecord:
    person_id: int
    full_name: str
    position_label: str
    title: str
    trainings: list[TrainingLine] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(1 for t in self.trainings if t.status == S.COMPLETED)

    @property
    def attended_minutes(self) -> int:
        return sum(t.attended_minutes for t in self.trainings)

    @property
    def attended_hours(self) -> float:
        return self.attended_minutes / 60

    @property
    def documents(self) -> int:
        return sum(1 for t in self.trainings if t.register_number)


def municipality_record(municipality: Municipality, period: Period) -> list[PersonRecord]:
    """Each person's closed trainings in the period for `municipality` (where they applied
    from), with attended hours and valid documents; one query, people in Turkish order."""
    from ..catalog.models import DOCUMENT_KIND_LABELS

    query = (
        select(
            Person.id.label("person_id"),
            Person.first_name,
            Person.last_name,
            Person.title,
            Registration.position,
            Registration.status,
            Course.code,
            Course.title.label("course_title"),
            Session.starts_on,
            Session.ends_on,
            Completion.attended_minutes,
            Completion.session_minutes,
            Certificate.kind.label("document_kind"),
            Certificate.register_number,
        )
        .select_from(Registration)
        .join(Person, Person.id == Registration.person_id)
        .join(Session, Session.id == Registration.session_id)
        .join(Course, Course.id == Session.course_id)
        .outerjoin(Completion, Completion.registration_id == Registration.id)
        .outerjoin(Certificate, Certificate.valid_registration_id == Registration.id)
        .where(
            Registration.municipality_id == municipality.id,
            Registration.status.in_(CLOSED_STATES),
            Session.status == SessionStatus.COMPLETED,
            Session.starts_on >= period.start,
            Session.starts_on <= period.end,
        )
        .order_by(Person.sort_key, Person.id, Session.starts_on, Session.id)
    )
    records: dict[int, PersonRecord] = {}
    for r in db.session.execute(query):
        record = records.get(r.person_id)
        if record is None:
            record = records[r.person_id] = PersonRecord(
                person_id=r.person_id,
                full_name=f"{r.first_name} {r.last_name}",
                position_label=str(POSITION_LABELS[r.position]) if r.position else "",
                title=r.title or "",
            )
        record.trainings.append(
            TrainingLine(
                course_code=r.code,
                course_title=r.course_title,
                starts_on=r.starts_on,
                ends_on=r.ends_on,
                status=r.status,
                attended_minutes=r.attended_minutes or 0,
                planned_minutes=r.session_minutes or 0,
                document_kind_label=(
                    str(DOCUMENT_KIND_LABELS[r.document_kind]) if r.document_kind else None
                ),
                register_number=r.register_number,
            )
        )
    return list(records.values())


def log_record_export(municipality: Municipality, period: Period, people: int, by) -> None:
    """A training record holds names: its export is an access to personal data (KVKK)."""
    from ..core import audit

    audit.record(
        "report.municipality_record_export",
        municipality,
        {"period": period.slug, "people": people},
        actor=by,
    )
