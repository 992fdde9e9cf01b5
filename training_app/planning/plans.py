"""The annual training plan: built from the demand, versioned draft -> approved (with the
decision's date and number) -> revised into a new version with a reason. An approved version is
never edited; every change is audited. Sessions are created from a plan line and linked to it.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import Position
from ..catalog.models import Course, Session, SessionStatus, clean_text
from ..catalog.sessions import SessionDetails, create_session
from ..core import audit
from ..core.errors import Conflict, DomainError, InvalidTransition
from ..extensions import db
from ..municipalities.models import Municipality
from .demand import TopicDemand
from .models import AnnualPlan, PlanLine, PlanStatus

#: Seats per session when a line is built from demand.
DEFAULT_SEATS_PER_SESSION = 30
DEFAULT_CITY = "Konya"
QUARTER_FIRST_MONTH = {1: 1, 2: 4, 3: 7, 4: 10}


@dataclass
class LineDetails:
    course_id: int | None
    city: str | None
    planned_capacity: int | None
    planned_sessions: int | None = 1
    month: int | None = None
    quarter: int | None = None
    budget_note: str | None = None
    positions: list[Position] = field(default_factory=list)
    municipality_ids: list[int] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------------


def plans_of(year: int) -> list[AnnualPlan]:
    return list(
        db.session.scalars(
            select(AnnualPlan).where(AnnualPlan.year == year).order_by(AnnualPlan.version.desc())
        )
    )


def approved_plan(year: int) -> AnnualPlan | None:
    """The version in force: the approved one (at most one per year is approved)."""
    return db.session.scalar(
        select(AnnualPlan).where(AnnualPlan.year == year, AnnualPlan.status == PlanStatus.APPROVED)
    )


def draft_plan(year: int) -> AnnualPlan | None:
    return db.session.scalar(
        select(AnnualPlan).where(AnnualPlan.year == year, AnnualPlan.status == PlanStatus.DRAFT)
    )


def month_name(month: int, locale: str | None = None) -> str:
    """'Mayıs' / 'May' (standalone form, as a heading)."""
    from babel.dates import format_date

    from ..core.turkish import _locale

    return format_date(date(2000, month, 1), format="LLLL", locale=locale or _locale())


def period_label(line: PlanLine) -> str:
    """'Mayıs' for a month, '2. çeyrek' for a quarter."""
    if line.month:
        return month_name(line.month)
    return _("Quarter %(n)d", n=line.quarter)


# --- plans ------------------------------------------------------------------------------------


def create_plan(year: int, by) -> AnnualPlan:
    """Start the first draft of a year's plan (later versions come from revising)."""
    if year is None or not (2000 <= year <= 2100):
        raise DomainError(_("Choose a year."), field="year")
    if plans_of(year):
        raise Conflict(
            _(
                "The plan of %(year)s exists already: open it, or revise its approved version.",
                year=year,
            ),
            field="year",
        )
    plan = AnnualPlan(year=year, version=1, created_by_id=by.id if by else None)
    db.session.add(plan)
    db.session.flush()
    audit.record("plan.create", plan, {"year": year, "version": 1}, actor=by)
    return plan


def approve_plan(plan: AnnualPlan, decision_date: date | None, decision_number: str | None, by):
    """Approve a draft with the decision of the union's bodies; the version it revises, if
    any, is superseded."""
    if decision_date is None:
        raise DomainError(_("Enter the date of the approval decision."), field="decision_date")
    number = clean_text(decision_number)
    if not number:
        raise DomainError(_("Enter the number of the approval decision."), field="decision_number")
    if not plan.lines:
        raise InvalidTransition(_("A plan without any planned training cannot be approved."))
    current = approved_plan(plan.year)
    plan.approve(decision_date, number[:60])
    if current is not None and current is not plan:
        current.supersede()
        audit.record("plan.supersede", current, {"by_version": plan.version}, actor=by)
    db.session.flush()
    audit.record(
        "plan.approve",
        plan,
        {"decision_date": str(decision_date), "decision_number": number},
        actor=by,
    )


