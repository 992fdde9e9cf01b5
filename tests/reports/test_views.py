"""Dashboard page, charts, exports and the municipality's training record over HTTP."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import municipality
from tests.reports.conftest import LAST_YEAR, A, Attendee, P
from training_app.accounts.models import Position, Role
from training_app.core.models import AuditEntry
from training_app.extensions import db

ST, MY = Position.STAFF, Position.MAYOR


@pytest.fixture
def two_municipalities(hold):
    return [
        hold(
            [
                Attendee("Selçuklu", ST, ((P,), (P,))),
                Attendee("Selçuklu", MY, ((P,), (A,))),
                Attendee("Meram", ST, ((P,), (P,))),
            ],
            category="Mali Hizmetler",
            month=4,
        )
    ]


def test_admin_dashboard_shows_charts_followed_by_tables(app, client, login_as, two_municipalities):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    response = client.get(f"/reports/?year={LAST_YEAR}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg and "<title id=" in svg
        assert "<script" not in svg and "<style" not in svg and "style=" not in svg
        # Each chart is followed by its table.
        assert page.index("<table", page.index(svg)) < page.find("<svg", page.index(svg) + 1) or (
            svg == svgs[-1]
        )
    assert "<script>" not in page and " style=" not in page
    assert "Meram" in page and "Selçuklu" in page
    assert "css/charts.css" in page


def test_a_coordinator_never_sees_another_municipality(app, client, login_as, two_municipalities):
    login_as(Role.COORDINATOR, coordinated="Selçuklu", email="k@example.org")
    page = client.get(f"/reports/?year={LAST_YEAR}").get_data(as_text=True)
    assert "Selçuklu" in page and "Meram" not in page
    other = municipality("Meram").id
    assert client.get(f"/reports/?year={LAST_YEAR}&municipality={other}").status_code == 404
    url = f"/reports/export/municipality.csv?year={LAST_YEAR}&municipality={other}"
    assert client.get(url).status_code == 404
    body = client.get(f"/reports/export/municipality.csv?year={LAST_YEAR}").get_data(as_text=True)
    assert "Selçuklu" in body and "Meram" not in body
    record = client.get(f"/reports/municipality-record?year={LAST_YEAR}&municipality={other}")
    assert record.status_code == 404
    xlsx = f"/reports/municipality-record.xlsx?year={LAST_YEAR}&municipality={other}"
    assert client.get(xlsx).status_code == 404


def test_csv_export_is_what_turkish_excel_opens(app, client, login_as, two_municipalities):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    response = client.get(f"/reports/export/municipality.csv?year={LAST_YEAR}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"egitim-raporu-municipality-{LAST_YEAR}.csv" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Belediye"  # Turkish headers
    lines = {r[0]: r[1:] for r in rows[1:]}
    # Selçuklu: 1 session, 1 participant, 1 no-show, 9,0 hours, %75,0, 1 document.
    assert lines["Selçuklu"] == ["1", "1", "1", "9,0", "75,0", "1"]
    assert lines["Meram"] == ["1", "1", "0", "6,0", "100,0", "1"]


def test_xlsx_exports_keep_numbers(app, client, login_as, two_municipalities):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    response = client.get(f"/reports/export/all.xlsx?year={LAST_YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    assert len(book.sheetnames) == 5
    sheet = book.worksheets[1]  # by municipality
    assert sheet["A2"].value == "Belediye"
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["Selçuklu"] == (1, 1, 1, 9.0, 0.75, 1)
    assert sheet["F3"].number_format == "0.0%"
    assert client.get(f"/reports/export/all.csv?year={LAST_YEAR}").status_code == 404
    assert client.get(f"/reports/export/month.pdf?year={LAST_YEAR}").status_code == 404


def test_invalid_period_falls_back_to_this_year_with_errors(app, client, login_as):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    response = client.get("/reports/?date_from=2026-05-01&date_to=2026-04-01")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert client.get("/reports/?year=abcd").status_code == 200
    # A year outside the list, or a municipality that does not exist, typed into the address.
    assert "Listeden bir yıl seçin." in client.get("/reports/?year=1990").get_data(as_text=True)
    assert client.get("/reports/?municipality=99999").status_code == 404


def test_municipality_record_page_and_xlsx(app, client, login_as, two_municipalities):
    login_as(Role.COORDINATOR, coordinated="Selçuklu", email="k@example.org")
    page = client.get(f"/reports/municipality-record?year={LAST_YEAR}").get_data(as_text=True)
    held = two_municipalities[0]
    names = [f"{r.person.first_name} {r.person.last_name}" for r in held.registrations]
    assert names[0] in page and names[1] in page and names[2] not in page
    assert "KBB-" in page
    response = client.get(f"/reports/municipality-record.xlsx?year={LAST_YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    people, trainings = book.worksheets
    rows = list(people.iter_rows(min_row=3, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(names[:2])
    by_name = {r[0]: r for r in rows}
    assert by_name[names[0]][3:] == (1, 1, 6.0, 1)
    assert by_name[names[1]][3:] == (1, 0, 3.0, 0)
    assert len(list(trainings.iter_rows(min_row=3))) == 2
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "report.municipality_record_export")
    )
    assert entry is not None and entry.object_id == municipality("Selçuklu").id


def test_an_admin_chooses_the_municipality_of_a_record(app, client, login_as, two_municipalities):
    login_as(Role.ADMIN, email="y@example.org", municipality_name=None)
    page = client.get("/reports/municipality-record").get_data(as_text=True)
    assert "<table" not in page
    meram = municipality("Meram").id
    page = client.get(f"/reports/municipality-record?year={LAST_YEAR}&municipality={meram}")
    held = two_municipalities[0]
    text = page.get_data(as_text=True)
    assert held.registrations[2].person.last_name in text
    assert held.registrations[0].person.last_name not in text
    assert client.get("/reports/municipality-record.xlsx").status_code == 302
    assert client.get("/reports/municipality-record?municipality=99999").status_code == 404


def test_reports_are_in_the_menu_of_admins_and_coordinators(app, client, login_as):
    login_as(Role.COORDINATOR, coordinated="Selçuklu", email="k@example.org")
    assert 'href="/reports/"' in client.get("/").get_data(as_text=True)
