"""An admin closes a session, issues its documents, bulk-prints them (progress reaches 100 %)
and downloads the PDF; the verification page shows a document valid, then revoked."""

import io
import re
from datetime import time, timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.test_attendance_journey import _login, _user
from training_app.accounts.models import Role
from training_app.attendance.models import AttendanceMark, AttendanceStatus
from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
from training_app.certificates.jobs import InProcessPrintWorker
from training_app.certificates.models import Certificate, Signatory
from training_app.core.timeutil import local_today
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db

LAST_NAMES = ["Şahin", "Çelik", "Işık"]


def _setup(live_app) -> int:
    """A published session that ended yesterday, three participants present, an admin."""
    with live_app.app_context():
        _user("yonetici@kbb.example.org", "Yönetici", "Birlik", Role.ADMIN, 900)
        day = local_today() - timedelta(days=1)
        course = Course(
            code="BLG-1",
            title="İhale Mevzuatında Güncel Değişiklikler",
            category=Category(name="Mevzuat"),
            is_published=True,
        )
        session = Session(
            course=course,
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=10,
            status=SessionStatus.PUBLISHED,
            seats_taken=3,
            requires_approval=False,
        )
        session.meetings = [Meeting(day=day, starts_at=time(9), ends_at=time(12))]
        db.session.add(session)
        db.session.add(Signatory(name="Şükrü Öztürk", title="Birlik Başkanı"))
        for n, last in enumerate(LAST_NAMES, start=1):
            person = _user(f"b{n}@kbb.example.org", "Gül", last, Role.PARTICIPANT, 900 + n)
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
        session_id = session.id
        db.session.remove()
    return session_id


def test_admin_issues_prints_and_the_public_verifies(browser, base_url, live_app, tmp_path):
    live_app.config["PRINT_JOB_DIR"] = str(tmp_path)
    worker = InProcessPrintWorker(live_app, interval=0.5)
    live_app.extensions["print_worker"] = worker
    session_id = _setup(live_app)
    context = browser.new_context(base_url=base_url, locale="tr-TR", accept_downloads=True)
    page = context.new_page()
    try:
        _login(page, "yonetici@kbb.example.org")
        page.goto(f"/attendance/sessions/{session_id}/close")
        page.get_by_role("button", name="Eğitim dönemini kapat").click()
        expect(page.get_by_text("Eğitim dönemi kapatıldı")).to_be_visible()

        page.get_by_role("navigation", name="Ana menü").get_by_role("link", name="Belgeler").click()
        page.get_by_role("link", name="İhale Mevzuatında Güncel Değişiklikler").click()
        page.get_by_role("button", name="Belgeleri düzenle").click()
        expect(page.get_by_text("3 belge düzenlendi.")).to_be_visible()
        expect(page.get_by_role("cell", name="Katılım Belgesi")).to_have_count(3)

        page.get_by_role("button", name="Toplu basım").click()
        expect(page).to_have_url(re.compile(r"/certificates/print-jobs/\d+$"))
        page.reload()  # the progress survives a reload: it lives in the job's row
        expect(page.get_by_test_id("percent")).to_have_text("%100", timeout=60_000)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="PDF dosyasını indir").click()
        path = download_info.value.path()
        with open(path, "rb") as downloaded:
            reader = PdfReader(io.BytesIO(downloaded.read()))
        text = [" ".join(p.extract_text().split()) for p in reader.pages]
        assert len(text) == 3
        assert [next(n for n in ("ÇELİK", "IŞIK", "ŞAHİN") if f"GÜL {n}" in t) for t in text] == [
            "ÇELİK",
            "IŞIK",
            "ŞAHİN",
        ]

        with live_app.app_context():
            certificate = db.session.query(Certificate).order_by(Certificate.id).first()
            code, certificate_id = certificate.verification_code, certificate.id
            db.session.remove()
        public = browser.new_context(base_url=base_url, locale="tr-TR").new_page()
        public.goto(f"/verify/{code}")
        expect(public.get_by_text("Bu belge geçerlidir.")).to_be_visible()

        page.goto(f"/certificates/{certificate_id}")
        page.get_by_label("Gerekçe").first.fill("Yanlış kişiye düzenlendi")
        page.get_by_role("button", name="Belgeyi iptal et").click()
        expect(page.get_by_text("Belge iptal edildi.")).to_be_visible()
        public.reload()
        expect(
            public.get_by_text(
                re.compile(
                    r"Bu belge \d\d\.\d\d\.\d{4} tarihinde iptal "
                    r"edildi\."
                )
            )
        ).to_be_visible()
        public.context.close()
    finally:
        context.close()
        worker.stop()
        live_app.extensions.pop("print_worker", None)
