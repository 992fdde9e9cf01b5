"""A participant holding a document downloads a copy of their data and asks for its deletion; an
administrator carries it out from the queue; the document's public verification page still works
and shows no name."""

import io
import json
import zipfile
from datetime import time, timedelta

from playwright.sync_api import expect

from tests.e2e.test_attendance_journey import _login, _user
from training_app.accounts.models import Role
from training_app.attendance.models import AttendanceMark, AttendanceStatus, Completion
from training_app.catalog.models import (
    Category,
    Course,
    DocumentKind,
    Meeting,
    Session,
    SessionStatus,
)
from training_app.certificates import services as certificates
from training_app.certificates.models import Signatory
from training_app.core.timeutil import local_today
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db

PARTICIPANT = "gul.sahin@meram.bel.tr"
ADMIN = "yonetici@kbb.example.org"


def _setup(live_app) -> tuple[str, str]:
    """A closed session whose participant earned a document; an admin. -> (code, number)."""
    with live_app.app_context():
        _user(ADMIN, "Yönetici", "Birlik", Role.ADMIN, 700)
        person = _user(PARTICIPANT, "Gül", "Şahin", Role.PARTICIPANT, 701)
        day = local_today() - timedelta(days=3)
        session = Session(
            course=Course(
                code="KVKK-1",
                title="Belediyelerde Kişisel Verilerin Korunması",
                category=Category(name="Mevzuat"),
                is_published=True,
            ),
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=10,
            seats_taken=1,
            status=SessionStatus.COMPLETED,
            meetings=[Meeting(day=day, starts_at=time(9), ends_at=time(12))],
        )
        registration = Registration(
            session=session,
            person=person,
            municipality_id=person.municipality_id,
            status=RegistrationStatus.COMPLETED,
        )
        db.session.add_all([session, registration, Signatory(name="Şükrü Öztürk", title="Başkan")])
        db.session.flush()
        db.session.add_all(
            [
                AttendanceMark(
                    meeting_id=session.meetings[0].id,
                    registration_id=registration.id,
                    status=AttendanceStatus.PRESENT,
                ),
                Completion(
                    registration_id=registration.id,
                    attended_minutes=180,
                    session_minutes=180,
                    attendance_percent=100,
                    document_kind=DocumentKind.ATTENDANCE,
                ),
            ]
        )
        [certificate] = certificates.issue_certificates(session, None).issued
        db.session.commit()
        result = certificate.verification_code, certificate.register_number
        db.session.remove()
    return result


def test_participant_downloads_asks_deletion_and_admin_anonymises(browser, base_url, live_app):
    code, register_number = _setup(live_app)
    context = browser.new_context(base_url=base_url, locale="tr-TR", accept_downloads=True)
    page = context.new_page()
    try:
        _login(page, PARTICIPANT)
        page.get_by_role("navigation", name="Ana menü").get_by_role(
            "link", name="Kişisel verilerim"
        ).click()
        expect(page.get_by_role("heading", name="Kişisel verilerim", level=1)).to_be_visible()

        with page.expect_download() as download_info:
            page.get_by_role("button", name="Verilerimi indir").click()
        with open(download_info.value.path(), "rb") as downloaded:
            archive = zipfile.ZipFile(io.BytesIO(downloaded.read()))
        assert f"belgeler/{register_number}.pdf" in archive.namelist()
        assert archive.read(f"belgeler/{register_number}.pdf").startswith(b"%PDF")
        data = json.loads(archive.read("kisisel-verilerim.json"))
        assert data["profile"]["last_name"] == "Şahin"
        assert data["certificates"][0]["register_number"] == register_number
        assert "README.txt" in archive.namelist()

        # Without the confirmation box the request is refused and the reason kept.
        page.get_by_label("Gerekçe (isteğe bağlı)").fill("Belediyeden ayrıldım.")
        page.get_by_role("button", name="Silinmesini talep et").click()
        expect(page.get_by_text("Talebinizi onaylamak için kutuyu işaretleyin.")).to_be_visible()
        expect(page.get_by_label("Gerekçe (isteğe bağlı)")).to_have_value("Belediyeden ayrıldım.")
        page.get_by_label("Adımın, T.C. Kimlik Numaramın").check()
        page.get_by_role("button", name="Silinmesini talep et").click()
        expect(page.get_by_text("Talebiniz alındı.")).to_be_visible()
        expect(page.get_by_test_id("open-request")).to_be_visible()
        page.get_by_role("button", name="Çıkış yap").click()
        expect(page.get_by_text("Çıkış yaptınız.")).to_be_visible()

        _login(page, ADMIN)
        menu = page.get_by_role("navigation", name="Ana menü")
        menu.get_by_role("button", name="Yönetim").click()
        menu.get_by_role("link", name="Silme talepleri").click()
        expect(page.get_by_test_id("request-row")).to_have_count(1)
        page.get_by_role("link", name="Gül Şahin").click()
        expect(page.get_by_text("Belediyeden ayrıldım.")).to_be_visible()
        page.get_by_label("Talebi inceledim").check()
        page.get_by_role("button", name="Şimdi anonimleştir").click()
        expect(page.get_by_text("Kişinin verileri anonimleştirildi.")).to_be_visible()
        expect(page.get_by_text("Bekleyen talep yok.")).to_be_visible()
        page.get_by_role("button", name="Çıkış yap").click()
        expect(page.get_by_text("Çıkış yaptınız.")).to_be_visible()

        # The participant's account is closed.
        page.goto("/login")
        page.get_by_label("E-posta adresi").fill(PARTICIPANT)
        page.get_by_label("Şifre").fill("Test.Parola.2026")
        page.get_by_role("button", name="Giriş yap").click()
        expect(page.get_by_text("E-posta adresi veya şifre hatalı.")).to_be_visible()

        public = browser.new_context(base_url=base_url, locale="tr-TR").new_page()
        public.goto(f"/verify/{code}")
        expect(public.get_by_text("Bu belge geçerlidir.")).to_be_visible()
        expect(public.get_by_text(register_number)).to_be_visible()
        expect(public.get_by_text("Belediyelerde Kişisel Verilerin Korunması")).to_be_visible()
        expect(public.get_by_test_id("holder-removed")).to_have_text(
            "Belge sahibinin adı, kendi talebi üzerine silinmiştir."
        )
        content = public.content()
        assert "ŞAHİN" not in content and "Şahin" not in content
        public.context.close()
    finally:
        context.close()
