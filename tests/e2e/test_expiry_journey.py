"""The office follows documents that need a renewal: from its home page's task to the report of
expiring documents (with the expired ones too), a CSV download, and the public verification page
of an expired document. axe-core on each page."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_accessibility import BLOCKING_IMPACTS, axe, describe
from training_app.certificates.models import Certificate, CertificateStatus
from training_app.core.timeutil import local_today
from training_app.core.turkish import format_date_short
from training_app.demo import load_demo_data
from training_app.demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from training_app.extensions import db


def _no_blocking_violations(page, where: str) -> None:
    results = axe.run(page, context="#main").response["violations"]
    violations = [v for v in results if v.get("impact") in BLOCKING_IMPACTS]
    assert violations == [], f"axe on {where}:\n{describe(violations)}"


def _demo(live_app) -> tuple[str, str, str]:
    """Load the demo; (register number, verification code, last valid day) of one expired
    document."""
    with live_app.app_context():
        load_demo_data()
        db.session.commit()
        expired = db.session.scalars(
            select(Certificate)
            .where(
                Certificate.status == CertificateStatus.VALID,
                Certificate.valid_until < local_today(),
            )
            .order_by(Certificate.id)
        ).first()
        result = (
            expired.register_number,
            expired.verification_code,
            format_date_short(expired.valid_until),
        )
        db.session.remove()
    return result


def test_office_finds_expiring_documents_and_an_expired_one_verifies_as_expired(
    browser, base_url, live_app
):
    expired_number, expired_code, expired_on = _demo(live_app)
    context = browser.new_context(base_url=base_url, locale="tr-TR", accept_downloads=True)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("E-posta adresi").fill(f"admin@{DEMO_DOMAIN}")
        page.get_by_label("Şifre").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Giriş yap").click()
        task = page.locator("#task-expiring")
        expect(task).to_contain_text("60 gün içinde doluyor")
        task.click()

        expect(page.get_by_role("heading", name="Geçerliliği dolan belgeler")).to_be_visible()
        rows = page.get_by_test_id("expiring-row")
        expect(rows.first).to_be_visible()
        expect(page.get_by_text(expired_number)).to_have_count(0)
        expect(rows.first).to_contain_text("Temel İlk Yardım Eğitimi")
        _no_blocking_violations(page, "the expiring documents")
        # The link lists the 60 days it counted; a date typed wrong gets the app's message in
        # Turkish (not a browser bubble that blocks the form) and stays as typed.
        until = format_date_short(local_today() + timedelta(days=60))
        expect(page.get_by_label("Geçerliliği dolan: bitiş")).to_have_value(until)
        page.get_by_label("Geçerliliği dolan: başlangıç").fill("1 Şubat")
        page.get_by_role("button", name="Göster").click()
        expect(page.get_by_text("Geçerli bir tarih girin: gg.aa.yyyy")).to_be_visible()
        expect(page.get_by_label("Geçerliliği dolan: başlangıç")).to_have_value("1 Şubat")

        page.get_by_label("Süresi dolmuş belgeler de listelensin").check()
        page.get_by_role("button", name="Göster").click()
        expect(page.get_by_text(expired_number)).to_be_visible()
        expect(page.get_by_text("Süresi doldu").first).to_be_visible()
        _no_blocking_violations(page, "the expiring documents with expired ones")

        with page.expect_download() as download_info:
            page.get_by_role("link", name="CSV olarak indir").click()
        download = download_info.value
        assert download.suggested_filename.startswith("suresi-dolan-belgeler-")
        with open(download.path(), encoding="utf-8-sig") as handle:
            text = handle.read()
        assert expired_number in text and "Yenileme başvurusu" in text

        page.goto(f"/verify/{expired_code}")
        status = page.locator('[data-status="expired"]')
        expect(status).to_contain_text(
            f"Bu belgenin geçerlilik süresi {expired_on} tarihinde doldu."
        )
        expect(status).to_contain_text("iptal edilmemiştir")
        _no_blocking_violations(page, "the verification of an expired document")
    finally:
        context.close()
