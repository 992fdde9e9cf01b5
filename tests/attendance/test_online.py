"""Online and hybrid sessions: the join link's audience and window, "Katıldım" with and without
a code, and Zoom / Teams participants reports matched to a roster."""

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import login
from training_app.accounts.models import Role
from training_app.attendance import online, platform_reports, services
from training_app.attendance.models import AttendanceMark, AttendanceStatus, MarkSource
from training_app.catalog.models import Delivery
from training_app.core.errors import DomainError
from training_app.core.uploads import UploadProblem
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db

DATA = Path(__file__).parent / "data"
LINK = "https://zoom.us/j/9876543210?pwd=gizliParola"
#: The meeting of the sample reports: 16.11.2026, 09:00-12:00.
REPORT_DAY = date(2026, 11, 16)


@pytest.fixture
def online_session(make_session, make_course, make_user):
    """make(meetings, delivery=ONLINE) -> (session, trainer, {first name: registration})."""

    def make(meetings, delivery=Delivery.ONLINE, people=None):
        trainer = make_user(
            Role.TRAINER,
            email="ismail.gunes@kbb.org.tr",
            first_name="İsmail",
            last_name="Güneş",
            municipality_name=None,
        )
        session = make_session(
            course=make_course(title="Belediye Mevzuatı", delivery=delivery),
            starts_on=meetings[0][0],
            days=(meetings[-1][0] - meetings[0][0]).days + 1,
            meetings=meetings,
            trainers=[trainer.person],
            requires_approval=False,
            capacity=10,
            online_url=LINK,
        )
        registrations = {}
        people = people or [
            ("Ayşe", "Yılmaz", "ayse.yilmaz@selcuklu.bel.tr"),
            ("Mehmet", "Çelik", "mcelik@meram.bel.tr"),
            ("İsmail", "Işık", "ismail.isik@cumra.bel.tr"),
        ]
        for first, last, email in people:
            user = make_user(Role.PARTICIPANT, email=email, first_name=first, last_name=last)
            registration = Registration(
                session=session,
                person=user.person,
                municipality_id=user.person.municipality_id,
                status=RegistrationStatus.CONFIRMED,
            )
            db.session.add(registration)
            registrations[first] = registration
        session.seats_taken = len(registrations)
        db.session.commit()
        return session, trainer, registrations

    return make


def _running_meeting_times():
    """A meeting that runs now (from 10 minutes ago for an hour), on the Istanbul clock."""
    now = online.local_now().replace(second=0, microsecond=0)
    start, end = now - timedelta(minutes=10), now + timedelta(minutes=50)
    if start.date() != end.date():
        pytest.skip("a meeting cannot run across midnight")
    return start.date(), start.time(), end.time()


# --- the join link: audience and window ---------------------------------------------------------


def test_join_link_window_is_30_minutes_before_to_the_end(online_session, make_user):
    day = date(2026, 12, 7)
    session, trainer, people = online_session([(day, time(9), time(12))])
    user = people["Ayşe"].person.user
    at = lambda h, m: datetime.combine(day, time(h, m))  # noqa: E731
    assert online.join_box(user, session, at(8, 29)).url is None
    assert online.join_box(user, session, at(8, 30)).url == LINK
    assert online.join_box(user, session, at(11, 59)).url == LINK
    assert online.join_box(user, session, at(12, 0)).url == LINK
    assert online.join_box(user, session, at(12, 1)) is None  # the last meeting is over
    box = online.join_box(user, session, at(8, 0))
    assert box.opens_at == at(8, 30) and not box.running


def test_join_link_of_each_meeting_of_a_hybrid_session(online_session):
    first, second = date(2026, 12, 7), date(2026, 12, 8)
    session, _trainer, people = online_session(
        [(first, time(9), time(12)), (second, time(14), time(17))], delivery=Delivery.HYBRID
    )
    user = people["Ayşe"].person.user
    between = online.join_box(user, session, datetime(2026, 12, 7, 20, 0))
    assert between.meeting.day == second and between.url is None
    assert online.join_box(user, session, datetime(2026, 12, 8, 13, 31)).url == LINK


