"""Materials of a session: who adds them, who sees and downloads them, what is refused."""

import io
import os
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import login
from tests.materials.conftest import PDF_BYTES, office_file
from training_app.accounts.models import Role
from training_app.core.models import AuditEntry
from training_app.core.timeutil import local_today
from training_app.enrollment.models import RegistrationStatus
from training_app.extensions import db
from training_app.materials import services
from training_app.materials.models import Material


def _trainer_user(person):
    return person.user


def _upload(client, session, data: bytes, name: str, title: str = ""):
    return client.post(
        f"/sessions/{session.id}/materials",
        data={"file": (io.BytesIO(data), name), "title": title},
        content_type="multipart/form-data",
    )


def _session_with_pdf(make_session, make_trainer):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    material = services.add_file(session, PDF_BYTES, "Sunum.pdf", "Ders notları", by=trainer.user)
    db.session.commit()
    return session, material


def test_trainer_uploads_and_confirmed_participant_downloads(
    app, client, make_session, make_trainer, participant, register
):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    login(client, trainer.user.email)
    response = _upload(client, session, PDF_BYTES, "İhale Sunumu.pdf", "İhale mevzuatı notları")
    assert response.status_code == 302
    material = db.session.scalar(select(Material))
    assert material.content_type == "application/pdf"
    assert material.filename == "İhale Sunumu.pdf"
    stored = os.listdir(app.config["MATERIALS_DIR"])
    assert stored == [material.storage_name]  # nothing of the upload's name on disk
    client.post("/logout")

    person = participant()
    register(person, session)
    login(client, person.email)
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "İhale mevzuatı notları" in page
    assert f"/materials/{material.id}" in page
    download = client.get(f"/materials/{material.id}")
    assert download.status_code == 200
    assert download.data == PDF_BYTES
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "material.download")
    ).all()
    assert [(a.object_id, a.actor_user_id) for a in audit] == [(material.id, person.id)]


def test_participant_of_another_session_gets_404(
    client, make_session, make_trainer, participant, register
):
    session, material = _session_with_pdf(make_session, make_trainer)
    other_session = make_session()
    person = participant()
    register(person, other_session)
    login(client, person.email)
    assert client.get(f"/materials/{material.id}").status_code == 404
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Ders notları" not in page


def test_waitlisted_and_pending_people_get_404(
    client, make_session, make_trainer, participant, register
):
    session, material = _session_with_pdf(make_session, make_trainer)
    for status in (RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING_APPROVAL):
        person = participant()
        register(person, session, status)
        login(client, person.email)
        assert client.get(f"/materials/{material.id}").status_code == 404
        page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
        assert "Ders notları" not in page
        client.post("/logout")


