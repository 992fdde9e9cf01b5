"""Demo planning: this year's needs call answered by most member municipalities (courses of the
catalogue and free-text topics written in several ways), and this year's approved plan whose
lines are partly delivered by the demo sessions (some lines wait for their sessions, some
sessions were held outside the plan).

Rows are added directly (no mail to the demo coordinators); idempotent.
"""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..accounts.models import Position
from ..catalog.models import Course, Session, SessionStatus
from ..core.timeutil import local_today
from ..extensions import db
from ..municipalities.services import member_municipalities
from ..planning.models import (
    AnnualPlan,
    DeliveryPreference,
    Need,
    NeedsCall,
    PlanLine,
    PlanStatus,
    Priority,
    months_to_mask,
)

FREE_TOPICS = (
    "Stratejik planlama",
    "stratejik planlama",
    "STRATEJİK PLANLAMA",
    "Sosyal medya ve halkla ilişkiler",
    "Kent estetiği",
    "Engelli vatandaşlara hizmet",
)


def _open_next_years_call(today: date) -> int:
    """Next year's call, open for three more weeks, so that a coordinator trying the demo has
    needs to enter (this year's call closed last December)."""
    year = today.year + 1
    if db.session.scalar(select(NeedsCall.id).where(NeedsCall.year == year)) is not None:
        return 0
    db.session.add(
        NeedsCall(
            year=year,
            deadline=today + timedelta(days=21),
            message="Birimlerinizin gelecek yıl ihtiyaç duyduğu eğitimleri bildiriniz.",
        )
    )
    return 1


def load_demo_planning() -> dict:
    today = local_today()
    year = today.year
    calls_opened = _open_next_years_call(today)
    if db.session.scalar(select(NeedsCall.id).where(NeedsCall.year == year)) is not None:
        return {"needs_added": 0, "plan_lines_added": 0, "needs_calls_opened": calls_opened}
    rng = random.Random(1978)
    courses = list(
        db.session.scalars(
            select(Course).where(Course.is_published.is_(True)).order_by(Course.code)
        )
    )
    call = NeedsCall(
        year=year,
        deadline=date(year - 1, 12, 15),
        message="Birimlerinizin gelecek yıl ihtiyaç duyduğu eğitimleri bildiriniz.",
    )
    db.session.add(call)
    municipalities = member_municipalities()
    answering = municipalities[: max(1, len(municipalities) * 5 // 6)]
    needs_added = 0
    submitted_at = datetime(year - 1, 12, 1, 9, 0)
    for municipality in answering:
        for _ in range(rng.randint(2, 4)):
            course = rng.choice(courses) if courses and rng.random() < 0.7 else None
            need = Need(
                call=call,
                municipality_id=municipality.id,
                course_id=course.id if course else None,
                category_id=course.category_id if course else None,
                topic=course.title if course else rng.choice(FREE_TOPICS),
                people_count=rng.randint(2, 20),
                priority=rng.choice(list(Priority)),
                months_mask=months_to_mask(rng.sample(range(1, 13), 2)),
                delivery=rng.choice(list(DeliveryPreference)),
            )
            need.positions = rng.sample([Position.STAFF, Position.UNIT_HEAD, Position.MAYOR], 2)
            need.submit()
            need.submitted_at = submitted_at
            db.session.add(need)
            needs_added += 1
    plan = AnnualPlan(
        year=year,
        version=1,
        status=PlanStatus.APPROVED,
        decision_date=date(year - 1, 11, 20),
        decision_number=f"{year - 1}/45",
        approved_at=datetime(year - 1, 11, 20, 14, 0),
    )
    db.session.add(plan)
    sessions = list(
        db.session.scalars(
            select(Session)
            .where(
                Session.starts_on >= date(year, 1, 1),
                Session.starts_on <= date(year, 12, 31),
                Session.status != SessionStatus.CANCELLED,
            )
            .order_by(Session.starts_on, Session.id)
        )
    )
    lines: dict[int, PlanLine] = {}
    for index, session in enumerate(sessions):
        if index % 3 == 2:
            continue  # held outside the plan
        line = lines.get(session.course_id)
        if line is None:
            line = PlanLine(
                course_id=session.course_id,
                month=session.starts_on.month,
                sort_month=session.starts_on.month,
                city=session.city,
                planned_sessions=rng.randint(1, 2),
                planned_capacity=session.capacity * 2,
                budget_note="Birlik bütçesinden karşılanacaktır.",
            )
            line.positions = [Position.STAFF, Position.UNIT_HEAD]
            plan.lines.append(line)
            lines[session.course_id] = line
        db.session.flush()
        session.plan_line_id = line.id
    # Trainings planned for later in the year that have no session yet.
    waiting = [c for c in courses if c.id not in lines][:3]
    for course in waiting:
        plan.lines.append(
            PlanLine(
                course_id=course.id,
                quarter=4,
                sort_month=10,
                city="Konya",
                planned_sessions=1,
                planned_capacity=30,
            )
        )
    db.session.flush()
    return {
        "needs_added": needs_added,
        "plan_lines_added": len(plan.lines),
        "needs_calls_opened": calls_opened,
    }
