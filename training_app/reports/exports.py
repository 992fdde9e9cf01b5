"""Dashboard tables and a municipality's training record as CSV (as Excel set to Turkish opens
it: semicolons, UTF-8 BOM, decimal comma) and XLSX (numbers stay numbers, Turkish formats)."""

from dataclasses import dataclass

from flask import Response
from flask_babel import gettext as _
from openpyxl.utils import get_column_letter

from ..core import spreadsheets
from ..core.turkish import format_date_short
from . import services

# Column kinds: how a value is written to CSV and formatted in XLSX.
TEXT, INTEGER, HOURS, PERCENT = "text", "integer", "hours", "percent"
_XLSX_FORMATS = {INTEGER: "#,##0", HOURS: "#,##0.0", PERCENT: "0.0%"}


@dataclass
class Table:
    title: str
    #: (header, kind) per column.
    columns: list[tuple[str, str]]
    rows: list[list]
    sheet_name: str


def _table_titles() -> dict[str, tuple[str, str]]:
    """table name -> (title, first column header)."""
    return {
        "summary": (_("Summary"), _("Figure")),
        "municipality": (_("By municipality"), _("Municipality")),
        "position": (_("By position"), _("Position")),
        "category": (_("By category"), _("Category")),
        "month": (_("By month"), _("Month")),
    }


def measure_columns() -> list[tuple[str, str]]:
    return [
        (_("Sessions held"), INTEGER),
        (_("Participants"), INTEGER),
        (_("No-shows"), INTEGER),
        (_("Participant-hours"), HOURS),
        (_("Attendance rate (%)"), PERCENT),
        (_("Documents issued"), INTEGER),
    ]


def measures(f: services.Figures) -> list:
    return [
        f.sessions,
        f.participants,
        f.no_shows,
        f.participant_hours,
        f.attendance_rate,
        f.documents,
    ]


def dashboard_table(dashboard: services.Dashboard, name: str) -> Table:
    """One table of the dashboard as plain values, the same lines as on the page."""
    title, first = _table_titles()[name]
    if name == "summary":
        s = dashboard.summary
        rows = [
            [_("Sessions held"), s.sessions, INTEGER],
            [_("Participants"), s.participants, INTEGER],
            [_("People trained"), s.people, INTEGER],
            [_("Participant-hours"), s.participant_hours, HOURS],
            [_("Attendance rate (%)"), s.attendance_rate, PERCENT],
            [_("Documents issued"), s.documents, INTEGER],
            [_("No-shows"), s.no_shows, INTEGER],
        ]
        # The summary is a list of (figure, value) whose kind varies by line.
        return Table(title, [(first, TEXT), (_("Value"), "mixed")], rows, title)
    rows = [[f.label, *measures(f)] for f in dashboard.table(name)]
    return Table(title, [(first, TEXT), *measure_columns()], rows, title)


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if kind == HOURS:
        return spreadsheets.decimal_text(value, "0.0")
    if kind == PERCENT:
        return spreadsheets.decimal_text(value * 100, "0.0")
    return value


def _csv_rows(table: Table):
    for row in table.rows:
        if table.columns[-1][1] == "mixed":
            label, value, kind = row
            yield [label, _csv_value(value, kind)]
        else:
            yield [_csv_value(v, kind) for v, (_h, kind) in zip(row, table.columns, strict=True)]


def csv_response(table: Table, filename: str) -> Response:
    header = [header for header, _kind in table.columns]
    return spreadsheets.csv_response(header, _csv_rows(table), filename)


def _write_sheet(sheet, table: Table, heading: str) -> None:
    spreadsheets.append_row(sheet, [heading], font=spreadsheets.HEADING)
    spreadsheets.append_row(sheet, [h for h, _kind in table.columns], font=spreadsheets.BOLD)
    mixed = table.columns[-1][1] == "mixed"
    for row in table.rows:
        if mixed:
            label, value, kind = row
            cells = spreadsheets.append_row(sheet, [label, value])
            kinds = [TEXT, kind]
        else:
            cells = spreadsheets.append_row(sheet, row)
            kinds = [kind for _h, kind in table.columns]
        for cell, kind in zip(cells, kinds, strict=False):
            if kind in _XLSX_FORMATS and cell.value is not None:
                cell.number_format = _XLSX_FORMATS[kind]
    for index, (header, _kind) in enumerate(table.columns, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in table.rows])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 50)
    sheet.freeze_panes = "A3"


def xlsx_response(tables: list[Table], heading: str, filename: str) -> Response:
    workbook = spreadsheets.xlsx_workbook()
    for table in tables:
        sheet = spreadsheets.add_sheet(workbook, table.sheet_name)
        _write_sheet(sheet, table, f"{heading}: {table.title}")
    return spreadsheets.xlsx_response(workbook, filename)


def record_tables(records: list[services.PersonRecord]) -> list[Table]:
    """A municipality's training record: one line per person, then one per training."""
    people = Table(
        _("People"),
        [
            (_("Full name"), TEXT),
            (_("Position"), TEXT),
            (_("Job title"), TEXT),
            (_("Trainings"), INTEGER),
            (_("Completed"), INTEGER),
            (_("Hours attended"), HOURS),
            (_("Documents"), INTEGER),
        ],
        [
            [
                r.full_name,
                r.position_label,
                r.title,
                len(r.trainings),
                r.completed,
                r.attended_hours,
                r.documents,
            ]
            for r in records
        ],
        _("People"),
    )
    trainings = Table(
        _("Trainings"),
        [
            (_("Full name"), TEXT),
            (_("Course code"), TEXT),
            (_("Training"), TEXT),
            (_("Start"), TEXT),
            (_("End"), TEXT),
            (_("Status"), TEXT),
            (_("Hours attended"), HOURS),
            (_("Training hours"), HOURS),
            (_("Attendance rate (%)"), PERCENT),
            (_("Document"), TEXT),
            (_("Register number"), TEXT),
        ],
        [
            [
                r.full_name,
                t.course_code,
                t.course_title,
                format_date_short(t.starts_on),
                format_date_short(t.ends_on),
                t.status.label,
                t.attended_hours,
                t.planned_hours,
                t.attendance_rate,
                t.document_kind_label or "",
                t.register_number or "",
            ]
            for r in records
            for t in r.trainings
        ],
        _("Trainings"),
    )
    return [people, trainings]
