"""The yearly report (training section of the faaliyet raporu) as a PDF: exact Turkish figures
for a known dataset, embedded fonts, charts, a year without data, bad input, fixed queries."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.attendance.test_views import embedded_fonts
from tests.conftest import municipality
from tests.reports.conftest import LAST_YEAR, A, Attendee, E, L, P
from tests.reports.test_dashboard import QueryCounter
from training_app.accounts.models import Position, Role
from training_app.core.timeutil import local_today
from training_app.extensions import db
from training_app.reports import services, yearly
from training_app.reports.forms import FIRST_YEAR

ST, UH, MY = Position.STAFF, Position.UNIT_HEAD, Position.MAYOR
URL = "/reports/yearly-report.pdf"


@pytest.fixture
def known_year(hold):
    """Two closed sessions last year, one the year before (for the comparison).

    Last year: sessions 2; participants 3 (people 3); no-shows 2; attended 360 + 180 + 300 +
    360 + 240 = 1440 minutes = 24,0 hours of 3 * 360 + 2 * 360 = 1800 (%80,0); documents 2.
    The year before: 1 session, 1 participant, 6,0 hours, %100,0, 1 document, no no-show.
    """
    first = hold(
        [
            Attendee("Selçuklu", ST, ((P,), (P,))),
            Attendee("Selçuklu", UH, ((P,), (A,))),
            Attendee("Meram", MY, ((L, 120), (P,))),
        ],
        category="Mali Hizmetler",
        month=3,
    )
    second = hold(
        [Attendee("Selçuklu", ST, ((P,), (P,))), Attendee("Meram", ST, ((E,), (P,)))],
        category="İmar ve Şehircilik",
        month=5,
        hours=(2, 4),
        issue=False,
    )
    hold([Attendee("Selçuklu", ST, ((P,), (P,)))], month=12, year=LAST_YEAR - 1)
    return first, second


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _download(client, query: str):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response


def test_the_report_has_the_exact_turkish_figures(app, client, login_as, known_year):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    response = _download(client, f"year={LAST_YEAR}")
    disposition = response.headers["Content-Disposition"]
    assert f'attachment; filename="faaliyet-raporu-egitim-{LAST_YEAR}.pdf"' == disposition
    reader, text = pdf_text(response.get_data())
    assert "Konya Belediyeler Birliği" in text
    assert f"{LAST_YEAR} Yılı Faaliyet Raporu" in text and "Eğitim Faaliyetleri" in text
    assert f"Dönem: 01.01.{LAST_YEAR} – 31.12.{LAST_YEAR}" in text
    assert re.search(r"Oluşturulma tarihi: \d\d\.\d\d\.\d{4} \d\d:\d\d\.", text)
    # Summary: this year, last year, change, relative change.
    assert "Yapılan eğitim dönemi 2 1 +1 +%100,0" in text
    assert "Katılımcı 3 1 +2 +%200,0" in text
    assert "Eğitim alan kişi 3 1 +2 +%200,0" in text
    assert "Katılımcı-saat 24,0 6,0 +18,0 +%300,0" in text
    assert "Katılım oranı (%) %80,0 %100,0 -20,0 puan –" in text
    assert "Düzenlenen belge 2 1 +1 +%100,0" in text
    assert "Katılmayan 2 0 +2 –" in text
    # Tables: the dashboard's columns (sessions, participants, no-shows, hours, rate, documents).
    assert "Belediyeye göre" in text
    assert "Meram 2 1 1 9,0 %75,0 1" in text
    assert "Selçuklu 2 2 1 15,0 %83,3 1" in text
    first, second = known_year
    for held, line in (
        (first, "1 2 1 14,0 %77,8 2"),
        (second, "1 1 1 10,0 %83,3 0"),
    ):
        course = held.session.course
        assert f"{course.code} – {course.title} {line}" in text
    assert f"Mart {LAST_YEAR} 1 2 1 14,0 %77,8 2" in text
    assert f"Ocak {LAST_YEAR} 0 0 0 0,0 – 0" in text
    assert "Mali Hizmetler 1 2 1 14,0 %77,8 2" in text
    assert "Belediye Başkanı 1 1 0 5,0 %83,3 1" in text
    # Page numbers on every page.
    pages = len(reader.pages)
    assert pages > 2
    assert f"Sayfa {pages} / {pages}" in text
    assert any("DejaVu" in name for name in embedded_fonts(reader))


def test_the_charts_are_drawn_in_the_pdf(app, known_year):
    """The dashboard's four charts, inline SVG with their own style, drawn by WeasyPrint:
    their titles and axis labels come out as text of the PDF."""
    with app.test_request_context():
        context = yearly.build(LAST_YEAR, services.Scope())
        data = yearly.render(LAST_YEAR, services.Scope())
    charts = [chart for _name, _table, chart in context["sections"] if chart]
    assert len(charts) == 4
    for chart in charts:
        assert "<style>" in chart and "fill: #1f5f99" in chart
    _reader, text = pdf_text(data)
    for title in (
        "Aylara göre katılımcı ve katılmayan",
        "Belediyelere göre katılımcı",
        "Görevlere göre katılımcı",
        "Kategoriye göre katılımcı-saat",
    ):
        assert title in text


def test_a_year_without_data_gives_a_pdf_saying_so(app, client, login_as, known_year):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    year = LAST_YEAR - 3
    reader, text = pdf_text(_download(client, f"year={year}").get_data())
    assert f"{year} Yılı Faaliyet Raporu" in text
    assert f"{year} yılında kapatılmış eğitim dönemi yok: bu raporda gösterge bulunmuyor." in text
    assert "Yapılan eğitim dönemi 0 0 0 –" in text
    assert "Belediyeye göre" not in text
    assert any("DejaVu" in name for name in embedded_fonts(reader))
    # The year after one with data compares with it.
    _reader, text = pdf_text(_download(client, f"year={LAST_YEAR + 1}").get_data())
    assert "Yapılan eğitim dönemi 0 2 -2 -%100,0" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abcd", None),
        ("year=1999", None),
        ("year=9999", None),
        ("year=%C2%B2%C2%B2", None),  # superscript digits: not a year
        ("year=", "Raporun yılını seçin."),
        ("", "Raporun yılını seçin."),
        (f"year={LAST_YEAR}&municipality=x", "Listeden bir belediye seçin."),
    ],
)
def test_bad_input_gives_a_clear_turkish_message(app, client, login_as, query, message):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/reports/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    expected = message or f"{FIRST_YEAR} ile {local_today().year} arasında bir yıl seçin."
    assert expected in page


def test_a_coordinator_gets_their_municipality_only(app, client, login_as, known_year):
    login_as(Role.COORDINATOR, coordinated="Selçuklu", email="k@example.org")
    response = _download(client, f"year={LAST_YEAR}")
    selcuklu = municipality("Selçuklu").id
    assert (
        f"faaliyet-raporu-egitim-{LAST_YEAR}-{selcuklu}.pdf"
        in (response.headers["Content-Disposition"])
    )
    _reader, text = pdf_text(response.get_data())
    assert "Yalnızca Selçuklu personeli sayılmıştır." in text
    assert "Selçuklu 2 2 1 15,0 %83,3 1" in text
    assert "Meram" not in text
    # Sessions held: those Selçuklu's staff attended; the year before, one.
    assert "Yapılan eğitim dönemi 2 1 +1 +%100,0" in text
    other = municipality("Meram").id
    assert client.get(f"{URL}?year={LAST_YEAR}&municipality={other}").status_code == 404


def test_an_admin_may_report_on_one_municipality(app, client, login_as, known_year):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    meram = municipality("Meram").id
    _reader, text = pdf_text(_download(client, f"year={LAST_YEAR}&municipality={meram}").get_data())
    assert "Yalnızca Meram personeli sayılmıştır." in text
    assert "Meram 2 1 1 9,0 %75,0 1" in text and "Selçuklu" not in text


def test_the_dashboard_offers_the_yearly_report(app, client, login_as):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    meram = municipality("Meram").id
    page = client.get(f"/reports/?year={LAST_YEAR}&municipality={meram}").get_data(as_text=True)
    form = page[page.index('action="/reports/yearly-report.pdf"') :]
    form = form[: form.index("</form>")]
    assert "Yıllık rapor (PDF)" in form
    assert f'<option value="{LAST_YEAR}" selected>' in form
    assert f'name="municipality" value="{meram}"' in form
    assert f'<option value="{local_today().year + 1}"' not in form


def _build_queries(year, scope) -> int:
    db.session.expire_all()
    with QueryCounter() as counter:
        yearly.build(year, scope)
    return counter.count


def test_the_report_costs_a_fixed_number_of_queries(app, hold):
    hold([Attendee("Selçuklu", ST, ((P,), (P,)))], month=2)
    union, limited = services.Scope(), services.Scope(frozenset({municipality("Meram").id}))
    with app.test_request_context():
        # Seven for the training figures (eight when limited: the municipalities are named),
        # four for the participants' evaluations (three when limited: no topics), two for the
        # plan against delivery (the union's report only; no approved plan here).
        assert _build_queries(LAST_YEAR, union) == 13
        assert _build_queries(LAST_YEAR, limited) == 11
    for month in (3, 4, 6, 9):
        hold(
            [Attendee(m, pos, ((P,), (A,))) for m in ("Meram", "Karatay") for pos in (ST, MY)],
            category=f"Kategori {month}",
            month=month,
        )
    with app.test_request_context():
        # Seven for the training figures (eight when limited: the municipalities are named),
        # four for the participants' evaluations (three when limited: no topics), two for the
        # plan against delivery (the union's report only; no approved plan here).
        assert _build_queries(LAST_YEAR, union) == 13
        assert _build_queries(LAST_YEAR, limited) == 11
