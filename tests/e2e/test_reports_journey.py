"""An admin opens the reports for the demo data's year: charts and tables, every table as XLSX,
the yearly activity report's training section as a PDF with its participants' evaluations, and
one session's evaluation results with their charts."""

import io
from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.e2e.test_accessibility import BLOCKING_IMPACTS, axe, describe
from training_app.catalog.models import Session, SessionStatus
from training_app.demo import load_demo_data
from training_app.demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db


def _load_demo(live_app) -> tuple[int, int, int]:
    """The demo data in the live database: (its latest year with closed sessions, the sessions
    closed that year, their participants)."""
    with live_app.app_context():
        load_demo_data()
        db.session.commit()
        year = max(
            s.starts_on.year
            for s in db.session.scalars(
                select(Session).where(Session.status == SessionStatus.COMPLETED)
            )
        )
        in_year = (
            Session.status == SessionStatus.COMPLETED,
            Session.starts_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
        sessions = db.session.scalar(select(func.count(Session.id)).where(*in_year))
        participants = db.session.scalar(
            select(func.count(Registration.id))
            .join(Session, Session.id == Registration.session_id)
            .where(*in_year, Registration.status == RegistrationStatus.COMPLETED)
        )
        db.session.remove()
    return year, sessions, participants


def _answered_session(live_app, year) -> tuple[str, str]:
    """(course link, session link) of a demo session of `year` with at least 5 answers."""
    from training_app.catalog.models import Course
    from training_app.evaluation.models import Evaluation, Response

    with live_app.app_context():
        code, title, starts_on = db.session.execute(
            select(Course.code, Course.title, Session.starts_on)
            .join(Session, Session.course_id == Course.id)
            .join(Evaluation, Evaluation.session_id == Session.id)
            .join(Response, Response.evaluation_id == Evaluation.id)
            .where(Session.starts_on.between(date(year, 1, 1), date(year, 12, 31)))
            .group_by(Course.code, Course.title, Session.id, Session.starts_on)
            .having(func.count(Response.id) >= 5)
            .order_by(Session.starts_on)
        ).first()
        db.session.remove()
    return f"{code} – {title}", f"{starts_on:%d.%m.%Y} {code} – {title}"


def test_admin_reads_the_dashboard_exports_and_the_yearly_report(browser, base_url, live_app):
    year, sessions, participants = _load_demo(live_app)
    assert sessions and participants
    context = browser.new_context(base_url=base_url, locale="tr-TR", accept_downloads=True)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("E-posta adresi").fill(f"admin@{DEMO_DOMAIN}")
        page.get_by_label("Şifre").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Giriş yap").click()
        expect(page.get_by_text("Hoş geldiniz")).to_be_visible()

        page.get_by_role("navigation", name="Ana menü").get_by_role("link", name="Raporlar").click()
        page.get_by_label("Yıl", exact=True).select_option(str(year))
        page.get_by_role("button", name="Göster").click()
        expect(page.get_by_role("heading", name="Eğitim istatistikleri")).to_be_visible()
        # Four charts (inline SVG), each followed by its table, and the summary table; then the
        # participants' evaluations.
        training = page.locator("section:not([aria-labelledby='evaluations-heading'])")
        expect(training.locator("svg.report-chart")).to_have_count(4)
        expect(page.get_by_role("img", name="Belediyelere göre katılımcı")).to_be_visible()
        expect(training.get_by_role("table")).to_have_count(5)
        evaluations = page.locator("section[aria-labelledby='evaluations-heading']")
        expect(
            evaluations.get_by_role("heading", name="Katılımcı değerlendirmeleri")
        ).to_be_visible()
        expect(
            evaluations.get_by_role("img", name="Kategorilere göre memnuniyet (ortalama puan 1–5)")
        ).to_be_visible()
        expect(
            evaluations.get_by_role("table", name="Memnuniyet (kategoriye göre)")
        ).to_be_visible()
        summary = page.get_by_role("table", name="Özet")
        expect(summary.get_by_role("row", name="Yapılan eğitim dönemi")).to_contain_text(
            str(sessions)
        )
        # The page's own content (the menu bar is the layout's, checked on other pages).
        results = axe.run(page, context="#main").response["violations"]
        violations = [v for v in results if v.get("impact") in BLOCKING_IMPACTS]
        assert violations == [], describe(violations)
        # A date typed wrong gets the app's Turkish message, not a browser bubble.
        page.get_by_label("Başlangıç tarihi").fill("1 Şubat")
        page.get_by_role("button", name="Göster").click()
        expect(page.get_by_text("Geçerli bir tarih girin: gg.aa.yyyy").first).to_be_visible()
        expect(page.get_by_label("Başlangıç tarihi")).to_have_value("1 Şubat")
        page.get_by_label("Başlangıç tarihi").fill("")
        page.get_by_role("button", name="Göster").click()

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Tüm tabloları indir (XLSX)").click()
        download = download_info.value
        assert download.suggested_filename == f"egitim-raporu-all-{year}.xlsx"
        with open(download.path(), "rb") as handle:
            book = load_workbook(io.BytesIO(handle.read()))
        summary_sheet, municipality_sheet = book.worksheets[:2]
        assert municipality_sheet["A2"].value == "Belediye"
        assert summary_sheet["A2"].value == "Gösterge"
        values = {row[0]: row[1] for row in summary_sheet.iter_rows(min_row=3, values_only=True)}
        assert values["Yapılan eğitim dönemi"] == sessions
        assert values["Katılımcı"] == participants

        page.get_by_label("Rapor yılı").select_option(str(year))
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Yıllık rapor (PDF)").click()
        download = download_info.value
        assert download.suggested_filename == f"faaliyet-raporu-egitim-{year}.pdf"
        with open(download.path(), "rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        assert f"{year} Yılı Faaliyet Raporu" in text
        assert "Eğitim Faaliyetleri" in text and "Özet göstergeler" in text
        assert f"Yapılan eğitim dönemi {sessions} " in text
        assert f"Katılımcı {participants} " in text
        assert "Katılımcı değerlendirmeleri" in text and "Memnuniyet (kategoriye göre)" in text

        # One session's results: the year's courses, the course's sessions, the session.
        course_link, session_link = _answered_session(live_app, year)
        menu = page.get_by_role("navigation", name="Ana menü")
        menu.get_by_role("link", name="Değerlendirmeler", exact=True).click()
        page.get_by_label("Yıl", exact=True).select_option(str(year))
        page.get_by_role("button", name="Göster").click()
        page.get_by_role("link", name=course_link).first.click()
        page.get_by_role("link", name=session_link).first.click()
        expect(page.get_by_role("heading", name="Katılımcı değerlendirmeleri")).to_be_visible()
        expect(
            page.get_by_role("img", name="1–5 ölçekli sorulara verilen yanıtlar")
        ).to_be_visible()
        expect(page.get_by_role("heading", name="Serbest metinler")).to_be_visible()
        results = axe.run(page, context="#main").response["violations"]
        violations = [v for v in results if v.get("impact") in BLOCKING_IMPACTS]
        assert violations == [], describe(violations)
    finally:
        context.close()