def test_join_link_audience(online_session, make_user, app):
    day = date(2026, 12, 7)
    session, trainer, people = online_session([(day, time(9), time(12))])
    during = datetime.combine(day, time(10))
    other = make_user(Role.PARTICIPANT, email="baska@example.org")
    waitlisted = make_user(Role.PARTICIPANT, email="yedek@example.org")
    db.session.add(
        Registration(
            session=session,
            person=waitlisted.person,
            municipality_id=waitlisted.person.municipality_id,
            status=RegistrationStatus.WAITLISTED,
        )
    )
    office = make_user(Role.ADMIN, email="ofis@example.org")
    coordinator = make_user(Role.COORDINATOR, email="koord@example.org")
    other_trainer = make_user(Role.TRAINER, email="egitmen2@example.org")
    db.session.commit()

    class Guest:
        is_authenticated = False

    assert online.join_box(Guest(), session, during) is None
    for outsider in (other, waitlisted, coordinator, other_trainer):
        assert online.join_box(outsider, session, during) is None, outsider.email
    for insider in (people["Mehmet"].person.user, trainer, office):
        assert online.join_box(insider, session, during).url == LINK, insider.email
    # The trainer and the office join; only participants check in.
    assert online.join_box(trainer, session, during).registration is None


def test_classroom_session_has_no_join_box(online_session):
    day = date(2026, 12, 7)
    session, _trainer, people = online_session(
        [(day, time(9), time(12))], delivery=Delivery.CLASSROOM
    )
    assert online.join_box(people["Ayşe"].person.user, session, datetime(2026, 12, 7, 10)) is None


def test_session_page_and_home_show_the_link_only_to_the_audience(
    client, online_session, make_user
):
    day, start, end = _running_meeting_times()
    session, _trainer, people = online_session([(day, start, end)])
    page = f"/catalogue/sessions/{session.id}"
    assert "gizliParola" not in client.get(page).get_data(as_text=True)
    make_user(Role.PARTICIPANT, email="baska@example.org")
    login(client, "baska@example.org")
    for url in (page, "/"):
        assert "gizliParola" not in client.get(url).get_data(as_text=True)
    client.post("/logout")
    login(client, "ayse.yilmaz@selcuklu.bel.tr")
    for url in (page, "/"):
        html = client.get(url).get_data(as_text=True)
        assert "gizliParola" in html and "Katıldım" in html, url
    # Never in the public catalogue, the API, or the calendars (public and personal).
    calendar_page = client.get("/my/calendar").get_data(as_text=True)
    feed = calendar_page.split("/calendar/")[1].split(".ics")[0]
    for url in (
        "/catalogue",
        f"/api/v1/sessions/{session.id}",
        "/api/v1/sessions",
        f"/catalogue/sessions/{session.id}/calendar.ics",
        f"/calendar/{feed}.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "gizliParola" not in response.get_data(as_text=True), url


def test_home_page_boxes_before_and_in_the_window(online_session, make_user):
    day = date(2026, 12, 7)
    session, trainer, people = online_session([(day, time(9), time(12))])
    user = people["Ayşe"].person.user
    assert online.home_boxes(user, datetime(2026, 12, 6, 8, 0)) == []  # more than a day ahead
    (before,) = online.home_boxes(user, datetime(2026, 12, 6, 20, 0))
    assert before.url is None and before.opens_at == datetime(2026, 12, 7, 8, 30)
    (running,) = online.home_boxes(user, datetime(2026, 12, 7, 9, 15))
    assert running.url == LINK and running.can_check_in
    assert online.home_boxes(trainer, datetime(2026, 12, 7, 9, 15))[0].url == LINK
    office = make_user(Role.ADMIN, email="ofis@example.org")
    assert online.home_boxes(office, datetime(2026, 12, 7, 9, 15))[0].url == LINK
    other = make_user(Role.PARTICIPANT, email="baska@example.org")
    assert online.home_boxes(other, datetime(2026, 12, 7, 9, 15)) == []
    assert online.home_boxes(user, datetime(2026, 12, 7, 12, 5)) == []


def test_session_page_before_the_window_says_when_the_link_comes(client, online_session):
    later = online.local_now() + timedelta(hours=2)
    if later.date() != online.local_now().date() or later.hour > 21:
        pytest.skip("the meeting would run across midnight")
    start = later.time().replace(second=0, microsecond=0)
    end = time(later.hour + 1, start.minute)
    session, _trainer, _people = online_session([(later.date(), start, end)])
    login(client, "ayse.yilmaz@selcuklu.bel.tr")
    for url in (f"/catalogue/sessions/{session.id}", "/"):
        html = client.get(url).get_data(as_text=True)
        assert "gizliParola" not in html and "Katıldım" not in html, url
        assert "Katılım bağlantısı" in html and "itibarıyla burada görünür" in html, url


def test_reminder_mail_does_not_carry_the_link(online_session):
    from training_app.core.models import OutboxMessage
    from training_app.enrollment import reminders

    soon = online.local_now().date() + timedelta(days=2)
    online_session([(soon, time(9), time(12))])
    assert reminders.send_reminders(days_before=3) == 3
    bodies = [m.body_text for m in db.session.scalars(select(OutboxMessage))]
    assert bodies and all("gizliParola" not in body for body in bodies)
    assert all("30 dakika önce" in body for body in bodies)


# --- "Katıldım" ---------------------------------------------------------------------------------


def _mark(meeting, registration):
    return db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.meeting_id == meeting.id,
            AttendanceMark.registration_id == registration.id,
        )
    )


