"""Interest from people: "Bu eğitim açılınca haber ver", counted in the demand, mailed once."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from training_app.catalog import sessions as catalog_sessions
from training_app.catalog.models import SessionStatus
from training_app.core.errors import Conflict
from training_app.core.models import OutboxMessage
from training_app.core.timeutil import local_today
from training_app.extensions import db
from training_app.planning import demand, interest
from training_app.planning.models import CourseInterest


def mails(address):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def test_a_person_asks_on_a_course_page_without_an_open_session(client, participant, make_course):
    course = make_course(title="Afet ve Acil Durum Yönetimi")
    page = client.get(f"/catalogue/courses/{course.id}").get_data(as_text=True)
    assert "Giriş" in page and "açılınca haber alabilirsiniz" in page  # guests are sent to log in
    user = participant(municipality_name="Ilgın")
    login(client, user.email)
    page = client.get(f"/catalogue/courses/{course.id}").get_data(as_text=True)
    assert "Bu eğitim açılınca haber ver" in page
    client.post(f"/catalogue/courses/{course.id}/notify")
    client.post(f"/catalogue/courses/{course.id}/notify")  # twice: still one row
    assert db.session.scalar(select(func.count(CourseInterest.id))) == 1
    page = client.get(f"/catalogue/courses/{course.id}").get_data(as_text=True)
    assert "açılınca size e-posta göndereceğiz" in page


def test_no_box_and_a_refusal_while_a_session_is_open(client, participant, make_session):
    session = make_session()
    user = participant()
    login(client, user.email)
    page = client.get(f"/catalogue/courses/{session.course_id}").get_data(as_text=True)
    assert "Bu eğitim açılınca haber ver" not in page
    with pytest.raises(Conflict):
        interest.declare_interest(user.person, session.course, local_today())


def test_the_interested_are_mailed_once_when_a_session_is_published(
    participant, make_course, make_session, make_trainer, office
):
    course = make_course(title="Afet ve Acil Durum Yönetimi")
    waiting = [participant(municipality_name=m) for m in ("Ilgın", "Ilgın", "Çumra")]
    for user in waiting:
        interest.declare_interest(user.person, course, local_today())
    db.session.commit()
    counts = interest.interest_counts()
    assert sum(counts.values()) == 3

    day = local_today() + timedelta(days=20)
    first = make_session(
        course=course, status=SessionStatus.DRAFT, trainers=[make_trainer()], starts_on=day
    )
    catalog_sessions.publish_session(first, office)
    db.session.commit()
    for user in waiting:
        [mail] = mails(user.email)
        assert "Afet ve Acil Durum Yönetimi" in mail.subject
        assert f"/catalogue/sessions/{first.id}" in mail.body_text
    assert interest.interest_counts() == {}

    second = make_session(
        course=course,
        status=SessionStatus.DRAFT,
        trainers=[make_trainer(first_name="Zeynep")],
        starts_on=day + timedelta(days=30),
        meetings=[(day + timedelta(days=30), time(13), time(16))],
    )
    catalog_sessions.publish_session(second, office)
    db.session.commit()
    assert all(len(mails(user.email)) == 1 for user in waiting)


def test_interest_joins_the_demand_of_the_course(
    participant, make_course, open_call, coordinator, submit_need
):
    course = make_course(title="Afet ve Acil Durum Yönetimi")
    call = open_call()
    submit_need(call, coordinator("Meram"), topic=None, course_id=course.id, people=4)
    for name in ("Ilgın", "Çumra"):
        interest.declare_interest(participant(municipality_name=name).person, course, local_today())
    db.session.commit()
    [topic] = demand.consolidated_demand(call).topics
    assert (topic.label, topic.people, topic.interested, topic.municipalities) == (
        "Afet ve Acil Durum Yönetimi",
        4,
        2,
        3,
    )
