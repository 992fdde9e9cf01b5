import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import login, next_tckn
from training_app.accounts.models import Person, Role
from training_app.enrollment.models import Registration
from training_app.enrollment.models import RegistrationStatus as S
from training_app.extensions import db


def test_participant_applies_from_the_session_page_and_sees_it_in_my_trainings(
    client, make_session, participant
):
    session = make_session(capacity=1, requires_approval=False)
    first = participant()
    login(client, first.email)
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Başvur" in page
    page = client.post(f"/sessions/{session.id}/apply", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Kaydınız onaylandı." in page
    page = client.get("/my/trainings").get_data(as_text=True)
    assert "Yaklaşan eğitimler" in page and f"/catalogue/sessions/{session.id}/calendar.ics" in page
    client.post("/logout")
    second = participant()
    login(client, second.email)
    page = client.post(f"/sessions/{session.id}/apply", follow_redirects=True).get_data(
        as_text=True
    )
    assert "yedek listede 1. sıradasınız" in page
    page = client.get("/my/trainings").get_data(as_text=True)
    assert "Yedek listede 1. sıradasınız." in page and session.course.title in page


def test_refused_application_shows_the_reason_on_the_session_page(
    client, make_session, make_course, participant
):
    from training_app.accounts.models import Position

    session = make_session(course=make_course(positions={Position.MAYOR}))
    login(client, participant().email)
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Bu eğitim yalnızca şu görevlere açıktır: Belediye Başkanı." in page


def test_coordinator_approves_many_and_refusal_needs_a_reason(
    client, make_session, participant, make_user, enrol
):
    session = make_session(capacity=5, requires_approval=True)
    regs = [enrol(participant("Ilgın"), session) for _ in range(3)]
    foreign = enrol(participant("Meram"), session)
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Ilgın")
    login(client, coordinator.email)
    page = client.get("/coordinator/requests").get_data(as_text=True)
    assert all(r.person.full_name in page for r in regs)
    assert foreign.person.full_name not in page
    response = client.post(
        "/coordinator/requests",
        data={"registration_ids": [regs[0].id, regs[1].id], "decision": "refuse", "reason": ""},
    )
    assert response.status_code == 400
    assert "Ret gerekçesini yazın." in response.get_data(as_text=True)
    page = client.post(
        "/coordinator/requests",
        data={"registration_ids": [regs[0].id, regs[1].id, foreign.id], "decision": "approve"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "2 başvuru onaylandı; kayıtları kesinleşti." in page
    statuses = {r.id: r.status for r in db.session.scalars(select(Registration))}
    assert statuses[regs[0].id] == statuses[regs[1].id] == S.CONFIRMED
    assert statuses[regs[2].id] == statuses[foreign.id] == S.PENDING_APPROVAL


def test_approve_or_refuse_one_row_and_the_message_counts_the_waiting_list(
    client, make_session, participant, make_user, enrol
):
    session = make_session(capacity=1, requires_approval=True)
    first, second, third = (enrol(participant("Ilgın"), session) for _ in range(3))
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Ilgın")
    login(client, coordinator.email)
    page = client.get("/coordinator/requests").get_data(as_text=True)
    assert f'name="approve_one" value="{first.id}"' in page
    assert f'name="refuse_one" value="{third.id}"' in page
    # The row's own button decides that application alone, whatever else is ticked.
    page = client.post(
        "/coordinator/requests",
        data={
            "registration_ids": [second.id],
            "decision": "refuse",
            "reason": "Kontenjan",
            "refuse_one": str(third.id),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 başvuru reddedildi." in page
    statuses = {r.id: r.status for r in db.session.scalars(select(Registration))}
    assert statuses == {first.id: S.PENDING_APPROVAL, second.id: S.PENDING_APPROVAL,
                        third.id: S.REFUSED}  # fmt: skip
    page = client.post(
        "/coordinator/requests",
        data={"registration_ids": [first.id, second.id], "decision": "approve"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 başvuru onaylandı, 1 başvuru yedek listeye alındı (eğitimde yer kalmamıştı)." in page


def test_a_long_inbox_comes_in_pages_and_a_decision_on_page_two_works(
    client, make_session, participant, make_user, enrol, monkeypatch
):
    from training_app.enrollment import views

    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 4)
    session = make_session(capacity=20, requires_approval=True)
    regs = [enrol(participant("Ilgın", last_name=f"Soyad{n:02d}"), session) for n in range(6)]
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Ilgın")
    login(client, coordinator.email)
    first = client.get("/coordinator/requests").get_data(as_text=True)
    second = client.get("/coordinator/requests?page=2").get_data(as_text=True)
    assert [f"Soyad{n:02d}" in first for n in range(6)] == [True] * 4 + [False] * 2
    assert [f"Soyad{n:02d}" in second for n in range(6)] == [False] * 4 + [True] * 2
    assert "6 başvuru bekliyor" in first and 'href="/coordinator/requests?page=2"' in first
    response = client.post(
        "/coordinator/requests?page=2",
        data={"registration_ids": [regs[5].id], "decision": "approve"},
    )
    assert response.headers["Location"].endswith("/coordinator/requests?page=2")
    db.session.expire_all()
    assert db.session.get(Registration, regs[5].id).status == S.CONFIRMED
    assert db.session.get(Registration, regs[4].id).status == S.PENDING_APPROVAL
    # Deciding the last one of the last page leads back to a page that has applications.
    client.post(
        "/coordinator/requests?page=2",
        data={"registration_ids": [regs[4].id], "decision": "approve"},
    )
    emptied = client.get("/coordinator/requests?page=2")
    assert emptied.status_code == 302 and emptied.headers["Location"].endswith("?page=1")


def test_nobody_can_cancel_someone_elses_registration_by_changing_the_id(
    client, make_session, participant, make_user, enrol
):
    session = make_session(requires_approval=False)
    registration = enrol(participant(), session)
    login(client, participant().email)
    assert client.post(f"/registrations/{registration.id}/cancel").status_code == 404
    client.post("/logout")
    other_coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Meram")
    login(client, other_coordinator.email)
    assert (
        client.post(f"/registrations/{registration.id}/cancel", data={"reason": "x"}).status_code
        == 404
    )
    db.session.refresh(registration)
    assert registration.status == S.CONFIRMED


def test_coordinator_nominates_people_of_their_municipality(
    client, make_session, participant, make_user
):
    session = make_session(requires_approval=True)
    mine = participant("Ilgın")
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Ilgın")
    login(client, coordinator.email)
    page = client.get("/coordinator/nominate").get_data(as_text=True)
    assert mine.person.full_name in page
    page = client.post(
        "/coordinator/nominate",
        data={"session_id": session.id, "person_ids": [mine.person.id]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 kişi kaydedildi, 0 kişi yedek listede." in page
    assert db.session.scalar(select(Registration.status)) == S.CONFIRMED


def test_roster_is_in_turkish_order_with_masked_ids_and_exports(
    client, make_session, participant, make_user, enrol
):
    session = make_session(requires_approval=False)
    for last in ("Şahin", "Çelik", "Sarı", "Cem", "İnce", "Işık"):
        enrol(participant(last_name=last), session)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    page = client.get(f"/admin/sessions/{session.id}/roster").get_data(as_text=True)
    order = [page.index(last) for last in ("Cem", "Çelik", "Işık", "İnce", "Sarı", "Şahin")]
    assert order == sorted(order)
    people = db.session.scalars(select(Person).where(Person.last_name == "Sarı")).all()
    assert people[0].reveal_tckn() not in page and people[0].tckn_masked in page

    csv_response = client.get(f"/admin/sessions/{session.id}/roster.csv")
    text = csv_response.get_data(as_text=True)
    assert text.startswith("\ufeff") and "Ad;Soyad;T.C. Kimlik No" in text
    assert people[0].reveal_tckn() not in text and people[0].tckn_masked in text

    xlsx = client.get(f"/admin/sessions/{session.id}/roster.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet["A1"].value == session.course.title
    last_names = [sheet.cell(row=r, column=3).value for r in range(3, 9)]
    assert last_names == ["Cem", "Çelik", "Işık", "İnce", "Sarı", "Şahin"]


def _csv(rows, delimiter=";", bom=True):
    header = delimiter.join(["T.C. Kimlik No", "Ad", "Soyad", "Belediye", "Görev", "E-posta"])
    body = "\r\n".join([header] + [delimiter.join(r) for r in rows]) + "\r\n"
    return ("\ufeff" if bom else "") + body


def test_import_reports_every_bad_row_before_writing_anything(client, make_session, make_user):
    session = make_session(requires_approval=True)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    good = next_tckn()
    content = _csv(
        [
            [good, "Ayşe", "Öztürk", "Çumra Belediyesi", "Personel", ""],
            ["12345678901", "Ali", "Kaya", "Meram", "Personel", ""],
            [good, "Ayşe", "Öztürk", "Çumra", "Personel", ""],
            [next_tckn(), "Veli", "Er", "Kadıköy", "Personel", ""],
            [next_tckn(), "Can", "Er", "Hadım", "personel", ""],  # a common misspelling of Hadim
            [next_tckn(), "Nur", "Ak", "Meram", "personel", "adres-degil"],
        ]
    )
    response = client.post(
        f"/admin/sessions/{session.id}/roster/import",
        data={"file": (io.BytesIO(content.encode()), "liste.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "6 satırdan 4 tanesinde hata var. Henüz hiçbir şey içe aktarılmadı." in page
    assert "Geçersiz e-posta adresi: “adres-degil”." in page
    assert "Geçersiz T.C. Kimlik No." in page
    assert "2. satırın tekrarı." in page
    assert "Bilinmeyen belediye: “Kadıköy”." in page
    assert good not in page
    assert db.session.scalar(select(Registration)) is None
    action = re.search(r'action="(/admin/sessions/\d+/roster/import/\d+)"', page).group(1)
    page = client.post(action, follow_redirects=True).get_data(as_text=True)
    assert "2 kayıt içe aktarıldı." in page
    names = sorted(r.person.first_name for r in db.session.scalars(select(Registration)))
    assert names == ["Ayşe", "Can"]


def test_import_of_a_clean_file_registers_everyone_in_one_go(
    client, make_session, make_user, participant
):
    session = make_session(capacity=2, requires_approval=True)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    known = participant("Ilgın")
    login(client, admin.email)
    content = _csv(
        [
            [
                known.person.reveal_tckn(),
                known.person.first_name,
                known.person.last_name,
                "ILGIN",
                "",
                "",
            ],
            [next_tckn(), "Gülşen", "Ünal", "cumra", "Birim Amiri", "gulsen.unal@cumra.bel.tr"],
            [next_tckn(), "Oğuz", "Şen", "Konya Büyükşehir Belediyesi", "personel", ""],
        ],
        delimiter=",",
        bom=False,
    )
    response = client.post(
        f"/admin/sessions/{session.id}/roster/import",
        data={"file": (io.BytesIO(content.encode("utf-8")), "liste.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "3 satırın tümü doğru." in page
    import re

    action = re.search(r'action="(/admin/sessions/\d+/roster/import/\d+)"', page).group(1)
    page = client.post(action, follow_redirects=True).get_data(as_text=True)
    assert "3 kayıt içe aktarıldı." in page
    statuses = sorted(r.status.value for r in db.session.scalars(select(Registration)))
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    gulsen = db.session.scalar(select(Person).where(Person.first_name == "Gülşen"))
    assert gulsen.municipality.name == "Çumra" and gulsen.user.email == "gulsen.unal@cumra.bel.tr"
    oguz = db.session.scalar(select(Person).where(Person.first_name == "Oğuz"))
    assert oguz.user is None  # no address in the file: no account
    from training_app.core.models import OutboxMessage

    invitation = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "gulsen.unal@cumra.bel.tr")
    )
    assert "/password/reset/" in invitation.body_text


def test_a_registration_shows_its_history_to_the_coordinator(
    client, make_session, participant, make_user, enrol
):
    session = make_session(requires_approval=True)
    user = participant("Ilgın", first_name="Gönül", last_name="Işık")
    registration = enrol(user, session)
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Ilgın")
    from training_app.enrollment import services

    services.refuse(registration, coordinator, "Kontenjan birime ayrıldı")
    db.session.commit()
    login(client, coordinator.email)
    page = client.get(f"/registrations/{registration.id}").get_data(as_text=True)
    assert "Gönül Işık" in page and "Kontenjan birime ayrıldı" in page
    history = page[page.index("Geçmiş") :]
    assert (
        history.index("Başvuru alındı")
        < history.index("Belediye onayı bekleniyor")
        < history.index("Reddedildi")
    )


def test_the_inbox_shows_when_people_applied_in_istanbul_time(
    client, make_session, participant, make_user, enrol
):
    from datetime import datetime

    registration = enrol(participant("Ilgın"), make_session(requires_approval=True))
    registration.requested_at = datetime(2026, 3, 1, 21, 30)  # stored in UTC
    db.session.commit()
    login(client, make_user(Role.COORDINATOR, email="c@example.org", coordinated="Ilgın").email)
    assert "02.03.2026 00:30" in client.get("/coordinator/requests").get_data(as_text=True)
