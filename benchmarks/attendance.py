"""Attendance: time to save the marks of a 300-person roster, and to close a session of 300.

BENCH_DATABASE_URL chooses the database (default: a temporary SQLite file).
"""

import os
import tempfile
import time
from datetime import time as clock
from datetime import timedelta

PEOPLE = 300


def run() -> dict:
    from training_app import create_app
    from training_app.accounts.models import Person, Position, Role, RoleAssignment, User
    from training_app.attendance import services
    from training_app.attendance.models import AttendanceStatus
    from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
    from training_app.core.timeutil import local_today
    from training_app.enrollment.models import Registration, RegistrationStatus
    from training_app.extensions import db
    from training_app.municipalities.models import Municipality
    from training_app.municipalities.services import seed_member_municipalities

    tmp = tempfile.TemporaryDirectory()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/attendance.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_WORKER": "off"})
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        seed_member_municipalities()
        municipalities = list(db.session.scalars(db.select(Municipality)))
        admin = User(email="admin@example.org", password_hash="x")
        admin.roles.append(RoleAssignment(role=Role.ADMIN))
        day = local_today() - timedelta(days=1)
        session = Session(
            course=Course(
                code="B-1",
                title="Yangın Güvenliği",
                category=Category(name="Afet"),
                is_published=True,
            ),
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=PEOPLE,
            seats_taken=PEOPLE,
            status=SessionStatus.PUBLISHED,
            meetings=[Meeting(day=day, starts_at=clock(9), ends_at=clock(17))],
        )
        db.session.add_all([admin, session])
        for n in range(PEOPLE):
            person = Person(
                first_name=f"Kişi{n}",
                last_name="Deneme",
                position=Position.STAFF,
                municipality=municipalities[n % len(municipalities)],
            )
            db.session.add(
                Registration(
                    session=session,
                    person=person,
                    status=RegistrationStatus.CONFIRMED,
                    municipality_id=person.municipality.id,
                )
            )
        db.session.commit()
        meeting = session.meetings[0]
        ids = [line.registration.id for line in services.roster(meeting)]
        marks = {
            rid: services.MarkInput(
                AttendanceStatus.PRESENT if i % 5 else AttendanceStatus.LATE,
                300 if i % 5 == 0 else None,
            )
            for i, rid in enumerate(ids)
        }
        began = time.perf_counter()
        services.record_marks(meeting, marks, admin)
        db.session.commit()
        marking = time.perf_counter() - began
        began = time.perf_counter()
        services.close_session(session, {}, admin)
        db.session.commit()
        closing = time.perf_counter() - began
        db.session.remove()
        db.engine.dispose()
    tmp.cleanup()
    print(f"attendance benchmark: {PEOPLE} participants, {url.split('://')[0]}")
    print(f"  save all {PEOPLE} marks:      {marking * 1000:8.1f} ms")
    print(f"  close a session of {PEOPLE}:  {closing * 1000:8.1f} ms")
    return {
        "marking_ms": marking * 1000,
        "closing_ms": closing * 1000,
        "database": "PostgreSQL" if url.startswith("postgresql") else "SQLite",
    }