def test_katildim_while_the_meeting_runs(online_session):
    day = date(2026, 11, 16)
    session, _trainer, people = online_session([(day, time(9), time(12))])
    meeting = session.meetings[0]
    user = people["Ayşe"].person.user
    mark = online.attend_online(meeting, user, now=datetime(2026, 11, 16, 9, 5))
    db.session.commit()
    assert mark.status == AttendanceStatus.PRESENT and mark.source == MarkSource.ONLINE
    # Pressing again changes nothing.
    assert online.attend_online(meeting, user, now=datetime(2026, 11, 16, 9, 30)).id == mark.id
    # Late: the minutes left are counted, like a late arrival in the room.
    late = online.attend_online(
        meeting, people["Mehmet"].person.user, now=datetime(2026, 11, 16, 10, 30)
    )
    assert late.status == AttendanceStatus.LATE and late.minutes_attended == 90


@pytest.mark.parametrize("when", [datetime(2026, 11, 16, 8, 59), datetime(2026, 11, 16, 12, 1)])
def test_katildim_outside_the_meeting_is_refused(online_session, when):
    session, _trainer, people = online_session([(date(2026, 11, 16), time(9), time(12))])
    with pytest.raises(DomainError, match="while the meeting runs|sürerken"):
        online.attend_online(session.meetings[0], people["Ayşe"].person.user, now=when)
    assert _mark(session.meetings[0], people["Ayşe"]) is None


def test_katildim_needs_a_confirmed_registration(online_session, make_user):
    session, _trainer, _people = online_session([(date(2026, 11, 16), time(9), time(12))])
    other = make_user(Role.PARTICIPANT, email="baska@example.org")
    with pytest.raises(DomainError):
        online.attend_online(session.meetings[0], other, now=datetime(2026, 11, 16, 10))


