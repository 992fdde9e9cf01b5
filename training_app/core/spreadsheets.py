"""Every CSV and XLSX file the app writes goes through here, so that text typed by a user (a
name, a title, a unit) can never reach a spreadsheet as a live formula.

A cell is text someone typed unless the caller says otherwise: a string that starts with one of
FORMULA_TRIGGERS is written as text, the way OWASP describes for CSV ("CSV injection"): in CSV
it gets a leading apostrophe, in XLSX it is written as a string cell (data type "s"), never as a
formula. Numbers stay numbers and dates stay dates.

CSV files are written the way Excel set to Turkish opens them without an import dialog:
semicolons, a UTF-8 byte order mark, CRLF line ends, and a decimal comma (`decimal_text`).
"""

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from babel.numbers import format_decimal
from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BOLD = Font(bold=True)
HEADING = Font(bold=True, size=12)


class DecimalText(str):
    """A number the app formatted for a CSV file (decimal comma): written as it is, even when
    it starts with a minus sign. Only `decimal_text` makes one, never text a user typed."""

    __slots__ = ()


def decimal_text(value: float | int | Decimal, format: str = "0.0#####") -> DecimalText:
    """A number as Excel set to Turkish reads it in a CSV file: `12,5`, `2,0` (no grouping)."""
    return DecimalText(format_decimal(value, format=format, locale="tr"))


def is_formula_like(value) -> bool:
    """True for a string a spreadsheet would take for a formula."""
    return (
        isinstance(value, str)
        and not isinstance(value, DecimalText)
        and value.startswith(FORMULA_TRIGGERS)
    )


def safe_cell(value):
    """A value ready for a CSV cell: None is empty, formula-like text gets a leading `'`,
    numbers (and numbers formatted by `decimal_text`) are left alone."""
    if value is None:
        return ""
    if is_formula_like(value):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence]) -> str:
    """The rows as CSV text for Excel set to Turkish, every cell through `safe_cell`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue()


def _csv_value(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, float | Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if value is not None and not isinstance(value, str | int):
        value = str(value)  # labels, lazy translations: text like any other
    return safe_cell(value)


def csv_response(
    header: Sequence | None, rows: Iterable[Sequence], filename: str, headers: dict | None = None
) -> Response:
    """A CSV download: `header` (if any) then `rows`."""
    lines = rows if header is None else itertools.chain([header], rows)
    return Response(
        csv_text(lines), mimetype=CSV_MIMETYPE, headers=_download_headers(filename, headers)
    )


def xlsx_workbook() -> Workbook:
    """An empty workbook: add sheets with `add_sheet`, rows with `append_row`."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def add_sheet(workbook: Workbook, title: str):
    """A new sheet named as Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    candidate, n = cleaned, 2
    while candidate in workbook.sheetnames:
        candidate = f"{cleaned[:28]} {n}"
        n += 1
    return workbook.create_sheet(candidate)


def append_row(sheet, values: Sequence, font: Font | None = None) -> tuple:
    """Append one row; text is always a string cell, never a formula. Returns its cells."""
    values = [_xlsx_value(value) for value in values]
    sheet.append(values)
    if not values:
        return ()
    cells = tuple(sheet[sheet.max_row])[: len(values)]
    for cell, value in zip(cells, values, strict=True):
        if isinstance(value, str):
            # openpyxl takes any string starting with "=" for a formula: force plain text.
            cell.data_type = "s"
        if font is not None:
            cell.font = font
    return cells


def _xlsx_value(value):
    if isinstance(value, DecimalText):
        raise TypeError("decimal_text is for CSV files: give XLSX the number itself")
    if isinstance(value, str):
        # Control characters cannot be stored in an XLSX file (openpyxl refuses them).
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, int | float | Decimal | date | datetime | time):
        return value
    return str(value)


def xlsx_bytes(workbook: Workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_response(workbook: Workbook, filename: str, headers: dict | None = None) -> Response:
    """An XLSX download of `workbook`."""
    return Response(
        xlsx_bytes(workbook),
        mimetype=XLSX_MIMETYPE,
        headers=_download_headers(filename, headers),
    )


def _download_headers(filename: str, extra: dict | None) -> dict:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    headers.update(extra or {})
    return headers
