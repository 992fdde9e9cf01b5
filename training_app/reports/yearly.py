"""The training section of the union's yearly activity report (faaliyet raporu) as a PDF.

The report holds only aggregates (no names), so producing it is not an access to personal data
and is not audited. It is built from the dashboard's figures for the calendar year (the same
definitions, see services.py), the previous year's summary for comparison and one line per
course: seven aggregate queries whatever the data size (eight for a limited scope, whose
municipalities are named on the title page), four more for the participants' evaluations
(evaluation/report_section.py; three for a limited scope, which lists no topics), and
for the union the plan against delivery of the planning feature (two queries without an
approved plan, five with one).

The report is an official Turkish document: it is built and rendered in Turkish whatever the
language of the page it was asked from, as documents are.
"""

from dataclasses import dataclass

from flask import Response, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.pdf import render_pdf
from ..core.timeutil import local_now
from ..core.turkish import format_date_short, format_datetime_short, format_number, format_percent
from ..evaluation import report_section
from ..evaluation import results as evaluation_results
from ..extensions import db
from ..municipalities.models import Municipality
from ..planning import delivery as planning_delivery
from ..planning.exports import delivery_tables
from . import charts, exports, services
from .services import Figures, Period, Scope

#: Report sections after the summary: (name, chart drawn with it).
SECTIONS = ("month", "municipality", "course", "position", "category")


@dataclass
class ComparisonLine:
    """One summary figure of the year next to the previous year's."""

    label: str
    current: float | int | None
    previous: float | int | None
    #: exports.INTEGER, exports.HOURS or exports.PERCENT.
    kind: str
    change: str
    relative_change: str


def _signed(text: str, value: float) -> str:
    # A plus sign for growth; format_number already writes the minus of a decrease.
    return f"+{text}" if value > 0 else text


def _compare(label: str, current, previous, kind: str) -> ComparisonLine:
    """The change from last year as text: +12 (+%25,0); percentage points for a rate."""
    if current is None or previous is None:
        return ComparisonLine(label, current, previous, kind, "–", "–")
    difference = current - previous
    if kind == exports.PERCENT:
        points = _signed(format_number(difference * 100, 1), round(difference * 100, 1))
        return ComparisonLine(
            label, current, previous, kind, _("%(value)s points", value=points), "–"
        )
    digits = 1 if kind == exports.HOURS else 0
    change = _signed(format_number(difference, digits), round(difference, digits))
    relative = "–"
    if previous:
        ratio = difference / previous
        relative = format_percent(abs(ratio), 1)
        relative = f"+{relative}" if ratio > 0 else (f"-{relative}" if ratio < 0 else relative)
    return ComparisonLine(label, current, previous, kind, change, relative)


def _comparison(current: Figures, previous: Figures) -> list[ComparisonLine]:
    count, hours, rate = exports.INTEGER, exports.HOURS, exports.PERCENT
    return [
        _compare(_("Sessions held"), current.sessions, previous.sessions, count),
        _compare(_("Participants"), current.participants, previous.participants, count),
        _compare(_("People trained"), current.people, previous.people, count),
        _compare(
            _("Participant-hours"), current.participant_hours, previous.participant_hours, hours
        ),
        _compare(_("Attendance rate (%)"), current.attendance_rate, previous.attendance_rate, rate),
        _compare(_("Documents issued"), current.documents, previous.documents, count),
        _compare(_("No-shows"), current.no_shows, previous.no_shows, count),
    ]


def _course_table(lines: list[Figures]) -> exports.Table:
    title = _("By training")
    return exports.Table(
        title,
        [(_("Training"), exports.TEXT), *exports.measure_columns()],
        [[f.label, *exports.measures(f)] for f in lines],
        title,
    )


def _scope_names(scope: Scope) -> list[str] | None:
    if not scope.is_limited:
        return None
    query = (
        select(Municipality.name)
        .where(Municipality.id.in_(sorted(scope.municipality_ids) or [-1]))
        .order_by(Municipality.sort_key)
    )
    return list(db.session.scalars(query))


