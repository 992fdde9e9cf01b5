"""Each person lands on their work: the home page shows one section per role held, and every
item links to the page where that work is done."""

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import event

from tests.conftest import PASSWORD, login
from training_app.accounts.models import Position, Role
from training_app.catalog.models import Delivery
from training_app.certificates import services as certificates
from training_app.certificates.models import PrintJob, PrintJobStatus
from training_app.core.timeutil import local_now, local_today, utcnow
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db
from training_app.privacy import services as privacy

S = RegistrationStatus


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section(html: str, element_id: str) -> str:
    """The HTML of the element with this id up to its closing tag of the same name."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"', html)
    assert match, f"#{element_id} is not on the page"
    tag = match.group(1)
    start = match.start()
    depth, pos = 0, start
    for m in re.finditer(rf"<(/?){tag}\b", html[start:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            pos = start + m.end()
            break
    return html[start:pos]


def links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def lands(client, url: str) -> str:
    """Follow a link from the home page: it opens (200) on the page where the work is done."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def move_to(session, day, start=time(9), end=time(12)):
    """Move a one-meeting session to another day and time (after people registered)."""
    session.meetings[0].day = day
    session.meetings[0].starts_at, session.meetings[0].ends_at = start, end
    session.starts_on = session.ends_on = day
    db.session.commit()


def now_meeting():
    """A meeting slot around the current Istanbul time, kept within today."""
    now = local_now()
    start = max(now - timedelta(minutes=10), datetime.combine(now.date(), time(0, 0)))
    end = min(now + timedelta(minutes=50), datetime.combine(now.date(), time(23, 59)))
    return (
        now.date(),
        start.time().replace(second=0, microsecond=0),
        end.time().replace(second=0, microsecond=0),
    )


# --- visitors --------------------------------------------------------------------------------


def test_visitors_see_the_next_six_trainings_and_the_catalogue_search(client, make_session):
    today = local_today()
    sessions = [make_session(starts_on=today + timedelta(days=3 + n)) for n in range(7)]
    make_session(starts_on=today - timedelta(days=3))  # already under way or past
    sessions[0].course.title = "Afet Yönetimi ve İlk Yardım"
    db.session.commit()
    html = page_of(client.get("/"))
    upcoming = section(html, "upcoming-trainings")
    shown = [int(n) for n in re.findall(r"/catalogue/sessions/(\d+)", upcoming)]
    assert shown == [s.id for s in sessions[:6]]
    assert "Yaklaşan eğitimler" in upcoming
    search = section(html, "home-search")
    assert 'action="/catalogue"' in search and 'name="q"' in search
    found = page_of(client.get("/catalogue?q=afet"))
    assert "Afet Yönetimi ve İlk Yardım" in found
    # The register and log-in cards stay.
    assert "/register" in links(html) and "/login" in links(html)
    for url in links(upcoming):
        lands(client, url)


# --- participant -----------------------------------------------------------------------------


def test_participant_sees_next_training_with_place_calendar_and_registration(
    client, make_user, make_session, make_venue, enrol
):
    user = make_user(Role.PARTICIPANT, email="ayse@example.org")
    venue = make_venue(name="Konya Kültür Merkezi")
    later = make_session(starts_on=local_today() + timedelta(days=20), requires_approval=False)
    first = make_session(
        starts_on=local_today() + timedelta(days=5), venue=venue, requires_approval=False
    )
    first.course.title = "Belediye Muhasebesi"
    db.session.commit()
    enrol(user, later)
    registration = enrol(user, first)
    login(client, user.email)
    html = page_of(client.get("/"))
    card = section(html, "next-training")
    assert "Sıradaki eğitiminiz" in card and "Belediye Muhasebesi" in card
    assert "Konya Kültür Merkezi" in card
    assert "09:00–12:00" in card
    assert "join-link" not in card  # a classroom session has no join link
    calendar = f"/catalogue/sessions/{first.id}/calendar.ics"
    assert calendar in links(card)
    response = client.get(calendar)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert f"/registrations/{registration.id}" in links(card)
    assert "Belediye Muhasebesi" in lands(client, f"/registrations/{registration.id}")


def test_join_link_shows_only_while_an_online_meeting_is_about_to_start_or_running(
    client, make_user, make_session, make_course, enrol
):
    user = make_user(Role.PARTICIPANT, email="ayse@example.org")
    course = make_course(delivery=Delivery.ONLINE)
    day, start, end = now_meeting()
    online = make_session(
        course=course,
        starts_on=day + timedelta(days=7),
        days=1,
        online_url="https://toplanti.example.org/oda-1",
        requires_approval=False,
    )
    enrol(user, online)
    move_to(online, day, start, end)
    login(client, user.email)
    card = section(page_of(client.get("/")), "next-training")
    assert "Çevrim içi oturuma katıl" in card
    assert "https://toplanti.example.org/oda-1" in links(card)
    # The same session a week away: no link yet.
    move_to(online, day + timedelta(days=7))
    card = section(page_of(client.get("/")), "next-training")
    assert "toplanti.example.org" not in card and "Çevrim içi oturum" in card


