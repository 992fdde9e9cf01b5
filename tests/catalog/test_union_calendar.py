"""The public union calendar: a month of published sessions with the catalogue's filters, and
its iCal feed (no join links, cacheable)."""

from datetime import date, time, timedelta

from icalendar import Calendar

from training_app.catalog.models import Delivery, SessionStatus
from training_app.core.timeutil import local_today
from training_app.extensions import db


def next_month_first() -> date:
    today = local_today()
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def month_arg(first: date) -> str:
    return first.strftime("%Y-%m")


def test_month_view_lists_each_meeting_day_with_turkish_names(client, make_session, make_course):
    first = next_month_first()
    day = first + timedelta(days=9)
    session = make_session(
        course=make_course(title="İmar Uygulamaları"),
        starts_on=day,
        days=2,
        meetings=[(day, time(9), time(12)), (day + timedelta(days=1), time(13, 30), time(17))],
    )
    make_session(
        course=make_course(title="Taslak Eğitim"), starts_on=day, status=SessionStatus.DRAFT
    )
    make_session(course=make_course(title="Gizli Kurs", published=False), starts_on=day)
    page = client.get(f"/calendar?month={month_arg(first)}").get_data(as_text=True)
    months = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos",
              "Eylül", "Ekim", "Kasım", "Aralık"]  # fmt: skip
    assert f"{months[first.month - 1]} {first.year}" in page
    assert f'<time datetime="{day.isoformat()}">{day.day} {months[day.month - 1]}' in page
    assert "İmar Uygulamaları" in page and "1/2. oturum" in page and "13:30–17:00" in page
    assert f'href="/catalogue/sessions/{session.id}"' in page
    assert "Taslak Eğitim" not in page and "Gizli Kurs" not in page
    # Previous and next month links keep to neighbouring months.
    previous = (first - timedelta(days=1)).replace(day=1)
    assert f"month={month_arg(previous)}" in page
    assert f"month={month_arg(first + timedelta(days=31))[:7]}" in page
    # Another month does not show it.
    other = client.get(f"/calendar?month={month_arg(previous)}").get_data(as_text=True)
    assert "İmar Uygulamaları" not in other


def test_month_view_filters_like_the_catalogue_and_keeps_them_across_months(
    client, make_session, make_course
):
    first = next_month_first()
    day = first + timedelta(days=3)
    make_session(course=make_course(title="Zabıta Mevzuatı"), starts_on=day, city="Konya")
    make_session(
        course=make_course(title="Çevrim İçi Yazışma", delivery=Delivery.ONLINE),
        starts_on=day,
        city="Ankara",
    )
    base = f"/calendar?month={month_arg(first)}"
    page = client.get(base + "&q=zabita").get_data(as_text=True)
    assert "Zabıta Mevzuatı" in page and "Çevrim İçi Yazışma" not in page
    assert "q=zabita" in page  # the month links keep the search
    page = client.get(base + "&delivery=online").get_data(as_text=True)
    assert "Çevrim İçi Yazışma" in page and "Zabıta Mevzuatı" not in page
    page = client.get(base + "&city=ankara").get_data(as_text=True)
    assert "Çevrim İçi Yazışma" in page and "Zabıta Mevzuatı" not in page
    # Odd values are ignored, never an error.
    assert client.get("/calendar?month=99999-77&category=x&delivery=zzz").status_code == 200


def test_month_view_is_a_plain_list_that_fits_a_phone(client, make_session):
    first = next_month_first()
    make_session(starts_on=first + timedelta(days=1))
    page = client.get(f"/calendar?month={month_arg(first)}").get_data(as_text=True)
    assert 'class="list-group' in page and "<table" not in page
    assert 'aria-label="Aylar"' in page and 'rel="next"' in page


def test_feed_parses_and_holds_the_public_sessions_without_join_links(
    client, make_session, make_course
):
    day = local_today() + timedelta(days=5)
    online = make_session(
        course=make_course(title="Uzaktan Toplantı", delivery=Delivery.ONLINE),
        starts_on=day,
        days=1,
        online_url="https://meet.example.org/gizli-oda",
    )
    make_session(course=make_course(title="Taslak"), starts_on=day, status=SessionStatus.DRAFT)
    cancelled = make_session(course=make_course(title="İptal Edilen"), starts_on=day, days=1)
    cancelled.status = SessionStatus.CANCELLED
    db.session.commit()
    response = client.get("/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert b"gizli-oda" not in response.data
    calendar = Calendar.from_ical(response.data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Uzaktan Toplantı", "İptal Edilen"}
    assert str(events["İptal Edilen"]["STATUS"]) == "CANCELLED"
    assert (
        str(events["Uzaktan Toplantı"]["UID"])
        == f"meeting-{online.meetings[0].id}@"
        + str(events["Uzaktan Toplantı"]["UID"]).split("@", 1)[1]
    )
    # The same UID as the session's own calendar file.
    own = Calendar.from_ical(client.get(f"/catalogue/sessions/{online.id}/calendar.ics").data)
    assert own.walk("VEVENT")[0]["UID"] == events["Uzaktan Toplantı"]["UID"]
    # Filters as the catalogue.
    filtered = Calendar.from_ical(client.get("/calendar.ics?delivery=online").data)
    assert [str(e["SUMMARY"]) for e in filtered.walk("VEVENT")] == ["Uzaktan Toplantı"]
    that_month = day.replace(day=1)
    after = (that_month + timedelta(days=32)).replace(day=1)
    month = Calendar.from_ical(client.get(f"/calendar.ics?month={month_arg(that_month)}").data)
    assert len(month.walk("VEVENT")) == 2
    later = Calendar.from_ical(client.get(f"/calendar.ics?month={month_arg(after)}").data)
    assert later.walk("VEVENT") == []


def test_every_user_finds_their_calendar_address(client, login_as):
    login_as()
    home = client.get("/").get_data(as_text=True)
    assert 'id="my-calendar-link" href="/my/calendar"' in home
    profile = client.get("/profile").get_data(as_text=True)
    assert 'href="/my/calendar"' in profile
    page = client.get("/my/calendar").get_data(as_text=True)
    assert "/calendar/" in page and ".ics" in page
