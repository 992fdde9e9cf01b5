"""The demo catalogue: realistic, idempotent, and consistent with the catalogue's rules."""

from sqlalchemy import func, select

from training_app.catalog.models import Category, Course, Session, SessionStatus
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
