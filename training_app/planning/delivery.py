"""Plan against delivery (plan ve gerçekleşme): what each line of the approved plan delivered.

Delivery counts closed sessions (status completed) linked to a line (or to the same line of an
earlier version of the plan: revisions copy lines forward and keep their lineage), with the
dashboard's definitions: people trained are distinct people who completed the training,
participant-hours the hours attended by everyone closed, municipalities reached those of the
people who completed. Sessions delivered outside the plan are the year's closed sessions linked
to no line of that year's plan. Five queries whatever the data size (one for satisfaction, the
evaluation feature's answers merged per line and hidden below 5 answers).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, distinct, func, select

from ..attendance.models import Completion
from ..catalog.models import Course, Session, SessionStatus
from ..enrollment.models import Registration, RegistrationStatus
from ..evaluation.results import merged_mean, satisfaction_by_session
from ..extensions import db
from .models import AnnualPlan, Need, NeedsCall, NeedStatus, PlanLine, PlanStatus

S = RegistrationStatus
CLOSED_STATES = (S.COMPLETED, S.NO_SHOW)


@dataclass
class LineDelivery:
    line_id: int
    lineage_id: int
    course_id: int
    course_code: str
    course_title: str
    period: str
    sort_month: int
    city: str
    planned_sessions: int
    planned_capacity: int
    scheduled: int = 0
    held: int = 0
    people: int = 0
    attended_minutes: int = 0
    municipalities: int = 0
    satisfaction: float | None = None
    session_ids: list[int] = field(default_factory=list)

    @property
    def participant_hours(self) -> float:
        return self.attended_minutes / 60

    @property
    def delivered(self) -> bool:
        return self.held > 0

    @property
    def fill_rate(self) -> float | None:
        return self.people / self.planned_capacity if self.planned_capacity else None


@dataclass
class OutsideSession:
    session_id: int
    course_code: str
    course_title: str
    starts_on: date
    ends_on: date
    city: str
    people: int
    attended_minutes: int
    municipalities: int

    @property
    def participant_hours(self) -> float:
        return self.attended_minutes / 60


@dataclass
class PlanDelivery:
    year: int
    plan: AnnualPlan | None
    lines: list[LineDelivery]
    outside: list[OutsideSession]

    @property
    def not_delivered(self) -> list[LineDelivery]:
        return [line for line in self.lines if not line.delivered]

    @property
    def planned_sessions(self) -> int:
        return sum(line.planned_sessions for line in self.lines)

    @property
    def held(self) -> int:
        return sum(line.held for line in self.lines)

    @property
    def people(self) -> int:
        return sum(line.people for line in self.lines)

    @property
    def planned_capacity(self) -> int:
        return sum(line.planned_capacity for line in self.lines)

    @property
    def participant_hours(self) -> float:
        return sum(line.attended_minutes for line in self.lines) / 60


def _lineage():
    return func.coalesce(PlanLine.origin_id, PlanLine.id)


def _session_measures():
    completed = Registration.status == S.COMPLETED
    return (
        func.count(distinct(case((completed, Registration.person_id)))).label("people"),
        func.coalesce(func.sum(Completion.attended_minutes), 0).label("attended_minutes"),
        func.count(distinct(case((completed, Registration.municipality_id)))).label(
            "municipalities"
        ),
    )


def _closed_registrations():
    return and_(Registration.session_id == Session.id, Registration.status.in_(CLOSED_STATES))


def plan_delivery(year: int, plan: AnnualPlan | None = None) -> PlanDelivery:
    """The approved plan of `year` (or the version given) against what was delivered."""
    from flask_babel import gettext as _

    from .plans import month_name

    if plan is None:
        plan = db.session.scalar(
            select(AnnualPlan).where(
                AnnualPlan.year == year, AnnualPlan.status == PlanStatus.APPROVED
            )
        )
    lines: list[LineDelivery] = []
    if plan is not None:
        rows = db.session.execute(
            select(
                PlanLine.id,
                _lineage().label("lineage"),
                PlanLine.course_id,
                PlanLine.month,
                PlanLine.quarter,
                PlanLine.sort_month,
                PlanLine.city,
                PlanLine.planned_sessions,
                PlanLine.planned_capacity,
                Course.code,
                Course.title,
                Course.sort_key,
            )
            .join(Course, Course.id == PlanLine.course_id)
            .where(PlanLine.plan_id == plan.id)
            .order_by(PlanLine.sort_month, Course.sort_key, PlanLine.id)
        ).all()
        for r in rows:
            lines.append(
                LineDelivery(
                    line_id=r.id,
                    lineage_id=r.lineage,
                    course_id=r.course_id,
                    course_code=r.code,
                    course_title=r.title,
                    period=month_name(r.month) if r.month else _("Quarter %(n)d", n=r.quarter),
                    sort_month=r.sort_month,
                    city=r.city,
                    planned_sessions=r.planned_sessions,
                    planned_capacity=r.planned_capacity,
                )
            )
    by_lineage = {line.lineage_id: line for line in lines}
    if by_lineage:
        _fill_delivery(by_lineage)
        # Satisfaction of a line: all its sessions' answers as one group, shown from 5 answers.
        by_session = satisfaction_by_session({i for line in lines for i in line.session_ids})
        for line in lines:
            line.satisfaction = merged_mean(
                [by_session[i] for i in line.session_ids if i in by_session]
            )
    return PlanDelivery(year, plan, lines, _outside_sessions(year))


def _fill_delivery(by_lineage: dict[int, LineDelivery]) -> None:
    lineage = _lineage().label("lineage")
    held = Session.status == SessionStatus.COMPLETED
    query = (
        select(
            lineage,
            Session.id.label("session_id"),
            Session.status,
            *_session_measures(),
        )
        .select_from(Session)
        .join(PlanLine, PlanLine.id == Session.plan_line_id)
        .outerjoin(Registration, and_(_closed_registrations(), held))
        .outerjoin(Completion, Completion.registration_id == Registration.id)
        .where(_lineage().in_(sorted(by_lineage)), Session.status != SessionStatus.CANCELLED)
        .group_by(lineage, Session.id, Session.status)
    )
    # One row per session: people and municipalities are then counted once per line below
    # by a second aggregate (distinct across the line's sessions).
    for row in db.session.execute(query):
        line = by_lineage[row.lineage]
        line.scheduled += 1
        if row.status == SessionStatus.COMPLETED:
            line.held += 1
            line.attended_minutes += int(row.attended_minutes)
            line.session_ids.append(row.session_id)
    distinct_query = (
        select(lineage, *_session_measures()[::2])
        .select_from(Session)
        .join(PlanLine, PlanLine.id == Session.plan_line_id)
        .join(Registration, _closed_registrations())
        .where(_lineage().in_(sorted(by_lineage)), Session.status == SessionStatus.COMPLETED)
        .group_by(lineage)
    )
    for row in db.session.execute(distinct_query):
        line = by_lineage[row.lineage]
        line.people = int(row.people)
        line.municipalities = int(row.municipalities)


def _outside_sessions(year: int) -> list[OutsideSession]:
    """The year's closed sessions that no line of the year's plans delivers."""
    in_plan = (
        select(PlanLine.id)
        .join(AnnualPlan, AnnualPlan.id == PlanLine.plan_id)
        .where(PlanLine.id == Session.plan_line_id, AnnualPlan.year == year)
        .exists()
    )
    query = (
        select(
            Session.id,
            Session.starts_on,
            Session.ends_on,
            Session.city,
            Course.code,
            Course.title,
            *_session_measures(),
        )
        .select_from(Session)
        .join(Course, Course.id == Session.course_id)
        .outerjoin(Registration, _closed_registrations())
        .outerjoin(Completion, Completion.registration_id == Registration.id)
        .where(
            Session.status == SessionStatus.COMPLETED,
            Session.starts_on >= date(year, 1, 1),
            Session.starts_on <= date(year, 12, 31),
            ~in_plan,
        )
        .group_by(
            Session.id, Session.starts_on, Session.ends_on, Session.city, Course.code, Course.title
        )
        .order_by(Session.starts_on, Session.id)
    )
    return [
        OutsideSession(
            session_id=r.id,
            course_code=r.code,
            course_title=r.title,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            city=r.city,
            people=int(r.people),
            attended_minutes=int(r.attended_minutes),
            municipalities=int(r.municipalities),
        )
        for r in db.session.execute(query)
    ]


# --- a municipality's needs against what its people attended ----------------------------------


@dataclass
class NeedAgainstAttendance:
    topic: str
    course_id: int | None
    people_needed: int
    priority: str
    people_attended: int | None


def municipality_needs_against_attendance(
    year: int, municipality_id: int
) -> list[NeedAgainstAttendance]:
    """A municipality's submitted needs of the year's call next to how many of its people
    completed the course named (directly or through the office's mapping) in that year."""
    from .demand import _resolve
    from .models import TopicMapping

    needs = db.session.execute(
        select(Need.topic, Need.topic_key, Need.course_id, Need.people_count, Need.priority)
        .join(NeedsCall, NeedsCall.id == Need.call_id)
        .where(
            NeedsCall.year == year,
            Need.municipality_id == municipality_id,
            Need.status == NeedStatus.SUBMITTED,
        )
        .order_by(Need.id)
    ).all()
    if not needs:
        return []
    mappings = {m.topic_key: m for m in db.session.scalars(select(TopicMapping))}
    attended = dict(
        db.session.execute(
            select(Session.course_id, func.count(distinct(Registration.person_id)))
            .join(Registration, Registration.session_id == Session.id)
            .where(
                Registration.municipality_id == municipality_id,
                Registration.status == S.COMPLETED,
                Session.status == SessionStatus.COMPLETED,
                Session.starts_on >= date(year, 1, 1),
                Session.starts_on <= date(year, 12, 31),
            )
            .group_by(Session.course_id)
        ).all()
    )
    result = []
    for need in needs:
        course_id = need.course_id or _resolve(need.topic_key, mappings)[1]
        result.append(
            NeedAgainstAttendance(
                topic=need.topic,
                course_id=course_id,
                people_needed=need.people_count,
                priority=need.priority,
                people_attended=int(attended.get(course_id, 0)) if course_id else None,
            )
        )
    return result
