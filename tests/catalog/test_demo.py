"""The demo catalogue: realistic, idempotent, and consistent with the catalogue's rules."""

from sqlalchemy import func, select

from training_app.catalog.models import Category, Course, DocumentKind, Session, SessionStatus
from training_app.core.timeutil import local_today
from training_app.demo import load_demo_data
from training_app.extensions import db


def test_demo_catalogue_has_past_running_and_upcoming_sessions_and_is_idempotent(app):
    first = load_demo_data()
    db.session.commit()
    assert first["courses_added"] >= 20 and first["sessions_added"] >= 40
    assert db.session.scalar(select(func.count(Category.id))) == 9
    today = local_today()
    sessions = db.session.scalars(select(Session)).all()
    assert any(s.ends_on < today and s.status == SessionStatus.COMPLETED for s in sessions)
    assert sum(s.starts_on > today and s.status == SessionStatus.PUBLISHED for s in sessions) >= 15
    assert any(s.status == SessionStatus.CANCELLED for s in sessions)
    assert any(s.is_abroad for s in sessions)
    for session in sessions:
        assert session.meetings and session.starts_on <= session.meetings[0].day
        assert session.meetings[-1].day <= session.ends_on
        if session.status == SessionStatus.PUBLISHED:
            assert session.trainers
    # No trainer teaches two meetings at once.
    slots = [
        (p.id, m.day, m.starts_at)
        for s in sessions
        if s.status != SessionStatus.CANCELLED
        for p in s.trainers
        for m in s.meetings
    ]
    assert len(slots) == len(set(slots))
    second = load_demo_data()
    db.session.commit()
    assert second["courses_added"] == 0 and second["sessions_added"] == 0
    assert db.session.scalar(select(func.count(Course.id))) == first["courses_added"]


def test_demo_participant_has_documents_and_one_closed_session_awaits_issuing(app):
    from training_app.accounts.models import User
    from training_app.certificates.models import Certificate
    from training_app.enrollment.models import Registration

    load_demo_data()
    db.session.commit()
    main = db.session.scalar(select(User).where(User.email.like("katilimci@%")))
    held = db.session.scalars(
        select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.person_id == main.person.id)
    ).all()
    assert held and all(c.holder_name for c in held)
    closed = db.session.scalars(
        select(Session).where(Session.status == SessionStatus.COMPLETED, Session.seats_taken > 0)
    ).all()
    issued = set(db.session.scalars(select(Certificate.session_id)))
    awaiting = [
        s for s in closed if s.id not in issued and s.course.document_kind != DocumentKind.NONE
    ]
    assert awaiting
