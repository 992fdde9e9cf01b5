"""The attendance matrix (participants x meetings) as CSV or XLSX."""

from flask import Response
from flask_babel import gettext as _

from ..core import spreadsheets


def _table(matrix):
    header = [_("No."), _("First name"), _("Last name"), _("Municipality")]
    header += [f"{m.day:%d.%m.%Y} {m.starts_at:%H:%M}" for m in matrix.meetings]
    header += [_("Attended hours"), _("Attendance %")]
    rows = []
    for number, (registration, marks, minutes) in enumerate(matrix.rows, start=1):
        person = registration.person
        row = [
            number,
            person.first_name,
            person.last_name,
            registration.municipality.name if registration.municipality else "",
        ]
        row += [mark.status.label if mark else "" for mark in marks]
        percent = round(minutes * 100 / matrix.total_minutes, 2) if matrix.total_minutes else 0
        row += [round(minutes / 60, 2), percent]
        rows.append(row)
    return header, rows


def matrix_response(session, matrix, fmt: str) -> Response:
    header, rows = _table(matrix)
    filename = f"yoklama-{session.id}-{session.starts_on:%Y%m%d}.{fmt}"
    if fmt == "csv":
        # Hours and percentages are floats: written with a decimal comma for Turkish Excel.
        return spreadsheets.csv_response(header, rows, filename)
    workbook = spreadsheets.xlsx_workbook()
    sheet = spreadsheets.add_sheet(workbook, _("Attendance"))
    spreadsheets.append_row(sheet, [session.course.title], font=spreadsheets.HEADING)
    spreadsheets.append_row(sheet, header, font=spreadsheets.BOLD)
    for row in rows:
        spreadsheets.append_row(sheet, row)
    sheet.freeze_panes = "E3"
    return spreadsheets.xlsx_response(workbook, filename)
