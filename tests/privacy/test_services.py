"""Personal-data services: the archive, deletion requests, anonymisation, notice versions."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import PASSWORD
from training_app.accounts.models import PrivacyNotice, Role
from training_app.catalog.models import SessionStatus
from training_app.certificates.models import Certificate
from training_app.core import audit
from training_app.core.errors import Conflict, DomainError, InvalidTransition, NotAllowed
from training_app.core.models import AuditEntry, OutboxMessage
from training_app.core.timeutil import local_today
from training_app.enrollment import services as enrollment
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db
from training_app.privacy import data_copy, services
from training_app.privacy.models import ANSWER_WITHIN_DAYS, DeletionRequestStatus


def _archive(person, by=None) -> zipfile.ZipFile:
    data = data_copy.personal_data_archive(person, by=by or person.user)
    db.session.commit()
    return zipfile.ZipFile(io.BytesIO(data))


def test_archive_holds_the_data_the_documents_and_a_readme(holder):
    person, _admin, certificate = holder
    person.phone = "0332 111 22 33"
    person.title = "Bilgi İşlem Şefi"
    db.session.commit()
    archive = _archive(person)
    names = archive.namelist()
    assert data_copy.ARCHIVE_JSON in names and "README.txt" in names
    assert f"belgeler/{certificate.register_number}.pdf" in names
    data = json.loads(archive.read(data_copy.ARCHIVE_JSON))
    profile = data["profile"]
    assert profile["first_name"] == person.first_name and profile["last_name"] == "Işık"
    assert profile["tckn_masked"] == person.tckn_masked and "*" in profile["tckn_masked"]
    assert profile["email"] == person.user.email
    assert profile["phone"] == "0332 111 22 33" and profile["title"] == "Bilgi İşlem Şefi"
    assert profile["municipality"] == "Selçuklu Belediyesi" and profile["position"] == "Personel"
    assert profile["consents"] == {"newsletter": None, "photos": None}
    assert [a["version"] for a in data["privacy_notice_acknowledgements"]] == [1]
    [registration] = data["registrations"]
    assert registration["status"] == "completed"
    assert [e["to"] for e in registration["status_history"]][-1] == "completed"
    assert len(registration["attendance"]) == 2
    assert {m["status"] for m in registration["attendance"]} == {"present"}
    # How each mark was entered (and any change, with its reason).
    assert [(h["from"], h["to"]) for h in registration["attendance_history"]] == [
        (None, "present"),
        (None, "present"),
    ]
    assert registration["completion"]["attended_minutes"] == 360
    [document] = data["certificates"]
    assert document["register_number"] == certificate.register_number
    assert document["verification_code"] == certificate.display_code
    assert document["status"] == "valid"
    assert data["deletion_requests"] == []
    readme = archive.read("README.txt").decode()
    assert "KİŞİSEL VERİLERİNİZİN KOPYASI" in readme and data_copy.ARCHIVE_JSON in readme
    pdf = PdfReader(io.BytesIO(archive.read(f"belgeler/{certificate.register_number}.pdf")))
    assert "IŞIK" in " ".join(pdf.pages[0].extract_text().split())
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.export"))
    assert entry.object_type == "Person" and entry.object_id == person.id
    assert entry.actor_user_id == person.user_id


def test_archive_never_holds_the_raw_id_number(holder):
    person, _admin, _certificate = holder
    raw = person.reveal_tckn()
    archive = _archive(person)
    for name in archive.namelist():
        content = archive.read(name)
        assert raw.encode() not in content, name
        if name.endswith(".pdf"):
            text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
            assert raw not in text
    assert raw not in str(db.session.scalars(select(AuditEntry.changes)).all())


def test_revoked_documents_are_listed_but_not_attached(holder):
    from training_app.certificates import services as certificates

    person, admin, certificate = holder
    certificates.revoke(certificate, "Yanlış düzenlendi", admin)
    db.session.commit()
    archive = _archive(person)
    assert not [n for n in archive.namelist() if n.endswith(".pdf")]
    [document] = json.loads(archive.read(data_copy.ARCHIVE_JSON))["certificates"]
    assert document["status"] == "revoked" and document["pdf"] is None


def test_a_deletion_request_is_due_in_thirty_days_and_one_at_a_time(make_user):
    user = make_user(email="ayse@example.org")
    request = services.request_deletion(user.person, "  Artık çalışmıyorum.  ")
    db.session.commit()
    assert request.status == DeletionRequestStatus.OPEN
    assert request.due_on == local_today() + timedelta(days=ANSWER_WITHIN_DAYS)
    assert request.reason == "Artık çalışmıyorum."
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    assert mail is not None and request.due_on.strftime("%d.%m.%Y") in mail.body_text
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "privacy.deletion_request")
    )
    with pytest.raises(Conflict):
        services.request_deletion(user.person, None)
    db.session.rollback()
    services.withdraw_deletion(request, user)
    db.session.commit()
    assert request.status == DeletionRequestStatus.WITHDRAWN and request.decided_by == user
    assert services.request_deletion(user.person, "").reason is None  # a new one is allowed


def test_only_the_person_withdraws_and_only_an_open_request(make_user):
    user = make_user()
    other = make_user(email="other@example.org")
    request = services.request_deletion(user.person, None)
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.withdraw_deletion(request, other)
    services.withdraw_deletion(request, user)
    with pytest.raises(InvalidTransition):
        services.withdraw_deletion(request, user)


def test_rejecting_needs_a_note_and_tells_the_person(make_user):
    user = make_user(email="ayse@example.org")
    admin = make_user(Role.ADMIN, email="admin@example.org")
    request = services.request_deletion(user.person, None)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        services.reject_deletion(request, admin, "   ")
    assert refused.value.field == "note"
    services.reject_deletion(request, admin, "Yasal saklama süresi dolmadı.")
    db.session.commit()
    assert request.status == DeletionRequestStatus.REJECTED
    assert request.decision_note == "Yasal saklama süresi dolmadı."
    mails = db.session.scalars(
        select(OutboxMessage.body_text).where(OutboxMessage.recipient == user.email)
    ).all()
    assert any("Yasal saklama süresi dolmadı." in body for body in mails)
    with pytest.raises(InvalidTransition):
        services.carry_out_deletion(request, admin)


def test_carrying_out_anonymises_the_person_and_keeps_the_register(holder, client):
    person, admin, certificate = holder
    user = person.user
    old_email, raw_tckn, version = user.email, person.reveal_tckn(), user.session_version
    register_number, code = certificate.register_number, certificate.verification_code
    # Their own earlier edit, and mail still waiting for them.
    audit.record(
        "person.update",
        person,
        {"last_name": ["Işıkçı", "Işık"], "phone": [None, "0555"], "position": ["staff", "x"]},
        actor=user,
    )
    db.session.add(OutboxMessage(recipient=old_email, subject="Hatırlatma", body_text="Işık"))
    sent_to_them = OutboxMessage(
        recipient=old_email, subject="Eski", body_text="Sayın Işık", status="sent"
    )
    about_them = OutboxMessage(
        recipient="koordinator@example.org",
        subject=f"Onay bekleyen başvuru: {person.full_name}",
        body_text=f"{person.full_name} başvurdu.",
        status="sent",
    )
    db.session.add_all([sent_to_them, about_them])
    person.phone, person.title, person.unit_other = "0555", "Şef", "Arşiv"
    db.session.commit()
    request = services.request_deletion(person, "Lütfen silin.")
    db.session.commit()

    services.carry_out_deletion(request, admin, "Telefonla teyit edildi.")
    db.session.commit()
    db.session.expire_all()

    assert request.status == DeletionRequestStatus.CARRIED_OUT and request.decided_by == admin
    assert request.reason is None and request.decision_note == "Telefonla teyit edildi."
    assert person.anonymised_at is not None
    assert (person.first_name, person.last_name) == ("Anonim", f"Kişi #{person.id}")
    assert person.full_name == f"Anonim Kişi #{person.id}"
    assert "ışık" not in person.search_key and "anonim" in person.search_key
    assert person.tckn_encrypted is None and person.tckn_hash is None and person.tckn_masked is None
    assert person.phone is None and person.title is None and person.unit_other is None
    assert person.municipality is not None  # kept for statistics
    assert user.email == f"deleted-{user.id}@invalid"
    assert not user.is_active and user.roles == [] and user.session_version > version
    assert not user.check_password(PASSWORD)
    # The last mail to the old address is the confirmation; the waiting one is gone; the sent
    # one no longer holds the address nor the text.
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == old_email))
    [farewell] = mails.all()
    assert "silindi" in farewell.subject.lower() or "deleted" in farewell.subject.lower()
    for emptied in (sent_to_them, about_them):
        db.session.refresh(emptied)
        assert (emptied.recipient, emptied.subject, emptied.body_text) == ("[silindi]",) * 3
    # Once sent, the farewell keeps neither the address nor the name.
    from training_app.core.mail import deliver_pending

    assert deliver_pending()[1] == 0
    db.session.refresh(farewell)
    assert farewell.status == "sent"
    assert (farewell.recipient, farewell.subject, farewell.body_text) == ("[silindi]",) * 3
    assert (
        db.session.scalar(select(OutboxMessage).where(OutboxMessage.subject == "Hatırlatma"))
        is None
    )
    # The register: same number, code, course and dates; no name.
    db.session.refresh(certificate)
    assert certificate.register_number == register_number
    assert certificate.verification_code == code and certificate.is_valid
    assert certificate.holder_name == "" and certificate.holder_sort_key == ""
    assert certificate.position is None and certificate.course_title
    # Registrations and attendance stay.
    registration = db.session.scalar(
        select(Registration).where(Registration.person_id == person.id)
    )
    assert registration.status == RegistrationStatus.COMPLETED
    # The audit trail about them no longer holds their values.
    update = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "person.update", AuditEntry.object_id == person.id
        )
    )
    assert update.changes["last_name"] == ["[silindi]", "[silindi]"]
    assert update.changes["phone"] == [None, "[silindi]"]
    assert update.changes["position"] == ["staff", "x"]
    everything = str(db.session.scalars(select(AuditEntry.changes)).all())
    assert raw_tckn not in everything
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.anonymise"))
    # Nobody can log in with the old address any more.
    response = client.post("/login", data={"email": old_email, "password": PASSWORD})
    assert response.status_code == 200


def test_nobody_anonymises_themselves_and_a_trainer_is_replaced_first(make_user, make_session):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    other_admin = make_user(Role.ADMIN, email="admin2@example.org")
    request = services.request_deletion(admin.person, None)
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.carry_out_deletion(request, admin)
    db.session.rollback()
    services.carry_out_deletion(request, other_admin)
    db.session.commit()
    assert not admin.is_active and admin.roles == []

    trainer = make_user(Role.TRAINER, email="trainer@example.org")
    session = make_session(trainers=[trainer.person])
    assert session.status in (SessionStatus.DRAFT, SessionStatus.PUBLISHED)
    request = services.request_deletion(trainer.person, None)
    db.session.commit()
    with pytest.raises(DomainError, match="trainer|eğitmen"):
        services.carry_out_deletion(request, other_admin)
    db.session.rollback()
    session.trainers = []
    db.session.commit()
    services.carry_out_deletion(request, other_admin)
    db.session.commit()
    assert trainer.person.anonymised_at is not None


def test_a_seat_in_a_coming_session_is_given_back(make_user, make_session):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    user = make_user(email="ayse@example.org")
    session = make_session(requires_approval=False, capacity=5)
    registration = enrollment.enroll(user.person, session, by=user)
    db.session.commit()
    assert registration.status == RegistrationStatus.CONFIRMED and session.seats_taken == 1
    request = services.request_deletion(user.person, None)
    db.session.commit()
    services.carry_out_deletion(request, admin)
    db.session.commit()
    assert registration.status == RegistrationStatus.CANCELLED and session.seats_taken == 0
    pending = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "pending")
    ).all()
    assert all("deleted-" not in m.recipient for m in pending)


def test_a_session_under_way_keeps_the_registration_for_its_attendance(make_user, make_session):
    from datetime import timedelta

    from training_app.core.timeutil import local_today

    admin = make_user(Role.ADMIN, email="admin@example.org")
    user = make_user(email="ayse@example.org")
    session = make_session(requires_approval=False, capacity=5)
    registration = enrollment.enroll(user.person, session, by=user)
    session.starts_on = local_today() - timedelta(days=1)  # it has begun since
    db.session.commit()
    request = services.request_deletion(user.person, None)
    db.session.commit()
    services.carry_out_deletion(request, admin)
    db.session.commit()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_finished_bulk_print_holding_the_person_is_deleted_and_printed_again(
    app, holder, tmp_path
):
    from training_app.certificates.models import PrintJob, PrintJobStatus

    person, admin, certificate = holder
    app.config["PRINT_JOB_DIR"] = str(tmp_path)
    merged = tmp_path / "toplu-basim-1-1.pdf"
    merged.write_bytes(b"%PDF names")
    job = PrintJob(
        session_id=certificate.session_id,
        label="x",
        status=PrintJobStatus.DONE,
        total=2,
        done=2,
        result_path=merged.name,
    )
    db.session.add(job)
    db.session.commit()
    request = services.request_deletion(person, None)
    db.session.commit()
    services.carry_out_deletion(request, admin)
    db.session.commit()
    assert not merged.exists()
    assert job.status == PrintJobStatus.QUEUED and job.result_path is None
    from training_app.certificates.services import certificates_for_print

    assert certificate.id not in certificates_for_print(session_id=certificate.session_id)


def test_the_queue_puts_the_most_urgent_first_and_flags_overdue(make_user):
    late = make_user(email="late@example.org", first_name="Geç")
    soon = make_user(email="soon@example.org", first_name="Yakın")
    new = make_user(email="new@example.org", first_name="Yeni")
    requests = {u: services.request_deletion(u.person, None) for u in (new, late, soon)}
    requests[late].due_on = local_today() - timedelta(days=2)
    requests[soon].due_on = local_today() + timedelta(days=3)
    db.session.commit()
    rows = services.open_requests()
    assert [r.request.person.first_name for r in rows] == ["Geç", "Yakın", "Yeni"]
    assert [r.days_left for r in rows] == [-2, 3, ANSWER_WITHIN_DAYS]
    assert [r.overdue for r in rows] == [True, False, False]
    assert services.is_overdue(requests[late]) and not services.is_overdue(requests[soon])
    services.withdraw_deletion(requests[late], late)
    assert not services.is_overdue(requests[late])


def test_publishing_a_notice_makes_a_new_version(make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    make_user(email="p@example.org")
    current = db.session.scalar(select(PrivacyNotice))
    with pytest.raises(DomainError) as same:
        services.publish_notice(current.title, current.body, admin)
    assert same.value.field == "body"
    with pytest.raises(DomainError) as empty:
        services.publish_notice("Başlık", "  ", admin)
    assert empty.value.field == "body"
    notice = services.publish_notice("  Yeni   metin ", "Birinci paragraf.\r\n\r\nİkinci.", admin)
    db.session.commit()
    assert (notice.version, notice.title) == (2, "Yeni metin")
    assert notice.body == "Birinci paragraf.\n\nİkinci."
    rows = services.notice_versions()
    assert [(r.notice.version, r.acknowledged) for r in rows] == [(2, 0), (1, 2)]


def test_certificates_of_an_anonymised_holder_keep_their_order_key_neutral(holder):
    person, admin, certificate = holder
    request = services.request_deletion(person, None)
    services.carry_out_deletion(request, admin)
    db.session.commit()
    keys = db.session.scalars(
        select(Certificate.holder_sort_key).where(Certificate.session_id == certificate.session_id)
    ).all()
    assert sorted(keys)[0] == ""  # the anonymised one; the other holder keeps theirs
    assert len([k for k in keys if k]) == 1


def test_the_office_sees_the_name_was_deleted_and_cannot_reissue(holder, client):
    from tests.conftest import login
    from training_app.certificates import services as certificates

    person, admin, certificate = holder
    request = services.request_deletion(person, None)
    services.carry_out_deletion(request, admin)
    db.session.commit()
    with pytest.raises(DomainError):
        certificates.reissue(certificate, "Ad düzeltmesi", admin)
    login(client, admin.email)
    page = client.get(f"/certificates/sessions/{certificate.session_id}").get_data(as_text=True)
    assert "(ad, sahibinin talebiyle silindi)" in page
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "(ad, sahibinin talebiyle silindi)" in page and "Belgeyi yeniden düzenle" not in page


def test_nobody_rejects_their_own_request(make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    request = services.request_deletion(admin.person, None)
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.reject_deletion(request, admin, "Kendi talebim")
