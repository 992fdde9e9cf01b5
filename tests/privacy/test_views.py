"""The personal-data pages, the office's queue, the notice editor and public verification."""

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import login
from training_app.accounts.models import PrivacyNotice, Role
from training_app.core.models import AuditEntry
from training_app.core.timeutil import local_today
from training_app.extensions import db
from training_app.privacy import data_copy, services
from training_app.privacy.models import DeletionRequest, DeletionRequestStatus


def test_my_data_page_download_and_deletion_request(client, holder):
    person, _admin, certificate = holder
    login(client, person.user.email)
    page = client.get("/privacy/my-data")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "KVKK" in text and 'action="/privacy/my-data/archive"' in text
    assert 'href="/privacy/my-data"' in client.get("/profile").get_data(as_text=True)

    response = client.post("/privacy/my-data/archive")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert f"belgeler/{certificate.register_number}.pdf" in archive.namelist()
    data = json.loads(archive.read(data_copy.ARCHIVE_JSON))
    assert data["profile"]["tckn_masked"] == person.tckn_masked
    assert "user.login" in [a["action"] for a in data["activity"]]  # their sign-ins too
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.export"))

    # Without the confirmation box: refused, and the reason typed is kept.
    response = client.post("/privacy/my-data/deletion", data={"reason": "Görevden ayrıldım"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Görevden ayrıldım" in text and 'aria-invalid="true"' in text
    assert db.session.scalar(select(DeletionRequest)) is None

    response = client.post(
        "/privacy/my-data/deletion", data={"reason": "Görevden ayrıldım", "confirm": "y"}
    )
    assert response.status_code == 302
    request = db.session.scalar(select(DeletionRequest))
    assert request.status == DeletionRequestStatus.OPEN and request.reason == "Görevden ayrıldım"
    text = client.get("/privacy/my-data").get_data(as_text=True)
    assert 'data-testid="open-request"' in text and request.due_on.strftime("%d.%m.%Y") in text
    # A second request while one is open is refused with a message.
    response = client.post("/privacy/my-data/deletion", data={"confirm": "y"})
    assert response.status_code == 400
    assert db.session.scalars(select(DeletionRequest)).all() == [request]

    response = client.post(f"/privacy/my-data/deletion/{request.id}/withdraw")
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == DeletionRequestStatus.WITHDRAWN
    assert "open-request" not in client.get("/privacy/my-data").get_data(as_text=True)


def test_nobody_withdraws_someone_elses_request(client, make_user):
    owner = make_user(email="owner@example.org")
    request = services.request_deletion(owner.person, None)
    db.session.commit()
    other = make_user(email="other@example.org")
    login(client, other.email)
    assert client.post(f"/privacy/my-data/deletion/{request.id}/withdraw").status_code == 404
    assert request.status == DeletionRequestStatus.OPEN


def test_admin_queue_highlights_overdue_and_carries_out_after_confirmation(client, holder):
    person, admin, certificate = holder
    request = services.request_deletion(person, "Lütfen")
    request.due_on = local_today() - timedelta(days=3)
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/privacy/requests").get_data(as_text=True)
    assert "table-danger" in page and person.full_name in page
    assert f"/admin/privacy/requests/{request.id}" in page
    page = client.get(f"/admin/privacy/requests/{request.id}").get_data(as_text=True)
    assert "Lütfen" in page

    response = client.post(
        f"/admin/privacy/requests/{request.id}/carry-out", data={"note": "Teyit edildi"}
    )
    assert response.status_code == 400 and "Teyit edildi" in response.get_data(as_text=True)
    assert person.anonymised_at is None

    response = client.post(
        f"/admin/privacy/requests/{request.id}/carry-out", data={"note": "", "confirm": "y"}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.anonymised_at is not None
    assert "table-danger" not in client.get("/admin/privacy/requests").get_data(as_text=True)

    # The public page still verifies the document, without a name.
    client.post("/logout")
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert 'data-status="valid"' in page and certificate.register_number in page
    assert 'data-testid="holder-removed"' in page and "IŞIK" not in page
    answer = client.get(f"/api/v1/certificates/{certificate.verification_code}").get_json()
    assert answer["holder_name"] is None and answer["register_number"]
    assert "IŞIK" not in json.dumps(answer, ensure_ascii=False)


def test_verification_of_other_holders_still_shows_the_name(client, holder):
    _person, _admin, certificate = holder
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert certificate.holder_name in page and "holder-removed" not in page


def test_reject_needs_a_note(client, make_user):
    user = make_user(email="ayse@example.org")
    admin = make_user(Role.ADMIN, email="admin@example.org")
    request = services.request_deletion(user.person, None)
    db.session.commit()
    login(client, admin.email)
    response = client.post(f"/admin/privacy/requests/{request.id}/reject", data={"note": " "})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.get_data(as_text=True)
    response = client.post(
        f"/admin/privacy/requests/{request.id}/reject", data={"note": "Dava süresince saklanır."}
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == DeletionRequestStatus.REJECTED
    # Answered: no more buttons, and a second answer is refused.
    page = client.get(f"/admin/privacy/requests/{request.id}").get_data(as_text=True)
    assert "/carry-out" not in page
    response = client.post(f"/admin/privacy/requests/{request.id}/carry-out", data={"confirm": "y"})
    assert response.status_code == 400 and request.status == DeletionRequestStatus.REJECTED


def test_an_anonymised_user_is_logged_out_and_cannot_log_in(client, make_user):
    user = make_user(email="ayse@example.org")
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, user.email)
    assert client.get("/privacy/my-data").status_code == 200
    request = services.request_deletion(user.person, None)
    services.carry_out_deletion(request, admin)
    db.session.commit()
    assert client.get("/privacy/my-data").status_code == 302
    assert login(client, "ayse@example.org").status_code == 200


def test_notice_editor_previews_and_publishes_and_users_acknowledge_at_login(client, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    participant = make_user(email="p@example.org")
    login(client, admin.email)
    page = client.get("/admin/privacy/notices").get_data(as_text=True)
    assert "/admin/privacy/notices/new" in page
    current = db.session.scalar(select(PrivacyNotice))
    page = client.get("/admin/privacy/notices/new").get_data(as_text=True)
    assert current.title in page  # prefilled with the current version

    form = {"title": "Aydınlatma Metni 2026", "body": "Yeni birinci paragraf.\r\n\r\nİkinci."}
    response = client.post("/admin/privacy/notices/new", data={**form, "preview": "Önizle"})
    assert response.status_code == 200
    assert 'data-testid="preview"' in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(PrivacyNotice.version).order_by(PrivacyNotice.version.desc())) == 1
    )

    response = client.post("/admin/privacy/notices/new", data={**form, "publish": "Yayımla"})
    assert response.status_code == 400 and "Yeni birinci paragraf." in response.get_data(
        as_text=True
    )
    response = client.post(
        "/admin/privacy/notices/new", data={**form, "confirm": "y", "publish": "Yayımla"}
    )
    assert response.status_code == 302
    notice = db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == 2))
    assert notice.body == "Yeni birinci paragraf.\n\nİkinci."
    # The publisher is a user like any other: they acknowledge the new version first.
    response = client.get(f"/admin/privacy/notices/{notice.id}")
    assert response.status_code == 302 and "/privacy/acknowledge" in response.headers["Location"]
    client.post("/privacy/acknowledge", data={"privacy_acknowledged": "y"})
    assert client.get(f"/admin/privacy/notices/{notice.id}").status_code == 200
    client.post("/logout")

    login(client, participant.email)
    response = client.get("/privacy/my-data")
    assert response.status_code == 302 and "/privacy/acknowledge" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Yeni birinci paragraf." in page
    client.post("/privacy/acknowledge", data={"privacy_acknowledged": "y"})
    assert client.get("/privacy/my-data").status_code == 200
    rows = services.notice_versions()
    assert [(r.notice.version, r.acknowledged) for r in rows] == [(2, 2), (1, 2)]


