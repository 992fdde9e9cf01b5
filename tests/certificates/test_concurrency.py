"""Admins clicking "issue" at the same moment: one valid document per registration, register
numbers sequential without gaps or duplicates, no error. Real concurrent connections: SQLite on
a database file, PostgreSQL when TEST_DATABASE_URL is set (see tests/enrollment)."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import next_tckn
from tests.enrollment.test_concurrency import concurrent_app  # noqa: F401  (fixture)
from training_app.accounts.models import Person, Position
from training_app.attendance.models import Completion
from training_app.catalog.models import Category, Course, DocumentKind, Session, SessionStatus
from training_app.certificates import services
from training_app.certificates.models import Certificate, CertificateStatus, Signatory
from training_app.core.timeutil import local_today
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db
from training_app.municipalities.models import Municipality

PEOPLE = 12
CLICKS = 6


def _closed_session(code: str) -> tuple[int, list[int]]:
    municipality = db.session.scalars(select(Municipality).order_by(Municipality.id)).first()
    day = local_today() - timedelta(days=2)
    session = Session(
        course=Course(
            code=code,
            title="Eşzamanlı Belge",
            category=Category(name=f"Test {code}"),
            is_published=True,
        ),
        starts_on=day,
        ends_on=day,
        city="Konya",
        capacity=PEOPLE,
        status=SessionStatus.COMPLETED,
    )
    db.session.add(session)
    if db.session.scalar(select(Signatory.id).limit(1)) is None:
        db.session.add(Signatory(name="Şükrü Öztürk", title="Birlik Başkanı"))
    registrations = []
    for n in range(PEOPLE):
        person = Person(
            first_name=f"Kişi{n}",
            last_name="Eş",
            position=Position.STAFF,
            municipality=municipality,
        )
        person.set_tckn(next_tckn())
        registration = Registration(
            session=session,
            person=person,
            municipality_id=municipality.id,
            status=RegistrationStatus.COMPLETED,
        )
        db.session.add(registration)
        registrations.append(registration)
    db.session.flush()
    for registration in registrations:
        db.session.add(
            Completion(
                registration_id=registration.id,
                attended_minutes=480,
                session_minutes=480,
                attendance_percent=100,
                document_kind=DocumentKind.ATTENDANCE,
            )
        )
    db.session.commit()
    return session.id, [r.id for r in registrations]


def _at_once(app, calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    errors: list[str] = []

    def run(call):
        barrier.wait(timeout=60)
        with app.app_context():
            try:
                call()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - any failure is what we look for
                db.session.rollback()
                errors.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _issue_session(session_id):
    return lambda: services.issue_certificates(db.session.get(Session, session_id), None)


def test_admins_issuing_a_session_at_once_issue_each_document_once(concurrent_app):  # noqa: F811
    with concurrent_app.app_context():
        first, first_regs = _closed_session("EŞZ-B1")
        second, second_regs = _closed_session("EŞZ-B2")
    calls = [_issue_session(first)] * CLICKS + [_issue_session(second)] * CLICKS
    errors = _at_once(concurrent_app, calls)
    with concurrent_app.app_context():
        assert errors == []
        per_registration = dict(
            db.session.execute(
                select(Certificate.registration_id, func.count())
                .where(Certificate.status == CertificateStatus.VALID)
                .group_by(Certificate.registration_id)
            ).all()
        )
        assert per_registration == {rid: 1 for rid in first_regs + second_regs}
        serials = sorted(db.session.scalars(select(Certificate.serial)))
        assert serials == list(range(1, 2 * PEOPLE + 1))  # sequential, no gap, no duplicate


def test_one_registration_clicked_at_once_gets_one_document(concurrent_app):  # noqa: F811
    with concurrent_app.app_context():
        _session_id, registration_ids = _closed_session("EŞZ-B3")
    registration_id = registration_ids[0]

    def issue_one():
        services.issue_certificate(db.session.get(Registration, registration_id), None)

    errors = _at_once(concurrent_app, [issue_one] * CLICKS)
    with concurrent_app.app_context():
        assert errors == []
        assert db.session.scalar(select(func.count(Certificate.id))) == 1