def test_participant_sees_applications_waiting_places_documents_and_what_is_open(
    client, make_user, make_session, make_course, participant, enrol, closed_session
):
    session, _admin, regs = closed_session(people=1)
    certificates.issue_certificates(session, None)
    db.session.commit()
    user = regs[0].person.user
    waiting = make_session(requires_approval=True)
    waiting.course.title = "İmar Mevzuatı"
    full = make_session(requires_approval=False, capacity=1)
    full.course.title = "Zabıta Hizmetleri"
    db.session.commit()
    enrol(participant(), full)  # takes the only seat
    pending = enrol(user, waiting)
    listed = enrol(user, full)
    assert listed.status == S.WAITLISTED
    today = local_today()
    open_to_staff = make_session(
        course=make_course(title="Kamu İhale Kanunu", positions={Position.STAFF}),
        starts_on=today + timedelta(days=1),
        days=1,
    )
    make_session(
        course=make_course(title="Başkanlar Semineri", positions={Position.MAYOR}),
        starts_on=today + timedelta(days=1),
        days=1,
    )
    far = make_session(starts_on=today + timedelta(days=45), days=1)
    login(client, user.email)
    html = page_of(client.get("/"))
    assert "İmar Mevzuatı" in section(html, "pending-applications")
    assert f"/registrations/{pending.id}" in links(section(html, "pending-applications"))
    places = section(html, "waiting-list")
    assert "Zabıta Hizmetleri" in places and "Yedek listede 1. sıradasınız" in places
    documents = section(html, "new-documents")
    certificate = certificates.valid_certificate_of(regs[0])
    document = f"/certificates/{certificate.id}/document.pdf"
    assert document in links(documents)
    response = client.get(document)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    open_now = section(html, "open-to-me")
    assert f"/catalogue/sessions/{open_to_staff.id}" in links(open_now)
    assert "Başkanlar Semineri" not in open_now
    assert f"/catalogue/sessions/{far.id}" not in links(open_now)
    # Sessions the person already applied for are not offered again.
    assert f"/catalogue/sessions/{waiting.id}" not in links(open_now)
    for url in links(section(html, "participant-home")):
        if url != document:
            lands(client, url)


def test_someone_else_s_records_never_reach_a_participant_s_home(
    client, make_user, make_session, enrol
):
    other = make_user(Role.PARTICIPANT, email="veli@example.org", first_name="Veli")
    session = make_session(requires_approval=True)
    session.course.title = "Başkasının Eğitimi"
    db.session.commit()
    enrol(other, session)
    user = make_user(Role.PARTICIPANT, email="ayse@example.org")
    login(client, user.email)
    html = page_of(client.get("/"))
    # Another person's application is not this person's: the session is only offered to apply.
    assert 'id="pending-applications"' not in html and 'id="next-training"' not in html
    assert "Başkasının Eğitimi" in section(html, "open-to-me")


# --- trainer ---------------------------------------------------------------------------------


def test_trainer_sees_today_first_with_a_roll_call_button_then_the_week_then_to_close(
    client, make_user, make_session
):
    trainer = make_user(Role.TRAINER, email="egitmen@example.org", municipality_name=None)
    day, start, end = now_meeting()
    today_session = make_session(
        starts_on=day, days=1, meetings=[(day, start, end)], trainers=[trainer.person]
    )
    today_session.course.title = "Bugünkü Eğitim"
    week = make_session(starts_on=day + timedelta(days=3), days=1, trainers=[trainer.person])
    week.course.title = "Haftaya Eğitim"
    ended = make_session(starts_on=day - timedelta(days=3), days=2, trainers=[trainer.person])
    ended.course.title = "Biten Eğitim"
    make_session(starts_on=day, days=1)  # someone else's
    db.session.commit()
    login(client, trainer.email)
    html = page_of(client.get("/"))
    trainer_part = section(html, "trainer-home")
    assert trainer_part.index("todays-meetings") < trainer_part.index("week-meetings")
    assert trainer_part.index("week-meetings") < trainer_part.index("trainer-to-close")
    today = section(html, "todays-meetings")
    assert "Bugünkü Eğitim" in today and "Yoklama al" in today and "btn-lg" in today
    roster = f"/attendance/meetings/{today_session.meetings[0].id}"
    assert links(today) == [roster]
    assert "Yoklama" in lands(client, roster)
    assert "Haftaya Eğitim" in section(html, "week-meetings")
    assert f"/attendance/meetings/{week.meetings[0].id}" in links(section(html, "week-meetings"))
    to_close = section(html, "trainer-to-close")
    assert "Biten Eğitim" in to_close
    assert links(to_close) == [f"/attendance/sessions/{ended.id}"]
    for url in links(trainer_part):
        lands(client, url)


