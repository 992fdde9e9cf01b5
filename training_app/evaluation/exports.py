"""Evaluation results as CSV (semicolons, UTF-8 BOM, decimal comma: as Excel set to Turkish
opens it) and XLSX (numbers stay numbers).

Cells are written by core/spreadsheets.py, which keeps a free text that looks like a formula
as text.

Every table is built from results.py lines, so the 5-answer threshold holds here as on the
pages: a hidden group's figures are empty cells, and no table has a column naming a person,
a municipality or a date of answer.
"""

from dataclasses import dataclass

from flask import Response
from flask_babel import gettext as _

from ..core import spreadsheets
from ..core.spreadsheets import decimal_text
from .models import SCALE_LABELS
from .results import (
    HIDDEN_NOTE,
    ChoiceLine,
    GroupLine,
    LearningGain,
    ScaleLine,
    TextGroup,
)

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


def _csv_value(value, kind: str):
    if value is None:
        return None
    if kind == DECIMAL:
        return decimal_text(value, "0.00")
    if kind == PERCENT:
        return decimal_text(value * 100, "0.0")
    return value


def csv_response(table: Table, filename: str) -> Response:
    """The table as CSV; every cell through the shared writer, which neutralises formulas
    (a free text starting with "=" stays text)."""
    rows = (
        [_csv_value(v, k) for v, (_h, k) in zip(row, table.columns, strict=True)]
        for row in table.rows
    )
    header = [header for header, _kind in table.columns]
    return spreadsheets.csv_response(header, rows, filename)


def xlsx_workbook(tables: list[Table], heading: str):
    workbook = spreadsheets.xlsx_workbook()
    for n, table in enumerate(tables, start=1):
        sheet = spreadsheets.add_sheet(workbook, f"{n} {table.title}")
        spreadsheets.append_row(sheet, [f"{heading}: {table.title}"], font=spreadsheets.HEADING)
        spreadsheets.append_row(
            sheet, [header for header, _kind in table.columns], font=spreadsheets.BOLD
        )
        for row in table.rows:
            cells = spreadsheets.append_row(sheet, row)
            for cell, (_h, kind) in zip(cells, table.columns, strict=False):
                if kind in _XLSX_FORMATS and cell.value is not None:
                    cell.number_format = _XLSX_FORMATS[kind]
        sheet.column_dimensions["A"].width = 60
    return workbook


def xlsx_response(tables: list[Table], heading: str, filename: str) -> Response:
    return spreadsheets.xlsx_response(xlsx_workbook(tables, heading), filename)
