"""iCalendar files per session and the personal feed; the trainer's view of their sessions."""

import re
from datetime import time, timedelta

from icalendar import Calendar

from training_app.accounts.models import Role
from training_app.catalog import services
from training_app.catalog.meetings import MeetingDetails, update_meeting
from training_app.catalog.models import SessionStatus
from training_app.catalog.sessions import cancel_session
from training_app.core.timeutil import local_today
from training_app.extensions import db


def events(body: bytes):
    calendar = Calendar.from_ical(body)
    return [c for c in calendar.walk("VEVENT")]


def test_session_ics_has_every_meeting_in_istanbul_time(client, make_session, make_course):
    day = local_today() + timedelta(days=7)
    session = make_session(
        course=make_course(title="İmar Uygulamaları"),
        starts_on=day,
        days=2,
        meetings=[(day, time(9), time(12)), (day + timedelta(days=1), time(13, 30), time(17))],
    )
    response = client.get(f"/catalogue/sessions/{session.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.data
    assert b"TZID=Europe/Istanbul" in body and b"BEGIN:VTIMEZONE" in body
    found = events(body)
    assert [str(e["SUMMARY"]) for e in found] == [
        "İmar Uygulamaları (1/2)",
        "İmar Uygulamaları (2/2)",
    ]
    first = found[0]["DTSTART"].dt
    assert (first.date(), first.hour, str(first.tzinfo)) == (day, 9, "Europe/Istanbul")
    assert found[1]["DTEND"].dt.hour == 17
    assert all(str(e["STATUS"]) == "CONFIRMED" for e in found)


def test_public_files_name_the_union_as_organizer_and_no_attendee(app, client, make_session):
    """PRODID and ORGANIZER carry the union's name with its Turkish letters (UTF-8); a file
    anyone can download names nobody as attendee."""
    session = make_session()
    for url in (f"/catalogue/sessions/{session.id}/calendar.ics", "/calendar.ics"):
        body = client.get(url).data
        assert "PRODID:-//Konya Belediyeler Birliği//Eğitim Yönetimi//TR".encode() in body
        calendar = Calendar.from_ical(body)
        assert str(calendar["PRODID"]) == "-//Konya Belediyeler Birliği//Eğitim Yönetimi//TR"
        found = calendar.walk("VEVENT")
        assert found
        for event in found:
            organizer = event["ORGANIZER"]
            assert str(organizer) == f"mailto:{app.config['MAIL_DEFAULT_SENDER']}"
            assert organizer.params["CN"] == "Konya Belediyeler Birliği"
            assert "ATTENDEE" not in event


def test_organizer_takes_the_address_out_of_a_named_sender(app, make_session):
    from training_app.catalog.calendar import session_attachment

    app.config["MAIL_DEFAULT_SENDER"] = "KBB Eğitim <egitim@kbb.example.org>"
    app.config["UNION_NAME"] = "Örnek Belediyeler Birliği"
    _name, _type, body = session_attachment(make_session(), ("ali@example.org", 'Ali "Veli" Işık'))
    calendar = Calendar.from_ical(body)
    assert str(calendar["PRODID"]) == "-//Örnek Belediyeler Birliği//Eğitim Yönetimi//TR"
    event = calendar.walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:egitim@kbb.example.org"
    assert event["ORGANIZER"].params["CN"] == "Örnek Belediyeler Birliği"
    assert str(event["ATTENDEE"]) == "mailto:ali@example.org"
    assert event["ATTENDEE"].params["CN"] == 'Ali "Veli" Işık'


def test_changes_raise_sequence_and_cancellation_is_marked(client, make_session):
    session = make_session()
    first = events(client.get(f"/catalogue/sessions/{session.id}/calendar.ics").data)
    update_meeting(
        session.meetings[0], MeetingDetails(session.starts_on, time(10), time(12)), by=None
    )
    db.session.commit()
    second = events(client.get(f"/catalogue/sessions/{session.id}/calendar.ics").data)
    assert second[0]["UID"] == first[0]["UID"]
    assert int(second[0]["SEQUENCE"]) > int(first[0]["SEQUENCE"])
    cancel_session(session, "Salon tadilatta.", by=None)
    db.session.commit()
    third = events(client.get(f"/catalogue/sessions/{session.id}/calendar.ics").data)
    assert all(str(e["STATUS"]) == "CANCELLED" for e in third)
    assert int(third[0]["SEQUENCE"]) > int(second[0]["SEQUENCE"])


def test_draft_session_has_no_calendar(client, make_session):
    draft = make_session(status=SessionStatus.DRAFT)
    assert client.get(f"/catalogue/sessions/{draft.id}/calendar.ics").status_code == 404


def test_personal_feed_lists_taught_meetings_with_a_secret_token(
    client, login_as, make_session, make_course
):
    user = login_as(Role.TRAINER, first_name="Gülsüm", last_name="Aydın")
    taught = make_session(course=make_course(title="Zabıta Hizmetleri"), trainers=[user.person])
    make_session(course=make_course(title="Başka Eğitim"))
    make_session(
        course=make_course(title="Taslak Eğitim"),
        status=SessionStatus.DRAFT,
        trainers=[user.person],
        starts_on=taught.starts_on + timedelta(days=30),
    )
    page = client.get("/my/calendar").get_data(as_text=True)
    url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
    assert "/calendar/" in url and url.endswith(".ics")
    path = url.split("localhost", 1)[1]
    client.post("/logout")
    body = client.get(path).data  # calendar apps do not log in
    summaries = [str(e["SUMMARY"]) for e in events(body)]
    assert summaries == ["Zabıta Hizmetleri (1/2)", "Zabıta Hizmetleri (2/2)"]
    # A new address makes the old one stop working.
    from tests.conftest import login

    login(client, user.email)
    client.post("/my/calendar/reset")
    assert client.get(path).status_code == 404
    assert client.get("/calendar/nonsense.ics").status_code == 404


def test_feed_sources_can_be_extended_by_later_features(make_session, make_user):
    from sqlalchemy import select

    from training_app.catalog.models import Session

    person = make_user().person
    attended = make_session()

    def registered(person_id):
        return select(Session.id).where(Session.id == attended.id)

    services.register_calendar_source(registered)
    try:
        assert services.calendar_sessions_for(person) == [attended]
    finally:
        services.CALENDAR_SOURCES.remove(registered)
    assert services.calendar_sessions_for(person) == []


def test_trainer_sees_todays_meetings_first(client, login_as, make_session, make_course):
    user = login_as(Role.TRAINER)
    today = local_today()
    make_session(
        course=make_course(title="Gelecek Hafta"),
        starts_on=today + timedelta(days=7),
        trainers=[user.person],
    )
    make_session(
        course=make_course(title="Bugünkü Eğitim"),
        starts_on=today,
        days=1,
        meetings=[(today, time(13), time(16))],
        trainers=[user.person],
    )
    make_session(
        course=make_course(title="Geçen Ay"),
        starts_on=today - timedelta(days=30),
        trainers=[user.person],
    )
    make_session(course=make_course(title="Başkasının Eğitimi"))
    page = client.get("/my/sessions").get_data(as_text=True)
    assert page.index("Bugün") < page.index("Bugünkü Eğitim") < page.index("Gelecek Hafta")
    assert page.index("Gelecek Hafta") < page.index("Geçen Ay")
    assert "13:00–16:00" in page
    assert "Başkasının Eğitimi" not in page


def test_only_trainers_have_my_sessions(client, login_as):
    login_as(Role.PARTICIPANT)
    assert client.get("/my/sessions").status_code == 403