def revise_plan(plan: AnnualPlan, reason: str | None, by) -> AnnualPlan:
    """Copy the approved version into a new draft version, with the reason for the revision."""
    if plan.status != PlanStatus.APPROVED:
        raise InvalidTransition(_("Only the approved version of a plan can be revised."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write the reason for the revision."), field="reason")
    if draft_plan(plan.year) is not None:
        raise Conflict(_("A revision of this plan is already being prepared."))
    version = (
        db.session.scalar(select(func.max(AnnualPlan.version)).where(AnnualPlan.year == plan.year))
        or 0
    ) + 1
    revision = AnnualPlan(
        year=plan.year,
        version=version,
        title=plan.title,
        revision_reason=reason,
        revises_id=plan.id,
        created_by_id=by.id if by else None,
    )
    db.session.add(revision)
    for line in plan.lines:
        copy = PlanLine(
            origin_id=line.lineage_id,
            course_id=line.course_id,
            month=line.month,
            quarter=line.quarter,
            sort_month=line.sort_month,
            city=line.city,
            planned_sessions=line.planned_sessions,
            planned_capacity=line.planned_capacity,
            budget_note=line.budget_note,
        )
        copy.positions = line.positions
        copy.municipality_ids = line.municipality_ids
        revision.lines.append(copy)
    db.session.flush()
    audit.record(
        "plan.revise", revision, {"from_version": plan.version, "reason": reason}, actor=by
    )
    return revision


# --- lines ------------------------------------------------------------------------------------


def _check_line(details: LineDetails) -> Course:
    course = db.session.get(Course, details.course_id) if details.course_id else None
    if course is None:
        raise DomainError(_("Choose the training."), field="course_id")
    if details.month and details.quarter:
        raise DomainError(_("Choose a month or a quarter, not both."), field="quarter")
    if not details.month and not details.quarter:
        raise DomainError(_("Choose the month or the quarter."), field="month")
    if details.month is not None and not 1 <= details.month <= 12:
        raise DomainError(_("Choose the month or the quarter."), field="month")
    if details.quarter is not None and not 1 <= details.quarter <= 4:
        raise DomainError(_("Choose the month or the quarter."), field="quarter")
    if not clean_text(details.city):
        raise DomainError(_("Enter the city."), field="city")
    if not details.planned_sessions or details.planned_sessions < 1:
        raise DomainError(_("Plan at least one session."), field="planned_sessions")
    if not details.planned_capacity or details.planned_capacity < 1:
        raise DomainError(_("The planned capacity must be at least 1."), field="planned_capacity")
    if details.municipality_ids:
        known = set(
            db.session.scalars(
                select(Municipality.id).where(Municipality.id.in_(details.municipality_ids))
            )
        )
        if known != set(details.municipality_ids):
            raise DomainError(_("Choose municipalities from the list."), field="municipality_ids")
    return course


def _line_values(details: LineDetails) -> dict:
    month = details.month or None
    quarter = details.quarter or None
    return {
        "course_id": details.course_id,
        "month": month,
        "quarter": quarter,
        "sort_month": month or QUARTER_FIRST_MONTH[quarter],
        "city": clean_text(details.city),
        "planned_sessions": details.planned_sessions,
        "planned_capacity": details.planned_capacity,
        "budget_note": (details.budget_note or "").strip() or None,
    }


def _line_facts(line: PlanLine) -> dict:
    return {
        "course_id": line.course_id,
        "month": line.month,
        "quarter": line.quarter,
        "city": line.city,
        "planned_sessions": line.planned_sessions,
        "planned_capacity": line.planned_capacity,
    }


def add_line(plan: AnnualPlan, details: LineDetails, by) -> PlanLine:
    plan.ensure_editable()
    _check_line(details)
    line = PlanLine(**_line_values(details))
    line.positions = details.positions
    line.municipality_ids = details.municipality_ids
    plan.lines.append(line)
    db.session.flush()
    audit.record("plan_line.create", line, {"plan": plan.id, **_line_facts(line)}, actor=by)
    return line


def update_line(line: PlanLine, details: LineDetails, by) -> None:
    line.plan.ensure_editable()
    _check_line(details)
    values = _line_values(details)
    changes = audit.diff(line, values)
    old_positions = sorted(p.value for p in line.positions)
    new_positions = sorted(Position(p).value for p in details.positions)
    if old_positions != new_positions:
        changes["positions"] = [old_positions, new_positions]
    if sorted(line.municipality_ids) != sorted(details.municipality_ids):
        changes["municipalities"] = [line.municipality_ids, sorted(details.municipality_ids)]
    for key, value in values.items():
        setattr(line, key, value)
    line.positions = details.positions
    line.municipality_ids = details.municipality_ids
    db.session.flush()
    if changes:
        audit.record("plan_line.update", line, changes, actor=by)


def delete_line(line: PlanLine, by) -> None:
    line.plan.ensure_editable()
    audit.record("plan_line.delete", line, {"plan": line.plan_id, **_line_facts(line)}, actor=by)
    line.plan.lines.remove(line)
    db.session.flush()


def details_from_demand(topic: TopicDemand) -> LineDetails:
    """A line's first values from a topic of the demand: seats for the people asking, sessions
    of DEFAULT_SEATS_PER_SESSION, the month most asked for, the positions and municipalities."""
    capacity = max(topic.demand, 1)
    return LineDetails(
        course_id=topic.course_id,
        city=DEFAULT_CITY,
        planned_capacity=capacity,
        planned_sessions=max(1, math.ceil(capacity / DEFAULT_SEATS_PER_SESSION)),
        month=topic.top_month,
        quarter=None if topic.top_month else 1,
        positions=topic.position_list,
        municipality_ids=sorted(topic.municipality_ids),
    )


def add_lines_from_demand(plan: AnnualPlan, topics: list[TopicDemand], by) -> int:
    """Add a line for each topic of the demand that is a course not yet in the plan."""
    plan.ensure_editable()
    planned = {line.course_id for line in plan.lines}
    added = 0
    for topic in topics:
        if topic.course_id is None or topic.course_id in planned:
            continue
        add_line(plan, details_from_demand(topic), by)
        planned.add(topic.course_id)
        added += 1
    return added


# --- sessions from lines ----------------------------------------------------------------------


def session_defaults(line: PlanLine) -> dict:
    """Values that pre-fill the session form of a line: its city, the seats of one session and
    the first day of its month (or quarter)."""
    per_session = max(1, math.ceil(line.planned_capacity / max(line.planned_sessions, 1)))
    day = date(line.plan.year, line.sort_month, 1)
    return {"city": line.city, "capacity": per_session, "starts_on": day, "ends_on": day}


def create_session_from_line(line: PlanLine, details: SessionDetails, by) -> Session:
    """Schedule a session of the line's course and link it to the line."""
    if line.plan.status != PlanStatus.APPROVED:
        raise InvalidTransition(_("Sessions are created from the lines of the approved plan."))
    session = create_session(line.course, details, by)
    session.plan_line_id = line.id
    db.session.flush()
    audit.record("plan_line.session", line, {"session": session.id}, actor=by)
    return session


def planned_not_scheduled(year_from: int) -> list[PlanLine]:
    """Lines of the approved plans (from `year_from` on) without any session yet, for the public
    "planned" list: one query for the lines, one for their courses."""
    from sqlalchemy.orm import aliased, selectinload

    scheduled = aliased(PlanLine)
    has_session = (
        select(Session.id)
        .join(scheduled, scheduled.id == Session.plan_line_id)
        .where(
            func.coalesce(scheduled.origin_id, scheduled.id)
            == func.coalesce(PlanLine.origin_id, PlanLine.id),
            Session.status != SessionStatus.CANCELLED,
        )
        .exists()
    )
    query = (
        select(PlanLine)
        .join(AnnualPlan, AnnualPlan.id == PlanLine.plan_id)
        .join(Course, Course.id == PlanLine.course_id)
        .where(
            AnnualPlan.status == PlanStatus.APPROVED,
            AnnualPlan.year >= year_from,
            Course.is_published.is_(True),
            ~has_session,
        )
        .options(selectinload(PlanLine.course), selectinload(PlanLine.plan))
        .order_by(AnnualPlan.year, PlanLine.sort_month, Course.sort_key)
    )
    return list(db.session.scalars(query))