def test_katildim_with_the_trainers_code(online_session):
    session, trainer, people = online_session([(date(2026, 11, 16), time(9), time(12))])
    meeting = session.meetings[0]
    code = online.new_online_code(meeting, trainer)
    db.session.commit()
    user = people["Ayşe"].person.user
    during = datetime(2026, 11, 16, 9, 10)
    for wrong in (None, "", "000000" if code != "000000" else "111111", "１２３４５６"):
        with pytest.raises(DomainError, match="code|kod"):
            online.attend_online(meeting, user, wrong, now=during)
    assert online.attend_online(meeting, user, f" {code} ", now=during).status == (
        AttendanceStatus.PRESENT
    )
    # A new code replaces the old one.
    old = code
    while (code := online.new_online_code(meeting, trainer)) == old:
        pass
    with pytest.raises(DomainError):
        online.attend_online(meeting, people["Mehmet"].person.user, old, now=during)


def test_katildim_button_over_http(client, online_session):
    day, start, end = _running_meeting_times()
    session, trainer, people = online_session([(day, start, end)])
    meeting = session.meetings[0]
    login(client, "ismail.gunes@kbb.org.tr")
    client.post(f"/online/meetings/{meeting.id}/code", data={"action": "new"})
    db.session.refresh(meeting)
    code = meeting.online_code
    roster = client.get(f"/attendance/meetings/{meeting.id}").get_data(as_text=True)
    assert code and code in roster
    client.post("/logout")
    login(client, "ayse.yilmaz@selcuklu.bel.tr")
    page = f"/catalogue/sessions/{session.id}"
    response = client.post(f"/online/meetings/{meeting.id}/attend", data={"next": page})
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert _mark(meeting, people["Ayşe"]) is None
    client.post(f"/online/meetings/{meeting.id}/attend", data={"code": code, "next": page})
    assert _mark(meeting, people["Ayşe"]).status == AttendanceStatus.PRESENT
    assert "Katılımınız kaydedildi" in client.get(page).get_data(as_text=True)


# --- platform reports ---------------------------------------------------------------------------


def _zoom_report():
    return platform_reports.parse_report((DATA / "zoom_participants.csv").read_bytes(), REPORT_DAY)


def _report_session(online_session):
    return online_session([(REPORT_DAY, time(9), time(12))])


def test_zoom_report_matched_to_the_roster(online_session):
    session, _trainer, people = _report_session(online_session)
    meeting = session.meetings[0]
    report = _zoom_report()
    assert report.platform == "Zoom" and len(report.rows) == 5
    preview = online.preview_report(meeting, report)
    found = {p.registration.person.first_name: p for p in preview.proposals}
    # E-mail; two rows overlapping by two minutes, clipped to 09:00-12:00.
    assert found["Ayşe"].matched_by == "email" and found["Ayşe"].minutes == 180
    assert found["Ayşe"].status == AttendanceStatus.PRESENT
    # Turkish-aware name: "MEHMET ÇELİK" joined with a private address.
    assert found["Mehmet"].matched_by == "name" and found["Mehmet"].minutes == 80
    assert (found["Mehmet"].status, found["Mehmet"].late_minutes) == (AttendanceStatus.LATE, 80)
    assert found["İsmail"].status == AttendanceStatus.ABSENT and found["İsmail"].minutes == 0
    assert sorted(p.name for p in preview.unmatched) == ["iPhone", "Şükrü Öztürk (Karatay Bld.)"]
    # Nothing written by the preview.
    assert db.session.scalars(select(AttendanceMark)).all() == []


