"""Evaluation results as CSV (semicolons, UTF-8 BOM, decimal comma: as Excel set to Turkish
opens it) and XLSX (numbers stay numbers).

Kept small and local: the reports' writer sits above this feature and a shared spreadsheet
module does not exist yet; when it does, these two functions are what moves to it.

Every table is built from results.py lines, so the 5-answer threshold holds here as on the
pages: a hidden group's figures are empty cells, and no table has a column naming a person,
a municipality or a date of answer.
"""

import csv
import io
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import SCALE_LABELS
from .results import (
    HIDDEN_NOTE,
    ChoiceLine,
    GroupLine,
    LearningGain,
    ScaleLine,
    TextGroup,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT, INTEGER, DECIMAL, PERCENT = "text", "integer", "decimal", "percent"
_XLSX_FORMATS = {INTEGER: "#,##0", DECIMAL: "0.00", PERCENT: "0.0%"}


@dataclass
class Table:
    title: str
    #: (header, kind) per column.
    columns: list[tuple[str, str]]
    rows: list[list]


def group_table(title: str, first: str, lines: list[GroupLine]) -> Table:
    """A breakdown: responses, response rate and average score; hidden lines say so."""
    return Table(
        title,
        [
            (first, TEXT),
            (_("Answers"), INTEGER),
            (_("Response rate"), PERCENT),
            (_("Average score (1–5)"), DECIMAL),
            (_("Note"), TEXT),
        ],
        [
            [
                line.label,
                line.responses,
                line.response_rate,
                line.mean,
                "" if line.shown else str(HIDDEN_NOTE),
            ]
            for line in lines
        ],
    )


def scale_table(lines: list[ScaleLine]) -> Table:
    """Each 1-5 question: answers, average and how many gave each answer."""
    return Table(
        _("1–5 questions"),
        [
            (_("Question"), TEXT),
            (_("Answers"), INTEGER),
            (_("Average score (1–5)"), DECIMAL),
            *[(str(label), INTEGER) for label in SCALE_LABELS],
        ],
        [
            [line.label, line.count, line.mean, *line.distribution]
            if line.shown
            else [line.label, None, None, None, None, None, None, None]
            for line in lines
        ],
    )


def choice_table(lines: list[ChoiceLine]) -> Table:
    return Table(
        _("Choice questions"),
        [(_("Question"), TEXT), (_("Choice"), TEXT), (_("Chosen"), INTEGER)],
        [
            [line.label, option, count if line.shown else None]
            for line in lines
            for option, count in line.options
        ],
    )


def learning_table(gain: LearningGain) -> Table:
    return Table(
        _("Learning gain"),
        [(_("Figure"), TEXT), (_("Value"), DECIMAL)],
        [
            [_("Pre-test and post-test pairs"), gain.pairs if gain.shown else None],
            [_("Average pre-test score"), gain.before if gain.shown else None],
            [_("Average post-test score"), gain.after if gain.shown else None],
            [_("Average gain (points)"), gain.gain],
            [_("Share who improved"), gain.improved_share],
        ],
    )


def text_table(groups: list[TextGroup]) -> Table:
    """Free texts (office only): the question and the text, nothing else."""
    return Table(
        _("Free texts"),
        [(_("Question"), TEXT), (_("Answer"), TEXT)],
        [[group.label, text] for group in groups for text in group.texts],
    )


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == DECIMAL:
        return format_decimal(value, format="0.00", locale="tr")
    if kind == PERCENT:
        return format_decimal(value * 100, format="0.0", locale="tr")
    return str(value)


def _attachment(filename: str) -> dict:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }


def csv_response(table: Table, filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([header for header, _kind in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(v, k) for v, (_h, k) in zip(row, table.columns, strict=True)])
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers=_attachment(filename),
    )


def xlsx_bytes(tables: list[Table], heading: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for n, table in enumerate(tables, start=1):
        name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:28] or "Sheet"
        sheet = workbook.create_sheet(f"{n} {name}"[:31])
        sheet.append([f"{heading}: {table.title}"])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([header for header, _kind in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
            for cell, (_h, kind) in zip(sheet[sheet.max_row], table.columns, strict=False):
                if kind in _XLSX_FORMATS and cell.value is not None:
                    cell.number_format = _XLSX_FORMATS[kind]
        sheet.column_dimensions["A"].width = 60
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_response(tables: list[Table], heading: str, filename: str) -> Response:
    return Response(xlsx_bytes(tables, heading), mimetype=XLSX_TYPE, headers=_attachment(filename))
