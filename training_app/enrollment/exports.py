"""Roster exports: CSV (as Excel in Turkish opens it) and XLSX, ID numbers masked."""

from flask import Response
from flask_babel import gettext as _

from ..core import spreadsheets
from ..core.turkish import format_datetime_short


def roster_rows(registrations) -> tuple[list[str], list[list]]:
    header = [
        _("No."),
        _("First name"),
        _("Last name"),
        _("T.C. identity number"),
        _("Municipality"),
        _("Unit (directorate)"),
        _("Position"),
        _("Job title"),
        _("Status"),
        _("Applied on"),
    ]
    rows = []
    for number, r in enumerate(registrations, start=1):
        person = r.person
        rows.append(
            [
                number,
                person.first_name,
                person.last_name,
                person.tckn_masked or "",
                r.municipality.name if r.municipality else "",
                person.unit_name,
                r.position.label if r.position else "",
                person.title or "",
                r.status.label,
                format_datetime_short(r.requested_at),
            ]
        )
    return header, rows


def _filename(session, fmt: str) -> str:
    return f"kayit-listesi-{session.id}-{session.starts_on:%Y%m%d}.{fmt}"


def roster_response(session, registrations, fmt: str) -> Response:
    header, rows = roster_rows(registrations)
    filename = _filename(session, fmt)
    if fmt == "csv":
        return spreadsheets.csv_response(header, rows, filename)
    workbook = spreadsheets.xlsx_workbook()
    sheet = spreadsheets.add_sheet(workbook, _("Registrations"))
    spreadsheets.append_row(sheet, [session.course.title], font=spreadsheets.HEADING)
    spreadsheets.append_row(sheet, header, font=spreadsheets.BOLD)
    for row in rows:
        spreadsheets.append_row(sheet, row)
    widths = [6, 18, 18, 16, 20, 28, 20, 24, 22, 18]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    return spreadsheets.xlsx_response(workbook, filename)