def test_teams_report_matched_and_saved_with_an_unmatched_row_resolved(online_session):
    session, trainer, people = _report_session(online_session)
    meeting = session.meetings[0]
    data = (DATA / "teams_attendance.csv").read_bytes()
    assert data.startswith(b"\xff\xfe")  # UTF-16 as Teams writes it
    report = platform_reports.parse_report(data, REPORT_DAY)
    assert report.platform == "Teams"
    # The activities table (one row per join) is read, not the summary.
    assert len(report.rows) == 5
    preview = online.preview_report(meeting, report)
    found = {p.registration.person.first_name: p for p in preview.proposals}
    assert found["Ayşe"].minutes == 75 + 103 and found["Ayşe"].status == AttendanceStatus.PRESENT
    assert found["Mehmet"].matched_by == "name" and found["Mehmet"].late_minutes == 90
    assert [p.name for p in preview.unmatched] == ["Konuk Kullanıcı", "İsmail Güneş"]
    # The trainer says the guest was İsmail Işık; the trainer's own row is left out.
    guest = preview.unmatched[0]
    intervals = {p.registration.id: p.intervals for p in preview.proposals}
    intervals[people["İsmail"].id] += guest.intervals
    saved = online.save_report(meeting, intervals, trainer)
    db.session.commit()
    assert saved == 3
    marks = {m.registration_id: m for m in db.session.scalars(select(AttendanceMark))}
    assert marks[people["Ayşe"].id].status == AttendanceStatus.PRESENT
    assert marks[people["Mehmet"].id].minutes_attended == 90
    assert marks[people["İsmail"].id].status == AttendanceStatus.LATE
    assert marks[people["İsmail"].id].minutes_attended == 45
    assert {m.source for m in marks.values()} == {MarkSource.REPORT}


def test_report_keeps_marks_of_people_in_the_room_at_a_hybrid_meeting(online_session):
    session, trainer, people = online_session(
        [(REPORT_DAY, time(9), time(12))], delivery=Delivery.HYBRID
    )
    meeting = session.meetings[0]
    services.record_marks(
        meeting, {people["İsmail"].id: services.MarkInput(AttendanceStatus.PRESENT)}, trainer
    )
    report = _zoom_report()
    preview = online.preview_report(meeting, report)
    ismail = next(p for p in preview.proposals if p.registration.id == people["İsmail"].id)
    assert ismail.status is None  # in the room: kept
    intervals = {p.registration.id: p.intervals for p in preview.proposals}
    online.save_report(meeting, intervals, trainer)
    assert _mark(meeting, people["İsmail"]).status == AttendanceStatus.PRESENT


def test_online_minutes_count_towards_completion(online_session):
    session, trainer, people = _report_session(online_session)
    meeting = session.meetings[0]
    report = _zoom_report()
    preview = online.preview_report(meeting, report)
    intervals = {p.registration.id: p.intervals for p in preview.proposals}
    online.save_report(meeting, intervals, trainer)
    totals = services.attended_minutes_by_registration(session)
    assert totals[people["Ayşe"].id] == 180 and totals[people["Mehmet"].id] == 80
    # 80 of 180 minutes is below 80 %; 180 of 180 qualifies.
    assert services.qualifies(totals[people["Ayşe"].id], session.total_minutes, 80)
    assert not services.qualifies(totals[people["Mehmet"].id], session.total_minutes, 80)


def test_merged_minutes():
    assert platform_reports.merged_seconds([(0, 600), (300, 900), (1200, 1800)]) == 1500
    assert platform_reports.merged_seconds([(0, 60), (0, 60)]) == 60
    assert platform_reports.merged_seconds([]) == 0


@pytest.mark.parametrize(
    "data, message",
    [
        (b"Ad,Soyad,Belediye\nAyse,Yilmaz,Meram\n", "Beklenen"),
        ("Name\tJoin Time\tLeave Time\n".encode("utf-32"), "UTF-16"),
        (b"%PDF-1.4 rapor", "PDF"),
        (b"", "bo"),
        (
            b"Name (Original Name),User Email,Join Time,Leave Time\nAyse,a@b.c,dun,bugun\n",
            "okunamıyor",
        ),
        (b"Name (Original Name),User Email,Join Time,Leave Time\n", "katılımcı satırı"),
    ],
)
def test_bad_reports_get_a_clear_message(app, data, message):
    with app.test_request_context(), pytest.raises(UploadProblem) as problem:
        platform_reports.parse_report(data, REPORT_DAY)
    assert message in problem.value.message


