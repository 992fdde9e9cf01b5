"""Planning on the large data set: the consolidated demand of 39 member municipalities x 40
needs each (free-text topics in several wordings, positions, months, interest from people) and
plan against delivery of an approved plan whose lines are delivered by that year's sessions.
Times are the median of BENCH_PLANNING_REPEATS (7); the statements each costs must not grow with
the data (six for the demand, five for plan against delivery).

`python -m benchmarks planning` (or `python -m benchmarks.planning`).
"""

import os
import random
import statistics
import time
from datetime import date, datetime

from sqlalchemy import func, insert, select, update

from benchmarks import dataset
from benchmarks.dashboard import counting

MUNICIPALITIES = 39
NEEDS_PER_MUNICIPALITY = 40
TOPICS = [
    "İmar mevzuatı",
    "imar mevzuati",
    "IMAR MEVZUATI",
    "Kamu ihale kanunu",
    "Protokol ve resmi yazışma",
    "Arşiv yönetimi",
    "Zabıta mevzuatı",
    "İş sağlığı ve güvenliği",
    "Afet yönetimi",
    "Sosyal medya yönetimi",
]


def _timed(repeats: int, call) -> float:
    call()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _prepare(h) -> tuple[int, int]:
    """Add municipalities up to 39, the needs call of next year with 40 needs each, interest,
    and an approved plan of the data set's year linked to half of that year's sessions."""
    from training_app.accounts.models import Person, Position
    from training_app.catalog.models import Course, Session, SessionStatus
    from training_app.core.turkish import search_key
    from training_app.extensions import db
    from training_app.municipalities.models import Municipality, MunicipalityKind
    from training_app.planning.models import (
        AnnualPlan,
        CourseInterest,
        Need,
        NeedPosition,
        NeedsCall,
        NeedStatus,
        PlanLine,
        PlanStatus,
    )

    rng = random.Random(14)
    have = db.session.scalar(select(func.count(Municipality.id)))
    for n in range(have, MUNICIPALITIES):
        db.session.add(
            Municipality(
                name=f"Üye Belediye {n + 1}", kind=MunicipalityKind.TOWN, province="Aksaray"
            )
        )
    db.session.flush()
    municipality_ids = list(
        db.session.scalars(select(Municipality.id).order_by(Municipality.id).limit(MUNICIPALITIES))
    )
    courses = list(db.session.execute(select(Course.id, Course.title).order_by(Course.id)))
    call = NeedsCall(year=h.year + 1, deadline=date(h.year, 12, 31))
    db.session.add(call)
    db.session.flush()
    now = datetime(h.year, 11, 1)
    needs, positions = [], []
    need_id = (db.session.scalar(select(func.max(Need.id))) or 0) + 1
    for mid in municipality_ids:
        for i in range(NEEDS_PER_MUNICIPALITY):
            course = courses[rng.randrange(len(courses))] if i % 2 else None
            topic = course.title if course else TOPICS[rng.randrange(len(TOPICS))]
            needs.append(
                {
                    "id": need_id,
                    "call_id": call.id,
                    "municipality_id": mid,
                    "status": NeedStatus.SUBMITTED.value,
                    "course_id": course.id if course else None,
                    "topic": topic,
                    "topic_key": search_key(topic),
                    "people_count": rng.randint(1, 25),
                    "priority": rng.choice(["high", "medium", "low"]),
                    "months_mask": 1 << rng.randrange(12),
                    "delivery": "either",
                    "submitted_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for position in rng.sample(list(Position), 2):
                positions.append({"need_id": need_id, "position": position.value})
            need_id += 1
    db.session.execute(insert(Need), needs)
    db.session.execute(insert(NeedPosition), positions)
    people = list(
        db.session.execute(
            select(Person.id, Person.municipality_id).order_by(Person.id).limit(3000)
        )
    )
    db.session.execute(
        insert(CourseInterest),
        [
            {
                "person_id": p.id,
                "course_id": courses[i % len(courses)].id,
                "municipality_id": p.municipality_id,
                "created_at": now,
            }
            for i, p in enumerate(people)
        ],
    )
    plan = AnnualPlan(
        year=h.year,
        version=1,
        status=PlanStatus.APPROVED,
        decision_date=date(h.year - 1, 11, 20),
        decision_number=f"{h.year - 1}/45",
    )
    db.session.add(plan)
    db.session.flush()
    sessions = list(
        db.session.execute(
            select(Session.id, Session.course_id, Session.starts_on).where(
                Session.starts_on >= date(h.year, 1, 1),
                Session.starts_on <= date(h.year, 12, 31),
                Session.status != SessionStatus.CANCELLED,
            )
        )
    )
    lines = {}
    for s in sessions:
        if s.course_id not in lines and len(lines) < 80:
            line = PlanLine(
                plan_id=plan.id,
                course_id=s.course_id,
                month=s.starts_on.month,
                sort_month=s.starts_on.month,
                city="Konya",
                planned_sessions=3,
                planned_capacity=90,
            )
            db.session.add(line)
            lines[s.course_id] = line
    db.session.flush()
    for i, s in enumerate(sessions):
        if s.course_id in lines and i % 2 == 0:
            db.session.execute(
                update(Session).where(Session.id == s.id).values(plan_line_id=lines[s.course_id].id)
            )
    db.session.commit()
    return call.id, plan.id


def run() -> dict:
    from training_app import create_app
    from training_app.extensions import db
    from training_app.planning import delivery, demand
    from training_app.planning.models import NeedsCall

    repeats = int(os.environ.get("BENCH_PLANNING_REPEATS", "7"))
    h = dataset.ensure()
    label = dataset.database_label(h.database_url)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": h.database_url, "MAIL_WORKER": "off", "PRINT_WORKER": "off"}
    )
    out = {"database": label, "repeats": repeats}
    with app.test_request_context():
        call_id, _plan_id = _prepare(h)
        call = db.session.get(NeedsCall, call_id)
        engine = db.engine
        with counting(engine) as counter:
            data = demand.consolidated_demand(call)
        out["demand"] = {
            "ms": _timed(repeats, lambda: demand.consolidated_demand(call)),
            "queries": counter["n"],
            "needs": MUNICIPALITIES * NEEDS_PER_MUNICIPALITY,
            "topics": len(data.topics),
        }
        with counting(engine) as counter:
            result = delivery.plan_delivery(h.year)
        out["delivery"] = {
            "ms": _timed(repeats, lambda: delivery.plan_delivery(h.year)),
            "queries": counter["n"],
            "lines": len(result.lines),
            "held": result.held,
            "outside": len(result.outside),
        }
        db.session.remove()
    engine.dispose()
    d, p = out["demand"], out["delivery"]
    print(
        f"  consolidated demand: {d['needs']:,} needs -> {d['topics']} topics, "
        f"{d['ms']:.1f} ms ({d['queries']} queries), {label}"
    )
    print(
        f"  plan against delivery: {p['lines']} lines, {p['held']} sessions held in the plan, "
        f"{p['outside']} outside, {p['ms']:.1f} ms ({p['queries']} queries)"
    )
    return out


if __name__ == "__main__":
    run()
