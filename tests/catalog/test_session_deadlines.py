from datetime import datetime, timedelta

import pytest

from training_app.catalog.sessions import SessionDetails, create_session
from training_app.core.errors import DomainError
from training_app.core.timeutil import local_today


def _details(**overrides):
    start = local_today() + timedelta(days=20)
    values = {
        "starts_on": start,
        "ends_on": start + timedelta(days=1),
        "city": "Konya",
        "capacity": 20,
    }
    values.update(overrides)
    return SessionDetails(**values)


def test_enrolment_must_close_before_the_session_starts(make_course):
    course = make_course()
    start = local_today() + timedelta(days=20)
    late = datetime.combine(start + timedelta(days=5), datetime.min.time())
    with pytest.raises(
        DomainError, match="Başvurular eğitim döneminin ilk gününden önce kapanmalıdır."
    ):
        create_session(course, _details(enrolment_closes_at=late), by=None)
    with pytest.raises(
        DomainError, match="Son iptal tarihi eğitim döneminin ilk gününden önce olmalıdır."
    ):
        create_session(course, _details(cancellation_deadline=late), by=None)
    early = datetime.combine(start - timedelta(days=2), datetime.min.time())
    session = create_session(
        course, _details(enrolment_closes_at=early, cancellation_deadline=early), by=None
    )
    assert session.enrolment_closes_at == early


def test_a_refused_meeting_keeps_what_was_typed(client, login_as, make_session):
    from training_app.accounts.models import Role

    login_as(Role.ADMIN)
    session = make_session()
    day = session.starts_on.strftime("%Y-%m-%d")
    response = client.post(
        f"/admin/catalogue/sessions/{session.id}/meetings",
        data={"day": day, "starts_at": "14:00", "ends_at": "10:00", "topic": "İhale süreçleri"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="İhale süreçleri"' in page and 'value="14:00"' in page
