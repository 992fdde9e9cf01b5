"""Materials in the browser: the trainer of session A uploads a PDF; A's confirmed participant
downloads it from the session page; a participant of another session B gets 404 at the same
address; the coordinator of the A participant's municipality opens it, another municipality's
coordinator gets 404."""

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests import conftest as root_conftest
from tests.e2e.test_catalogue_journey import _login, _person, _session
from training_app.accounts.models import Role
from training_app.catalog.models import Category, Course
from training_app.core.timeutil import local_today
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db
from training_app.materials.models import Material

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _two_sessions(live_app) -> dict:
    with live_app.app_context():
        trainer = _person("egitmen@kbb.example.org", "İsmail", "Güneş", Role.TRAINER, "320000001")
        in_a = _person("gul@selcuklu.bel.tr", "Gül", "Şahin", Role.PARTICIPANT, "320000002")
        in_b = _person("omer@meram.bel.tr", "Ömer", "Çelik", Role.PARTICIPANT, "320000003")
        in_b.municipality = root_conftest.municipality("Meram")
        selcuklu = _person("koord@selcuklu.bel.tr", "Aylin", "Koç", Role.COORDINATOR, "320000004")
        meram = _person("koord@meram.bel.tr", "Cem", "Ak", Role.COORDINATOR, "320000005")
        meram.municipality = root_conftest.municipality("Meram")
        selcuklu.user.roles[0].municipality = root_conftest.municipality("Selçuklu")
        meram.user.roles[0].municipality = root_conftest.municipality("Meram")
        law = Category(name="Mevzuat")
        day = local_today() + timedelta(days=7)
        session_a = _session(
            Course(code="IMR-01", title="İmar Uygulamaları", category=law, is_published=True),
            day,
            "Konya",
            trainers=[trainer],
        )
        session_b = _session(
            Course(code="IHL-01", title="Kamu İhale Kanunu", category=law, is_published=True),
            day,
            "Konya",
        )
        for person, session in ((in_a, session_a), (in_b, session_b)):
            db.session.add(
                Registration(
                    session=session,
                    person=person,
                    municipality_id=person.municipality_id,
                    status=RegistrationStatus.CONFIRMED,
                )
            )
        db.session.commit()
        ids = {"a": session_a.id, "b": session_b.id}
        db.session.remove()
    return ids


def _as(browser, base_url, email) -> Page:
    page = browser.new_page(base_url=base_url, locale="tr-TR")
    _login(page, email)
    return page


def test_only_those_of_the_session_open_its_material(
    page: Page, browser, base_url, live_app, tmp_path
):
    ids = _two_sessions(live_app)
    upload = tmp_path / "imar-sunum.pdf"
    upload.write_bytes(PDF)

    # The trainer of A adds the file on the session's materials page.
    _login(page, "egitmen@kbb.example.org")
    page.goto(f"/sessions/{ids['a']}/materials")
    add_file = page.get_by_role("region", name="Dosya ekle")
    add_file.get_by_label("Dosya", exact=True).set_input_files(upload)
    add_file.get_by_label("Materyalin adı", exact=True).fill("İmar sunumu")
    add_file.get_by_role("button", name="Dosyayı ekle").click()
    expect(page.get_by_role("link", name="İmar sunumu")).to_be_visible()
    with live_app.app_context():
        material_id = db.session.query(Material.id).scalar()
    address = f"/materials/{material_id}"

    # A's confirmed participant finds it on the session page and downloads the same bytes.
    participant_a = _as(browser, base_url, "gul@selcuklu.bel.tr")
    participant_a.goto(f"/catalogue/sessions/{ids['a']}")
    with participant_a.expect_download() as download_info:
        participant_a.get_by_role("link", name="İmar sunumu").click()
    download = download_info.value
    assert download.suggested_filename == "imar-sunum.pdf"
    assert Path(download.path()).read_bytes() == PDF
    participant_a.close()

    # B's participant sees no materials box on A's page, and the address itself is not found.
    participant_b = _as(browser, base_url, "omer@meram.bel.tr")
    participant_b.goto(f"/catalogue/sessions/{ids['a']}")
    expect(participant_b.get_by_role("heading", name="Materyaller")).to_have_count(0)
    assert participant_b.request.get(address).status == 404
    participant_b.goto(f"/catalogue/sessions/{ids['b']}")
    expect(participant_b.get_by_role("link", name="İmar sunumu")).to_have_count(0)
    participant_b.close()

    # Selçuklu's coordinator (A's participant is theirs) may open it; Meram's may not.
    coordinator = _as(browser, base_url, "koord@selcuklu.bel.tr")
    response = coordinator.request.get(address)
    assert response.status == 200 and response.body() == PDF
    coordinator.close()
    other = _as(browser, base_url, "koord@meram.bel.tr")
    assert other.request.get(address).status == 404
    other.close()
