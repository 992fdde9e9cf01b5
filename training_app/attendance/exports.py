"""The attendance matrix (participants x meetings) as CSV or XLSX."""

import csv
import io

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..enrollment.exports import XLSX_TYPE


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
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        for row in rows:
            # Turkish Excel reads a decimal comma.
            writer.writerow([str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
        return Response(
            "\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8", headers=disposition
        )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Attendance")[:31]
    sheet.append([session.course.title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "E3"
    output = io.BytesIO()
    workbook.save(output)
    return Response(output.getvalue(), mimetype=XLSX_TYPE, headers=disposition)
