"""The office designs a document with two partner logos, looks at the PDF preview, saves it,
gives it to a course, issues a document, and the PDF shows the new Turkish texts with embedded
fonts. axe on the design pages."""

import re
import subprocess
from datetime import time, timedelta
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_accessibility import blocking_violations, describe
from tests.e2e.test_attendance_journey import _login, _user
from training_app.accounts.models import Role
from training_app.attendance.models import AttendanceMark, AttendanceStatus
from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
from training_app.certificates.models import Certificate, Signatory
from training_app.core.timeutil import local_today
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db

TITLE = "Katılım Belgesi — Ağaçlandırma ve Şehir İklimi"
AFTER = "“{egitim}” eğitimine {tarih} tarihlerinde katılmıştır; öğrenciliğe güç katsın."


def _setup(live_app) -> tuple[int, int]:
    """A session that ended yesterday with one participant present, an admin, a signatory."""
    with live_app.app_context():
        _user("tasarim@kbb.example.org", "Yönetici", "Birlik", Role.ADMIN, 950)
        day = local_today() - timedelta(days=1)
        course = Course(
            code="TSR-1",
            title="İklim Değişikliği ve Belediyeler",
            category=Category(name="Çevre"),
            is_published=True,
        )
        session = Session(
            course=course,
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=10,
            status=SessionStatus.PUBLISHED,
            seats_taken=1,
            requires_approval=False,
        )
        session.meetings = [Meeting(day=day, starts_at=time(9), ends_at=time(12))]
        db.session.add(session)
        db.session.add(Signatory(name="Şükrü Öztürk", title="Birlik Başkanı"))
        person = _user("katilimci-t@kbb.example.org", "Gülşen", "Işıkçı", Role.PARTICIPANT, 951)
        registration = Registration(
            session=session,
            person=person,
            municipality_id=person.municipality_id,
            status=RegistrationStatus.CONFIRMED,
        )
        db.session.add(registration)
        db.session.flush()
        db.session.add(
            AttendanceMark(
                meeting_id=session.meetings[0].id,
                registration_id=registration.id,
                status=AttendanceStatus.PRESENT,
            )
        )
        db.session.commit()
        ids = session.id, course.id
        db.session.remove()
    return ids


def _png(path, color):
    Image.new("RGB", (300, 120), color).save(path, "PNG")
    return str(path)


def _no_axe_violations(page):
    violations = blocking_violations(page)
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"


def test_office_designs_previews_assigns_and_issues(browser, base_url, live_app, tmp_path):
    session_id, course_id = _setup(live_app)
    logos = [_png(tmp_path / "afad.png", (200, 30, 30)), _png(tmp_path / "uni.png", (30, 30, 200))]
    context = browser.new_context(base_url=base_url, locale="tr-TR")
    page = context.new_page()
    try:
        _login(page, "tasarim@kbb.example.org")
        page.goto("/certificates/print-jobs")
        page.get_by_role("link", name="Belge tasarımları").click()
        expect(page.get_by_role("link", name="Birlik standart")).to_be_visible()
        _no_axe_violations(page)

        page.get_by_role("link", name="Yeni tasarım").click()
        page.get_by_label("Tasarımın adı").fill("AFAD ve Üniversite ortak")
        page.get_by_label("Yerleşim").select_option("ortakli")
        page.get_by_label("Katılım Belgesinin başlığı").fill(TITLE)
        page.get_by_label("Addan sonraki cümle (Katılım Belgesi)").fill(AFTER)
        page.get_by_label("Logo ekle").set_input_files(logos)
        page.get_by_label("Paydaş imzacı 1: ad soyad").fill("Prof. Dr. İpek Çağlayan")
        page.get_by_label("Paydaş imzacı 1: unvan").fill("Selçuk Üniversitesi Rektörü")
        _no_axe_violations(page)

        # The form's POST: Chromium's PDF viewer may fetch a shown preview again by GET.
        with page.expect_response(
            lambda r: r.url.endswith("/certificates/designs/preview") and r.request.method == "POST"
        ) as preview:
            page.get_by_role("button", name="Önizle").click()
        response = preview.value
        assert response.status == 200
        # Headers as received: the provisional `headers` can lack them once the PDF viewer has it.
        assert response.header_value("content-type") == "application/pdf"
        # The frame shows Chromium's PDF viewer (its body is the viewer's page): read the same
        # preview's text through a request carrying the page's CSRF token.
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        again = context.request.post(
            "/certificates/designs/preview",
            multipart={
                "csrf_token": token,
                "name": "AFAD ve Üniversite ortak",
                "layout": "ortakli",
                "attendance_title": TITLE,
                "attendance_after": AFTER,
                "primary_color": "#1f3a5f",
                "accent_color": "#a3843f",
                "logo_files": {
                    "name": "afad.png",
                    "mimeType": "image/png",
                    "buffer": Path(logos[0]).read_bytes(),
                },
            },
        )
        assert again.status == 200
        preview_text = _pdftotext(again.body(), tmp_path / "preview.pdf")
        assert TITLE in preview_text and "AYŞE IŞIK ÇAĞLAR" in preview_text
        expect(page.locator("iframe#design-preview")).to_be_visible()

        page.get_by_role("button", name="Kaydet").click()
        expect(page.get_by_text("Tasarım kaydedildi.")).to_be_visible()
        expect(page.get_by_role("checkbox", name="Logo 2")).to_be_checked()

        page.goto(f"/admin/catalogue/courses/{course_id}")
        page.get_by_label("Katılım Belgesinin tasarımı").select_option(
            label="AFAD ve Üniversite ortak"
        )
        page.locator("#designs-title").locator("..").get_by_role("button", name="Kaydet").click()
        expect(page.get_by_text("Eğitimin belge tasarımları kaydedildi.")).to_be_visible()

        page.goto(f"/attendance/sessions/{session_id}/close")
        page.get_by_role("button", name="Eğitim dönemini kapat").click()
        expect(page.get_by_text("Eğitim dönemi kapatıldı")).to_be_visible()
        page.goto(f"/certificates/sessions/{session_id}")
        page.get_by_role("button", name="Belgeleri düzenle").click()
        expect(page.get_by_text("1 belge düzenlendi.")).to_be_visible()

        with live_app.app_context():
            certificate_id = db.session.query(Certificate.id).scalar()
            db.session.remove()
        document = context.request.get(f"/certificates/{certificate_id}/document.pdf")
        assert document.status == 200
        path = tmp_path / "belge.pdf"
        text = _pdftotext(document.body(), path)
        assert TITLE in text
        assert "“İklim Değişikliği ve Belediyeler” eğitimine" in text
        assert "öğrenciliğe güç katsın" in text and "GÜLŞEN IŞIKÇI" in text
        assert "Prof. Dr. İpek Çağlayan" in text and "Şükrü Öztürk" in text
        fonts = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert fonts and all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+", f) for f in fonts), fonts
        assert any("DejaVu" in f for f in fonts)
    finally:
        context.close()


def _pdftotext(data: bytes, path) -> str:
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())