def build(year: int, scope: Scope, evaluation_answers: bool = True) -> dict:
    """The report's context: plain values (numbers, strings, tables, SVG markup), no ORM rows.
    Without `evaluation_answers` (a coordinator's report) the participants' evaluations give
    their response rate only."""
    period = Period.year(year)
    data = services.dashboard(period, scope)
    previous = services.summary(Period.year(year - 1), scope)
    courses = services.by_course(period, scope)
    tables = {name: exports.dashboard_table(data, name) for name in services.TABLES}
    tables["course"] = _course_table(courses)
    drawn = charts.dashboard_charts(data, pdf=True)
    if evaluation_answers:
        evaluations = report_section.report_section(
            period.start, period.end, scope.municipality_ids, with_topics=not scope.is_limited
        )
    else:
        evaluations = report_section.response_rate_section(
            period.start, period.end, scope.municipality_ids
        )
    return {
        "union_name": current_app.config["UNION_NAME"],
        "year": year,
        "previous_year": year - 1,
        "period_text": f"{format_date_short(period.start)} – {format_date_short(period.end)}",
        "scope_names": _scope_names(scope),
        "has_data": data.summary.sessions > 0,
        # In Python: Jinja's gettext would take the "%" of "Change (%)" for a placeholder.
        "comparison_headers": [
            _("Figure"),
            str(year),
            str(year - 1),
            _("Change"),
            _("Change (%)"),
        ],
        "comparison": _comparison(data.summary, previous),
        "sections": [(name, tables[name], drawn.get(name)) for name in SECTIONS],
        "evaluations": evaluations,
        "evaluation_charts": charts.evaluation_charts(evaluations, pdf=True),
        "hidden_note": str(evaluation_results.HIDDEN_NOTE),
        "plan_delivery": _plan_delivery(year, scope),
        "generated_on": format_datetime_short(local_now()),
    }


def _plan_delivery(year: int, scope: Scope) -> dict | None:
    """The section "Plan ve gerçekleşme": the union's plan of the year against what was
    delivered (union-wide only: a plan is the union's, not one municipality's)."""
    if scope.is_limited:
        return None
    data = planning_delivery.plan_delivery(year)
    (_title, line_header, line_rows), (_t, outside_header, outside_rows) = delivery_tables(data)
    return {
        "has_plan": data.plan is not None,
        "version": data.plan.version if data.plan else None,
        "decision_number": data.plan.decision_number if data.plan else None,
        "decision_date": format_date_short(data.plan.decision_date) if data.plan else None,
        "planned_sessions": data.planned_sessions,
        "held": data.held,
        "people": data.people,
        "not_delivered": [f"{line.period}: {line.course_title}" for line in data.not_delivered],
        # Satisfaction is left out of the printed table while it has no figure.
        "line_header": line_header[:-1] if all(r[-1] is None for r in line_rows) else line_header,
        "line_rows": [r[:-1] if all(x[-1] is None for x in line_rows) else r for r in line_rows],
        "outside_header": outside_header,
        "outside_rows": [[format_date_short(r[0]), *r[1:]] for r in outside_rows],
    }


def filename(year: int, scope: Scope) -> str:
    suffix = "".join(f"-{i}" for i in sorted(scope.municipality_ids or ()))
    return f"faaliyet-raporu-egitim-{year}{suffix}.pdf"


def render(year: int, scope: Scope, evaluation_answers: bool = True) -> bytes:
    """The report as PDF bytes, in Turkish."""
    with force_locale("tr"):
        context = build(year, scope, evaluation_answers)
        return render_pdf("pdf/yearly_report.html", **context)


def pdf_response(year: int, scope: Scope, evaluation_answers: bool = True) -> Response:
    return Response(
        render(year, scope, evaluation_answers),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename(year, scope)}"'},
    )