def test_copies_of_ones_data_are_limited_per_user(app, client, holder):
    person, _admin, _certificate = holder
    app.config["DATA_ARCHIVE_RATE_LIMIT"] = "2 per hour"
    login(client, person.user.email)
    codes = [client.post("/privacy/my-data/archive").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_two_people_of_the_same_name_are_told_apart_in_the_queue(client, make_user):
    """E-mail and masked ID number beside the name, on the list and on the request; never the
    whole ID number."""
    first = make_user(email="ayse.1@example.org", tckn="39876543274")
    second = make_user(email="ayse.2@example.org")
    for user in (first, second):
        services.request_deletion(user.person, None)
    db.session.commit()
    login(client, make_user(Role.ADMIN, email="ofis@example.org", first_name="Ofis").email)
    page = client.get("/admin/privacy/requests").get_data(as_text=True)
    assert page.count("Ayşe Yılmaz") == 2
    assert "ayse.1@example.org" in page and "ayse.2@example.org" in page
    assert "398******74" in page and "39876543274" not in page
    request = db.session.scalar(
        select(DeletionRequest).where(DeletionRequest.person_id == first.person.id)
    )
    page = client.get(f"/admin/privacy/requests/{request.id}").get_data(as_text=True)
    assert "ayse.1@example.org" in page and "398******74" in page
    assert "39876543274" not in page
