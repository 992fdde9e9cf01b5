"""The approved annual plan as a page and a PDF in the union's style: plain values, month by
month, Turkish dates (the PDF is an official document: always Turkish)."""

from itertools import groupby

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.pdf import render_pdf
from ..core.timeutil import local_now
from ..core.turkish import format_date_long, format_datetime_short, tr_sort_key
from ..extensions import db
from ..municipalities.models import Municipality
from .models import AnnualPlan
from .plans import month_name


def plan_context(plan: AnnualPlan) -> dict:
    """Plain values of a plan: sections (a month, or a quarter) with their lines."""
    names = dict(db.session.execute(select(Municipality.id, Municipality.name)).all())
    lines = sorted(
        plan.lines,
        key=lambda x: (x.sort_month, x.quarter is not None, tr_sort_key(x.course.title), x.id),
    )
    sections = []
    for (sort_month, is_quarter), group in groupby(
        lines, key=lambda x: (x.sort_month, x.quarter is not None)
    ):
        group = list(group)
        title = _("Quarter %(n)d", n=group[0].quarter) if is_quarter else month_name(sort_month)
        sections.append(
            {
                "title": title,
                "lines": [
                    {
                        "id": line.id,
                        "course_code": line.course.code,
                        "course_title": line.course.title,
                        "city": line.city,
                        "planned_sessions": line.planned_sessions,
                        "planned_capacity": line.planned_capacity,
                        "positions": ", ".join(line.position_labels) or _("Everyone"),
                        "municipalities": ", ".join(
                            sorted(
                                (names.get(i, "") for i in line.municipality_ids),
                                key=tr_sort_key,
                            )
                        )
                        or _("All member municipalities"),
                        "budget_note": line.budget_note or "",
                    }
                    for line in group
                ],
            }
        )
    return {
        "union_name": current_app.config["UNION_NAME"],
        "year": plan.year,
        "version": plan.version,
        "decision_date": format_date_long(plan.decision_date),
        "decision_number": plan.decision_number or "",
        "revision_reason": plan.revision_reason,
        "sections": sections,
        "total_sessions": sum(line.planned_sessions for line in plan.lines),
        "total_capacity": sum(line.planned_capacity for line in plan.lines),
        "generated_on": format_datetime_short(local_now()),
    }


def render_plan_pdf(plan: AnnualPlan) -> bytes:
    with force_locale("tr"):
        return render_pdf("pdf/annual_plan.html", **plan_context(plan))