# --- coordinator -----------------------------------------------------------------------------


@pytest.fixture
def coordinator_with_applications(make_user, make_session, participant, enrol):
    coordinator = make_user(
        Role.COORDINATOR, email="koordinator@example.org", municipality_name="Selçuklu"
    )
    session = make_session(requires_approval=True)
    session.course.title = "Yerel Yönetimler Mevzuatı"
    db.session.commit()
    first = enrol(participant(first_name="Birinci", last_name="Başvuran"), session)
    first.requested_at = utcnow() - timedelta(days=2)
    second = enrol(participant(first_name="İkinci", last_name="Başvuran"), session)
    enrol(participant(municipality_name="Meram", first_name="Meramlı", last_name="Kişi"), session)
    db.session.commit()
    return coordinator, session, first, second


def test_coordinator_sees_waiting_applications_oldest_first_and_only_their_own(
    client, coordinator_with_applications
):
    coordinator, _session, first, second = coordinator_with_applications
    login(client, coordinator.email)
    html = page_of(client.get("/"))
    assert "Kararınızı bekleyen başvurular: 2" in html
    waiting = section(html, "waiting-applications")
    assert waiting.index("Birinci Başvuran") < waiting.index("İkinci Başvuran")
    assert "Meramlı" not in waiting
    assert "Bekleyen tüm başvurular" in html
    assert "Birinci Başvuran" in lands(client, "/coordinator/requests")


def test_coordinator_approves_and_refuses_from_the_home_page(client, coordinator_with_applications):
    coordinator, _session, first, second = coordinator_with_applications
    login(client, coordinator.email)
    html = page_of(client.get("/"))
    waiting = section(html, "waiting-applications")
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf_token" '
        r'value="([^"]+)">\s*<input type="hidden" name="registration_ids" value="' + str(first.id),
        waiting,
    )
    assert form and form.group(1) == "/coordinator/requests"
    token = form.group(2)
    response = client.post(
        "/coordinator/requests",
        data={"csrf_token": token, "registration_ids": first.id, "decision": "approve"},
    )
    assert response.status_code == 302
    assert response.location.startswith("/coordinator/requests")
    db.session.refresh(first)
    assert first.status == S.CONFIRMED
    response = client.post(
        "/coordinator/requests",
        data={
            "csrf_token": token,
            "registration_ids": second.id,
            "decision": "refuse",
            "reason": "Kontenjan dolu",
        },
    )
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.status == S.REFUSED
    html = page_of(client.get("/"))
    assert "Kararınızı bekleyen başvurular: 0" in html
    assert 'id="waiting-applications"' not in html


def test_coordinator_sees_their_people_this_month_and_no_shows_to_follow(
    client, coordinator_with_applications, make_session, participant, enrol
):
    coordinator, _session, _first, _second = coordinator_with_applications
    today = local_today()
    now_session = make_session(starts_on=today + timedelta(days=5), days=1, requires_approval=False)
    now_session.course.title = "Bu Ayın Eğitimi"
    db.session.commit()
    enrol(participant(first_name="Gelen", last_name="Personel"), now_session)
    enrol(participant(municipality_name="Meram", first_name="Başka", last_name="İlçe"), now_session)
    move_to(now_session, today)
    past = make_session(starts_on=today + timedelta(days=5), days=1, requires_approval=False)
    past.course.title = "Geçen Eğitim"
    db.session.commit()
    absent = enrol(participant(first_name="Gelmeyen", last_name="Personel"), past)
    move_to(past, today - timedelta(days=20))
    absent.status = S.NO_SHOW
    db.session.commit()
    login(client, coordinator.email)
    html = page_of(client.get("/"))
    month = section(html, "month-trainings")
    assert "Gelen Personel" in month and "Bu Ayın Eğitimi" in month and "Başka İlçe" not in month
    assert "Personelinizin bu ayki eğitimleri: 1" in html
    no_shows = section(html, "no-shows")
    assert "Gelmeyen Personel" in no_shows and "Geçen Eğitim" in no_shows
    assert "Tamamlamayanlar, takip edilecek: 1" in html
    assert "Gelmeyen Personel" in lands(client, "/coordinator/registrations?status=no_show")
    for url in links(section(html, "coordinator-home")):
        lands(client, url)


# --- office ----------------------------------------------------------------------------------