def test_guest_is_sent_to_login_and_sees_no_materials(client, make_session, make_trainer):
    session, material = _session_with_pdf(make_session, make_trainer)
    response = client.get(f"/materials/{material.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Ders notları" not in page


def test_coordinator_of_the_persons_municipality_sees_them_others_do_not(
    client, make_user, make_session, make_trainer, participant, register
):
    session, material = _session_with_pdf(make_session, make_trainer)
    register(participant("Meram"), session)
    coordinator = make_user(Role.COORDINATOR, coordinated="Meram", email="meram@example.org")
    elsewhere = make_user(Role.COORDINATOR, coordinated="Karatay", email="karatay@example.org")
    login(client, coordinator.email)
    assert client.get(f"/materials/{material.id}").status_code == 200
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Ders notları" in page
    client.post("/logout")
    login(client, elsewhere.email)
    assert client.get(f"/materials/{material.id}").status_code == 404


def test_a_program_renamed_pdf_is_refused_in_turkish(app, client, make_session, make_trainer):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    login(client, trainer.user.email)
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    response = _upload(client, session, program, "sunum.pdf")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "dosyanın içeriği" in page.lower()
    assert db.session.scalar(select(Material)) is None
    folder = app.config["MATERIALS_DIR"]
    assert not os.path.exists(folder) or not os.listdir(folder)


def test_office_files_are_recognised_by_content_not_name(client, make_session, make_trainer):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    login(client, trainer.user.email)
    assert _upload(client, session, office_file("pptx"), "slaytlar.pdf").status_code == 302
    material = db.session.scalar(select(Material))
    assert material.filename == "slaytlar.pptx"
    assert material.content_type.endswith("presentationml.presentation")
    # A ZIP archive that is no Office document, named .docx: refused.
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kurulum.exe", b"MZ")
    assert _upload(client, session, buffer.getvalue(), "rapor.docx").status_code == 400
    assert _upload(client, session, office_file("docx"), "rapor.docx").status_code == 302
    assert db.session.scalar(select(db.func.count(Material.id))) == 2


def test_a_file_over_the_limit_is_refused(app, client, make_session, make_trainer):
    app.config["MATERIAL_MAX_BYTES"] = 1024 * 1024
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    login(client, trainer.user.email)
    big = PDF_BYTES + b"0" * (1024 * 1024)
    # Encoded in memory: the test client would spool a body this large to an unclosed file.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "büyük.pdf")})
    response = client.post(
        f"/sessions/{session.id}/materials",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert "1 MB" in response.get_data(as_text=True)
    assert db.session.scalar(select(Material)) is None


def test_materials_remain_in_my_trainings_after_the_session(
    client, make_session, make_trainer, participant, register
):
    trainer = make_trainer()
    start = local_today() - timedelta(days=10)
    session = make_session(trainers=[trainer], starts_on=start)
    material = services.add_file(session, PDF_BYTES, "notlar.pdf", "Kurs notları", by=trainer.user)
    db.session.commit()
    person = participant()
    register(person, session, RegistrationStatus.COMPLETED)
    login(client, person.email)
    page = client.get("/my/trainings").get_data(as_text=True)
    assert "Kurs notları" in page
    assert f"/materials/{material.id}" in page
    assert client.get(f"/materials/{material.id}").status_code == 200


def test_trainer_of_another_session_cannot_manage(client, make_session, make_trainer):
    session, _material = _session_with_pdf(make_session, make_trainer)
    other = make_trainer(first_name="Başka")
    login(client, other.user.email)
    assert client.get(f"/sessions/{session.id}/materials").status_code == 404
    assert _upload(client, session, PDF_BYTES, "x.pdf").status_code == 404


def test_delete_by_uploader_or_office_only(app, client, make_user, make_session, make_trainer):
    session, material = _session_with_pdf(make_session, make_trainer)
    path = services.file_path(material)
    co_trainer = make_trainer(first_name="Yardımcı")
    session.trainers.append(co_trainer)
    db.session.commit()
    login(client, co_trainer.user.email)
    assert client.post(f"/materials/{material.id}/delete").status_code == 404
    assert path.exists()
    client.post("/logout")
    office = make_user(Role.ADMIN, email="ofis@example.org")
    login(client, office.email)
    assert client.post(f"/materials/{material.id}/delete").status_code == 302
    assert db.session.get(Material, material.id) is None
    assert not path.exists()


def test_links_are_added_and_opened_through_the_app(
    client, make_session, make_trainer, participant, register
):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    login(client, trainer.user.email)
    refused = client.post(
        f"/sessions/{session.id}/materials/link",
        data={"link-url": "javascript:alert(1)", "link-title": "Video"},
    )
    assert refused.status_code == 400
    added = client.post(
        f"/sessions/{session.id}/materials/link",
        data={"link-url": "https://www.mevzuat.gov.tr/4734", "link-title": "Kanun metni"},
    )
    assert added.status_code == 302
    material = db.session.scalar(select(Material))
    client.post("/logout")
    person = participant()
    register(person, session)
    login(client, person.email)
    opened = client.get(f"/materials/{material.id}")
    assert opened.status_code == 302
    assert opened.headers["Location"] == "https://www.mevzuat.gov.tr/4734"


def test_trainer_finds_the_materials_page_from_my_sessions(client, make_session, make_trainer):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    login(client, trainer.user.email)
    page = client.get("/my/sessions").get_data(as_text=True)
    assert f"/sessions/{session.id}/materials" in page
    page = client.get(f"/sessions/{session.id}/materials").get_data(as_text=True)
    assert "Dosya ekle" in page and "Bağlantı ekle" in page


@pytest.mark.parametrize(
    "data, name",
    [
        (bytes(range(256)) * 40, "notlar.pdf"),
        (b"", "bos.pdf"),
        ("Ders notları".encode("utf-16"), "notlar.docx"),
        (b"PK\x03\x04" + bytes(100), "sunum.pptx"),  # a zip that is no Office file
        (b"%PDF", "\u0130\u015f\u00e7i" * 300 + ".pdf"),  # a 1,200-character file name
    ],
    ids=["random", "empty", "utf16-text", "bare-zip", "long-name"],
)
def test_hostile_files_are_refused_with_a_message_and_store_nothing(
    app, client, make_session, make_trainer, data, name
):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    login(client, trainer.user.email)
    response = _upload(client, session, data, name, title="x" * 5000)
    assert 400 <= response.status_code < 500
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert db.session.scalar(select(Material)) is None
