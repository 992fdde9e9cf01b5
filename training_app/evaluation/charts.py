"""Charts of evaluation results (pygal SVG, drawn as core/charts.py draws every chart).

Only groups that `results.is_shown` lets through are drawn: a chart is never a way around the
5-answer threshold.
"""

import pygal
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.charts import _ROW_HEIGHT, _config, bar_chart, render
from ..core.turkish import format_number
from .models import SCALE_LABELS
from .results import GroupLine, ScaleLine


def _percent(value) -> str:
    return f"%{format_number(value, 0)}"


def distribution_chart(title: str, lines: list[ScaleLine], pdf: bool = False) -> Markup | None:
    """One stacked bar per 1-5 question: the share of each answer, from "Strongly disagree"
    to "Strongly agree"."""
    lines = [line for line in lines if line.shown]
    if not lines:
        return None
    options = {
        "show_legend": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_legend": -1,
        "margin_bottom": 40,
        "height": max(300, 200 + _ROW_HEIGHT * len(lines)),
        "value_formatter": _percent,
        "range": (0, 100),
        "truncate_label": 60,
    }
    chart = pygal.HorizontalStackedBar(**_config(title, **options))
    # Horizontal bars list from the bottom: reversed so that the first question is on top.
    shown = list(reversed(lines))
    chart.x_labels = [line.label for line in shown]
    for value, label in enumerate(SCALE_LABELS):
        chart.add(str(label), [round(line.shares[value] * 100, 1) for line in shown])
    return render(chart, title, pdf=pdf)


def means_chart(title: str, lines: list[GroupLine], pdf: bool = False) -> Markup | None:
    """The average score (1-5) of each group shown (hidden groups are not drawn)."""
    lines = [line for line in lines if line.mean is not None]
    if not lines:
        return None
    return bar_chart(
        title,
        [line.label for line in lines],
        [(_("Average score (1–5)"), [round(line.mean, 2) for line in lines])],
        horizontal=True,
        digits=2,
        pdf=pdf,
    )
