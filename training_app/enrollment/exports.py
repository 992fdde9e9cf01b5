"""Roster exports: CSV (as Excel in Turkish opens it) and XLSX, ID numbers masked."""

import csv
import io

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..core.turkish import format_datetime_short

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    disposition = f'attachment; filename="{_filename(session, fmt)}"'
    if fmt == "csv":
        buffer = io.StringIO()
        # Semicolons and a BOM: what Excel set to Turkish opens without an import dialog.
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
        return Response(
            "\ufeff" + buffer.getvalue(),
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": disposition},
        )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Registrations")[:31]
    sheet.append([session.course.title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    widths = [6, 18, 18, 16, 20, 28, 20, 24, 22, 18]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return Response(
        output.getvalue(), mimetype=XLSX_TYPE, headers={"Content-Disposition": disposition}
    )