def test_office_task_list_links_each_task_to_its_page_and_overdue_deletions_are_red(
    client, make_user, make_session, closed_session, participant, enrol
):
    session, admin, regs = closed_session(people=2)
    session.course.title = "Belgesi Bekleyen Eğitim"
    ended = make_session(starts_on=local_today() - timedelta(days=4), days=2)
    ended.course.title = "Kapanmamış Eğitim"
    job = PrintJob(
        status=PrintJobStatus.DONE,
        session_id=session.id,
        label="Selçuklu 2026",
        finished_at=utcnow(),
    )
    db.session.add(job)
    late = make_user(
        Role.PARTICIPANT, email="gec@example.org", first_name="Geciken", last_name="Talep"
    )
    request_late = privacy.request_deletion(late.person, "Lütfen silin")
    request_late.due_on = local_today() - timedelta(days=2)
    fresh = make_user(
        Role.PARTICIPANT, email="yeni@example.org", first_name="Yeni", last_name="Talep"
    )
    request_fresh = privacy.request_deletion(fresh.person, None)
    waiting = make_session(requires_approval=True)
    db.session.commit()
    enrol(participant(), waiting)
    admin.set_password(PASSWORD)
    db.session.commit()
    login(client, admin.email)
    html = page_of(client.get("/"))
    tasks = section(html, "office-tasks")
    assert "Eğitim dönemini kapatın: Kapanmamış Eğitim" in tasks
    assert f"/attendance/sessions/{ended.id}/close" in links(tasks)
    assert "2 belge düzenlenecek: Belgesi Bekleyen Eğitim" in tasks
    assert f"/certificates/sessions/{session.id}" in links(tasks)
    assert "Toplu basım indirilmeye hazır: Selçuklu 2026" in tasks
    assert f"/certificates/print-jobs/{job.id}" in links(tasks)
    assert "Karar bekleyen 1 başvuru" in tasks
    late_row = re.search(
        r'<li class="([^"]*)"[^>]*>\s*<a href="/admin/privacy/requests/' + str(request_late.id),
        tasks,
    )
    assert late_row and "list-group-item-danger" in late_row.group(1)
    fresh_row = re.search(
        r'<li class="([^"]*)"[^>]*>\s*<a href="/admin/privacy/requests/' + str(request_fresh.id),
        tasks,
    )
    assert fresh_row and "danger" not in fresh_row.group(1)
    assert tasks.index("Geciken Talep") < tasks.index("Yeni Talep")
    for url in links(tasks):
        lands(client, url)
    # Issuing the documents takes that task off the list.
    certificates.issue_certificates(session, admin)
    db.session.commit()
    assert "Belgesi Bekleyen Eğitim" not in section(page_of(client.get("/")), "office-tasks")


def test_office_with_nothing_to_do_is_told_so(client, make_user):
    admin = make_user(Role.ADMIN, email="ofis@example.org", municipality_name=None)
    login(client, admin.email)
    assert "Bekleyen iş yok." in page_of(client.get("/"))


def test_a_person_with_several_roles_gets_each_section(client, make_user):
    from tests.conftest import municipality
    from training_app.accounts.models import RoleAssignment

    user = make_user(Role.COORDINATOR, email="iki@example.org")
    user.roles.append(RoleAssignment(role=Role.PARTICIPANT))
    db.session.commit()
    login(client, user.email)
    html = page_of(client.get("/"))
    assert 'id="coordinator-home"' in html and 'id="participant-home"' in html
    assert 'id="trainer-home"' not in html and 'id="office-home"' not in html
    assert municipality("Selçuklu").name in html


# --- a fixed number of queries ---------------------------------------------------------------


def _count_queries(client) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page_of(client.get("/"))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_home_page_queries_do_not_grow_with_the_rows_shown(
    client, make_user, make_session, participant, enrol
):
    from training_app.accounts.models import RoleAssignment

    user = make_user(Role.COORDINATOR, email="hepsi@example.org")
    user.roles.append(RoleAssignment(role=Role.PARTICIPANT))
    user.roles.append(RoleAssignment(role=Role.TRAINER))
    user.roles.append(RoleAssignment(role=Role.ADMIN))
    db.session.commit()
    login(client, user.email)

    def add_rows():
        today = local_today()
        soon = today + timedelta(days=3)
        taught = make_session(
            starts_on=soon, days=1, trainers=[user.person], requires_approval=False
        )
        ended = make_session(starts_on=today - timedelta(days=3), days=1, trainers=[user.person])
        mine = make_session(starts_on=soon + timedelta(days=2), requires_approval=True)
        enrol(participant(), mine)
        enrol(participant(), taught)
        registration = db.session.get(Registration, enrol(user, mine).id)
        move_to(taught, today)
        return taught, ended, registration

    add_rows()
    before = _count_queries(client)
    for _ in range(3):
        add_rows()
    assert _count_queries(client) == before