def test_unknown_layout_message_names_the_expected_and_found_columns(app):
    with app.test_request_context(), pytest.raises(UploadProblem) as problem:
        platform_reports.parse_report("Katılımcı;Süre\nAyşe;30\n".encode(), REPORT_DAY)
    assert "Join Time" in problem.value.message and "Katılımcı, Süre" in problem.value.message


def test_report_upload_preview_then_confirm_over_http(client, online_session):
    session, _trainer, people = _report_session(online_session)
    meeting = session.meetings[0]
    login(client, "ismail.gunes@kbb.org.tr")
    url = f"/online/meetings/{meeting.id}/report"
    with (DATA / "zoom_participants.csv").open("rb") as report:
        response = client.post(url, data={"file": (report, "participants.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Şükrü Öztürk" in html
    assert db.session.scalars(select(AttendanceMark)).all() == []
    form = {"unmatched": "2", "u-0-to": str(people["İsmail"].id)}
    for p in online.preview_report(meeting, _zoom_report()).proposals:
        form[f"iv-{p.registration.id}"] = platform_reports.as_text(p.intervals)
    # The first unmatched row (iPhone or Şükrü, in the report's order) goes to İsmail.
    form["u-0-iv"] = "0-10800"
    response = client.post(url + "/confirm", data=form)
    assert response.status_code == 302
    assert _mark(meeting, people["İsmail"]).status == AttendanceStatus.PRESENT
    assert _mark(meeting, people["Mehmet"]).minutes_attended == 80
    with (DATA / "zoom_participants.csv").open("rb") as report:
        again = client.post(url, data={"file": (report, "katilimcilar.txt")})
    assert again.status_code == 200  # any file name: the content decides


def test_bad_report_upload_is_shown_on_the_form(client, online_session):
    import io

    session, _trainer, _people = _report_session(online_session)
    login(client, "ismail.gunes@kbb.org.tr")
    response = client.post(
        f"/online/meetings/{session.meetings[0].id}/report",
        data={"file": (io.BytesIO(b"Ad,Soyad\nAyse,Yilmaz\n"), "rapor.csv")},
    )
    assert response.status_code == 400
    assert "Beklenen" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 40,  # random bytes
        b"\x89PNG\r\n\x1a\n" + bytes(300),  # an image named .csv
        ("A" * 200_000).encode(),  # one huge field
        "Name\tJoin Time\tLeave Time\n".encode("utf-16-le"),  # UTF-16 without its BOM
        b"\xef\xbb\xbf" + "İşçiğüÖ;\x01\x02".encode() * 500,  # text in no known layout
    ],
    ids=["random", "png", "huge-field", "utf16-no-bom", "unknown-text"],
)
def test_hostile_report_files_get_a_message_never_a_500(client, online_session, content):
    import io

    session, _trainer, _people = _report_session(online_session)
    login(client, "ismail.gunes@kbb.org.tr")
    response = client.post(
        f"/online/meetings/{session.meetings[0].id}/report",
        data={"file": (io.BytesIO(content), "rapor.csv")},
    )
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.get_data(as_text=True) or "alert" in (
        response.get_data(as_text=True)
    )
    assert db.session.scalars(select(AttendanceMark)).all() == []


def test_hostile_numbers_in_the_report_confirmation_never_give_a_500(client, online_session):
    session, _trainer, _people = _report_session(online_session)
    login(client, "ismail.gunes@kbb.org.tr")
    url = f"/online/meetings/{session.meetings[0].id}/report/confirm"
    for form in (
        {"unmatched": str(10**30), "u-0-to": "-5", "u-0-iv": "x-y"},
        {"unmatched": "1", "u-0-to": str(2**64), "u-0-iv": "0-" + "9" * 400},
        {"unmatched": "١٢", "iv-1": "İşçi"},
    ):
        response = client.post(url, data=form)
        assert response.status_code < 500, form
