"""No text a user typed reaches the office's spreadsheets as a live formula (CSV injection).

A participant registered with a first name, a title and a unit that a spreadsheet would run as
formulas takes part in a closed session with documents; every CSV and XLSX export of the app is
then built and read back: XLSX files hold no formula element and the text as it was typed; no
CSV cell starts with a character that starts a formula.
"""

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.catalog.conftest import (  # noqa: F401  (fixtures)
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from tests.certificates.conftest import signatories  # noqa: F401
from tests.conftest import login, municipality
from tests.enrollment.conftest import participant  # noqa: F401
from tests.reports.conftest import LAST_YEAR, A, Attendee, P, hold  # noqa: F401
from training_app.accounts.models import Position, Role
from training_app.core.spreadsheets import FORMULA_TRIGGERS
from training_app.extensions import db

FIRST_NAME = '=HYPERLINK("http://x","tıkla")'
LAST_NAME = "+90 Yılmaz"
TITLE = "=1+2"
UNIT = "@SUM(1+1)"
CATEGORY = "-2+3 Mali Hizmetler"
COURSE = "=Kamu İhale Kanunu"


@pytest.fixture
def hostile_session(hold):  # noqa: F811
    held = hold(
        [
            Attendee("Selçuklu", Position.STAFF, ((P,), (P,))),
            Attendee("Selçuklu", Position.STAFF, ((P,), (A,))),
        ],
        category=CATEGORY,
    )
    person = held.registrations[0].person
    person.first_name, person.last_name = FIRST_NAME, LAST_NAME
    person.title, person.unit, person.unit_other = TITLE, None, UNIT
    held.session.course.title = COURSE
    db.session.commit()
    return held.session


def _exports(session) -> dict[str, list[str]]:
    """URL of each export -> the typed texts it must show (as text)."""
    year = f"year={LAST_YEAR}"
    selcuklu = municipality("Selçuklu").id
    exports = {
        f"/admin/sessions/{session.id}/roster.csv": [FIRST_NAME, LAST_NAME, TITLE, UNIT],
        f"/admin/sessions/{session.id}/roster.xlsx": [FIRST_NAME, LAST_NAME, TITLE, UNIT, COURSE],
        f"/attendance/sessions/{session.id}/matrix.csv": [FIRST_NAME, LAST_NAME],
        f"/attendance/sessions/{session.id}/matrix.xlsx": [FIRST_NAME, LAST_NAME, COURSE],
        f"/reports/export/category.csv?{year}": [CATEGORY],
        f"/reports/export/all.xlsx?{year}": [CATEGORY],
        f"/reports/municipality-record.xlsx?{year}&municipality={selcuklu}": [
            f"{FIRST_NAME} {LAST_NAME}",
            TITLE,
            COURSE,
        ],
        "/admin/audit.csv": [f"{FIRST_NAME} {LAST_NAME}"],
    }
    for table in ("summary", "municipality", "position", "month"):
        exports[f"/reports/export/{table}.csv?{year}"] = []
    return exports


def _xlsx_texts(data: bytes) -> list[str]:
    """Every sheet's XML holds no formula; returns the text of every string cell."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode()
            assert not re.search(r"<(\w+:)?f[ >/]", xml), f"a formula in {name}"
    book = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    texts.append(cell.value)
    return texts


def _csv_texts(text: str) -> list[str]:
    """No cell starts a formula; returns every cell with its neutralising quote removed."""
    cells = [
        cell
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
        for cell in row
    ]
    live = [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    assert live == []
    return [cell[1:] if cell.startswith("'") else cell for cell in cells]


def test_no_export_holds_a_live_formula(app, client, make_user, hostile_session):
    admin = make_user(Role.ADMIN, email="ofis@example.org", municipality_name=None)
    assert login(client, admin.email).status_code == 302
    exports = _exports(hostile_session)
    for url, typed in exports.items():
        response = client.get(url)
        assert response.status_code == 200, url
        if ".xlsx" in url:
            texts = _xlsx_texts(response.data)
        else:
            assert response.mimetype == "text/csv", url
            texts = _csv_texts(response.get_data(as_text=True))
        joined = "\n".join(texts)
        for value in typed:
            assert value in joined, (url, value)


def test_numbers_stay_numbers_and_dates_stay_dates(app):
    from datetime import date

    from training_app.core import spreadsheets

    book = spreadsheets.xlsx_workbook()
    sheet = spreadsheets.add_sheet(book, "Sayfa")
    spreadsheets.append_row(sheet, [-3, 2.5, date(2026, 11, 29), "=1+2", "-5", None])
    book = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(book)))
    values = [cell.value for cell in book.active[1]]
    assert values[:5] == [-3, 2.5, values[2], "=1+2", "-5"]
    assert values[2].date() == date(2026, 11, 29)
    assert [cell.data_type for cell in book.active[1]][:5] == ["n", "n", "d", "s", "s"]
    text = spreadsheets.csv_text([[-3, 2.5, date(2026, 11, 29), "=1+2", "-5", None, "\tx", "\rx"]])
    assert text == "\ufeff-3;2,5;29.11.2026;'=1+2;'-5;;'\tx;\"'\rx\"\r\n"
    assert spreadsheets.safe_cell("@SUM(1+1)") == "'@SUM(1+1)"
    assert spreadsheets.safe_cell("Ayşe") == "Ayşe" and spreadsheets.safe_cell(7) == 7
