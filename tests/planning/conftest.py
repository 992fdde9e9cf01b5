"""Planning tests: needs calls with coordinators, courses, plans, and closed sessions (the
reports' `hold` fixture) to deliver them."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from tests.conftest import municipality
from tests.reports.conftest import (  # noqa: F401
    hold,  # noqa: F401  (fixtures)
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
    participant,
    signatories,
    taught_session,
)
from training_app.accounts.models import Position, Role
from training_app.core.timeutil import local_today
from training_app.extensions import db
from training_app.planning import needs, plans
from training_app.planning.needs import NeedDetails
from training_app.planning.plans import LineDetails

NEXT_YEAR = local_today().year + 1


@contextmanager
def count_queries():
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


@pytest.fixture
def office(make_user):
    return make_user(Role.ADMIN, email="egitim.birimi@example.org", municipality_name=None)


@pytest.fixture
def coordinator(make_user):
    """coordinator("Ilgın") -> a coordinator user of that municipality."""
    made = {}

    def factory(name: str = "Selçuklu"):
        if name not in made:
            n = len(made) + 1
            made[name] = make_user(
                Role.COORDINATOR,
                email=f"koordinator{n}@example.org",
                municipality_name=name,
                coordinated=name,
                first_name=f"Sorumlu{n}",
            )
        return made[name]

    return factory


@pytest.fixture
def open_call(office):
    def factory(year: int = NEXT_YEAR, deadline: date | None = None, message=None):
        call = needs.open_call(
            year, deadline or local_today() + timedelta(days=30), message, local_today(), office
        )
        db.session.commit()
        return call

    return factory


def need_details(topic="İmar Mevzuatı", people=5, positions=(Position.STAFF,), **fields):
    return NeedDetails(topic=topic, people_count=people, positions=list(positions), **fields)


@pytest.fixture
def submit_need():
    """submit_need(call, coordinator_user, topic=..., people=..., municipality=None, **fields)."""

    def do(call, user, municipality_name=None, submit=True, **fields):
        mid = (
            municipality(municipality_name).id
            if municipality_name
            else next(iter(user.coordinated_municipality_ids))
        )
        need = needs.save_need(call, mid, need_details(**fields), submit, local_today(), user)
        db.session.commit()
        return need

    return do


def line_details(course, month=3, city="Konya", capacity=30, sessions=1, **fields):
    return LineDetails(
        course_id=course.id,
        city=city,
        planned_capacity=capacity,
        planned_sessions=sessions,
        month=month,
        **fields,
    )


@pytest.fixture
def approved_plan(office):
    """approved_plan(year, courses) -> an approved plan with one line per course (March on)."""

    def make(year, courses, number="2026/45"):
        plan = plans.create_plan(year, office)
        for i, course in enumerate(courses):
            plans.add_line(plan, line_details(course, month=(i % 12) + 1), office)
        plans.approve_plan(plan, date(year - 1, 11, 20), number, office)
        db.session.commit()
        return plan

    return make
