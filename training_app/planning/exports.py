"""Consolidated demand and plan against delivery as CSV / XLSX, through core.spreadsheets (text
that a spreadsheet would run as a formula is written as text)."""

from flask_babel import gettext as _

from ..core.spreadsheets import (
    add_sheet,
    append_row,
    csv_response,
    xlsx_response,
    xlsx_workbook,
)
from .delivery import PlanDelivery
from .demand import Demand


def demand_tables(data: Demand) -> list[tuple[str, list, list[list]]]:
    topics = (
        _("Demand by topic"),
        [
            _("Topic"),
            _("Course code"),
            _("Municipalities"),
            _("People"),
            _("Interested people"),
            _("High priority"),
            _("Medium priority"),
            _("Low priority"),
            _("Positions"),
            _("Wordings"),
        ],
        [
            [
                t.label,
                t.course_code or "",
                t.municipalities,
                t.people,
                t.interested,
                t.priorities.get("high", 0),
                t.priorities.get("medium", 0),
                t.priorities.get("low", 0),
                ", ".join(t.position_labels),
                " | ".join(t.variant_list),
            ]
            for t in data.topics
        ],
    )
    municipalities = (
        _("Demand by municipality"),
        [_("Municipality"), _("Needs"), _("People"), _("High priority"), _("Interested people")],
        [[m.name, m.needs, m.people, m.high, m.interested] for m in data.municipalities],
    )
    return [topics, municipalities]


def delivery_tables(data: PlanDelivery) -> list[tuple[str, list, list[list]]]:
    lines = (
        _("Plan and delivery"),
        [
            _("Period"),
            _("Course code"),
            _("Training"),
            _("City"),
            _("Planned sessions"),
            _("Planned capacity"),
            _("Sessions scheduled"),
            _("Sessions held"),
            _("People trained"),
            _("Participant-hours"),
            _("Municipalities reached"),
            _("Satisfaction"),
        ],
        [
            [
                line.period,
                line.course_code,
                line.course_title,
                line.city,
                line.planned_sessions,
                line.planned_capacity,
                line.scheduled,
                line.held,
                line.people,
                round(line.participant_hours, 1),
                line.municipalities,
                line.satisfaction,
            ]
            for line in data.lines
        ],
    )
    outside = (
        _("Delivered outside the plan"),
        [
            _("First day"),
            _("Course code"),
            _("Training"),
            _("City"),
            _("People trained"),
            _("Participant-hours"),
            _("Municipalities reached"),
        ],
        [
            [
                s.starts_on,
                s.course_code,
                s.course_title,
                s.city,
                s.people,
                round(s.participant_hours, 1),
                s.municipalities,
            ]
            for s in data.outside
        ],
    )
    return [lines, outside]


def _response(tables, fmt: str, filename: str):
    if fmt == "csv":
        _title, header, rows = tables[0]
        return csv_response(header, rows, f"{filename}.csv")
    workbook = xlsx_workbook()
    for title, header, rows in tables:
        sheet = add_sheet(workbook, title)
        append_row(sheet, header)
        for row in rows:
            append_row(sheet, row)
    return xlsx_response(workbook, f"{filename}.xlsx")


def demand_response(data: Demand, fmt: str):
    return _response(demand_tables(data), fmt, f"egitim-ihtiyaclari-{data.call.year}")


def delivery_response(data: PlanDelivery, fmt: str):
    return _response(delivery_tables(data), fmt, f"plan-ve-gerceklesme-{data.year}")
