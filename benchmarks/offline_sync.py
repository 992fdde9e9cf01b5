"""Offline roster: time and queries to sync a batch of 300 marks made on a device without a network.

The batch goes through attendance.offline.sync_marks as the sync endpoint sends it, once fresh
(every mark saved; one person was marked later on the server, so that mark is kept in the
history only) and once again (every mark found as already received).
BENCH_DATABASE_URL chooses the database (default: a temporary SQLite file).
"""

import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock

PEOPLE = 300


def run() -> dict:
    from sqlalchemy import event

    from training_app import create_app
    from training_app.accounts.models import Person, Position, Role, RoleAssignment, User
    from training_app.attendance import offline, services
    from training_app.attendance.models import AttendanceStatus
    from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
    from training_app.core.timeutil import local_today
    from training_app.enrollment.models import Registration, RegistrationStatus
    from training_app.extensions import db
    from training_app.municipalities.models import Municipality
    from training_app.municipalities.services import seed_member_municipalities

    tmp = tempfile.TemporaryDirectory()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/offline.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_WORKER": "off"})
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        seed_member_municipalities()
        municipalities = list(db.session.scalars(db.select(Municipality)))
        trainer = User(email="egitmen@example.org", password_hash="x")
        trainer.roles.append(RoleAssignment(role=Role.TRAINER))
        trainer_person = Person(user=trainer, first_name="İsmail", last_name="Güneş")
        day = local_today() - timedelta(days=1)
        session = Session(
            course=Course(
                code="B-2", title="Afet Yönetimi", category=Category(name="Afet"), is_published=True
            ),
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=PEOPLE,
            seats_taken=PEOPLE,
            status=SessionStatus.PUBLISHED,
            meetings=[Meeting(day=day, starts_at=clock(9), ends_at=clock(17))],
            trainers=[trainer_person],
        )
        db.session.add_all([trainer, trainer_person, session])
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
        services.record_marks(
            meeting, {ids[0]: services.MarkInput(AttendanceStatus.EXCUSED)}, trainer
        )
        db.session.commit()
        made = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
        batch = [
            {
                "client_id": str(uuid.uuid4()),
                "meeting_id": meeting.id,
                "registration_id": rid,
                "status": "present" if i % 5 else "late",
                "minutes": None if i % 5 else 300,
                "made_at": made,
            }
            for i, rid in enumerate(ids)
        ]
        statements = []

        def count(*_args):
            statements.append(1)

        figures = {}
        for name in ("first", "again"):
            db.session.expire_all()
            statements.clear()
            event.listen(db.engine, "before_cursor_execute", count)
            began = time.perf_counter()
            results = offline.sync_marks(batch, db.session.get(User, trainer.id))
            db.session.commit()
            elapsed = time.perf_counter() - began
            event.remove(db.engine, "before_cursor_execute", count)
            outcome = {}
            for result in results:
                outcome[result["result"]] = outcome.get(result["result"], 0) + 1
            figures[name] = (elapsed * 1000, len(statements), outcome)
        db.session.remove()
        db.engine.dispose()
    tmp.cleanup()
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"offline sync benchmark: a batch of {PEOPLE} marks, {database}")
    for name, (ms, queries, outcome) in figures.items():
        print(f"  {name:6s} {ms:8.1f} ms, {queries} queries, {outcome}")
    return {
        "first_ms": figures["first"][0],
        "first_queries": figures["first"][1],
        "again_ms": figures["again"][0],
        "again_queries": figures["again"][1],
        "database": database,
    }


if __name__ == "__main__":
    run()
