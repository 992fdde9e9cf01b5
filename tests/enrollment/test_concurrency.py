"""Many people apply at the same moment: never more confirmed than seats, no duplicate, no error.

Runs with real concurrent connections: on PostgreSQL (TEST_DATABASE_URL) against the test
database, on SQLite against a database file, each thread with its own connection.
"""

import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import USING_POSTGRES, build_app, next_tckn
from training_app.accounts.models import Person, Position, Role, RoleAssignment, User
from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
from training_app.core.errors import DomainError
from training_app.core.timeutil import local_today
from training_app.enrollment import services
from training_app.enrollment.models import Registration
from training_app.enrollment.models import RegistrationStatus as S
from training_app.extensions import db
from training_app.municipalities.models import Municipality
from training_app.municipalities.services import seed_member_municipalities

PEOPLE = 100
SEATS = 20


@pytest.fixture
def concurrent_app(app, tmp_path):
    """An app whose connections are real and separate, with a pool large enough for the threads."""
    if USING_POSTGRES:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    else:
        url = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
    other = build_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            # Within PostgreSQL's default limit of 100 connections.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 30, "max_overflow": 0, "pool_timeout": 60},
        }
    )
    with other.app_context():
        if not USING_POSTGRES:
            db.create_all()
            seed_member_municipalities()
            db.session.commit()
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _setup(capacity: int, quota: int | None = None) -> tuple[int, list[int]]:
    municipalities = list(db.session.scalars(select(Municipality).order_by(Municipality.id)))
    course = Course(
        code="EŞZ-1", title="Eşzamanlı Başvuru", category=Category(name="Test"), is_published=True
    )
    day = local_today() + timedelta(days=10)
    session = Session(
        course=course,
        starts_on=day,
        ends_on=day,
        city="Konya",
        capacity=capacity,
        municipality_quota=quota,
        status=SessionStatus.PUBLISHED,
        requires_approval=False,
    )
    session.meetings = [Meeting(day=day, starts_at=time(9), ends_at=time(17))]
    db.session.add(session)
    user_ids = []
    for n in range(PEOPLE):
        user = User(email=f"es{n}@example.org", password_hash="x")
        user.roles.append(RoleAssignment(role=Role.PARTICIPANT))
        person = Person(
            user=user,
            first_name=f"Kişi{n}",
            last_name="Eş",
            municipality=municipalities[n % len(municipalities)],
            position=Position.STAFF,
        )
        person.set_tckn(next_tckn())
        db.session.add(person)
        user_ids.append(user)
    db.session.commit()
    return session.id, [u.id for u in user_ids]


def _apply_all(app, session_id: int, user_ids: list[int]) -> list[str]:
    barrier = threading.Barrier(len(user_ids))
    errors: list[str] = []

    def apply(user_id):
        barrier.wait(timeout=60)
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                session = db.session.get(Session, session_id)
                services.enroll(user.person, session, by=user)
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                errors.append(f"refused: {error.message}")
            except Exception as error:  # noqa: BLE001 - any other failure is what we look for
                db.session.rollback()
                errors.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=apply, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _counts(session_id: int) -> dict:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.session_id == session_id)
        .group_by(Registration.status)
    ).all()
    return dict(rows)


def test_hundred_simultaneous_applications_for_twenty_seats(concurrent_app):
    with concurrent_app.app_context():
        session_id, user_ids = _setup(SEATS)
    errors = _apply_all(concurrent_app, session_id, user_ids)
    with concurrent_app.app_context():
        assert errors == []
        counts = _counts(session_id)
        assert counts == {S.CONFIRMED: SEATS, S.WAITLISTED: PEOPLE - SEATS}
        assert db.session.get(Session, session_id).seats_taken == SEATS
        positions = sorted(
            services.waitlist_position(r)
            for r in db.session.scalars(
                select(Registration).where(
                    Registration.session_id == session_id, Registration.status == S.WAITLISTED
                )
            )
        )
        assert positions == list(range(1, PEOPLE - SEATS + 1))


def test_the_same_person_clicking_five_times_at_once_registers_once(concurrent_app):
    with concurrent_app.app_context():
        session_id, user_ids = _setup(SEATS)
    errors = _apply_all(concurrent_app, session_id, [user_ids[0]] * 5)
    with concurrent_app.app_context():
        registrations = db.session.scalars(
            select(Registration).where(Registration.session_id == session_id)
        ).all()
        assert len(registrations) == 1 and registrations[0].status == S.CONFIRMED
        assert len(errors) == 4
        assert all(e.startswith("refused:") for e in errors), errors
