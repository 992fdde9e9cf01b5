"""The dashboard's charts; how a chart is drawn (SVG without script or style, its look in a PDF)
is core/charts.py, shared with the evaluation results."""

from flask_babel import gettext as _
from markupsafe import Markup

from ..core.charts import PDF_STYLE, bar_chart, render  # noqa: F401  (used by tests and pages)


def dashboard_charts(dashboard, pdf: bool = False) -> dict[str, Markup]:
    """One chart per breakdown of a services.Dashboard (the page and the yearly report draw
    the same ones); the tables that follow them carry the same figures."""
    out = {}

    def labels(lines):
        return [line.label for line in lines]

    if dashboard.by_month and dashboard.summary.sessions:
        out["month"] = bar_chart(
            _("Participants and no-shows by month"),
            labels(dashboard.by_month),
            [
                (_("Participants"), [f.participants for f in dashboard.by_month]),
                (_("No-shows"), [f.no_shows for f in dashboard.by_month]),
            ],
            pdf=pdf,
        )
    if dashboard.by_municipality:
        out["municipality"] = bar_chart(
            _("Participants by municipality"),
            labels(dashboard.by_municipality),
            [(_("Participants"), [f.participants for f in dashboard.by_municipality])],
            horizontal=True,
            pdf=pdf,
        )
    if dashboard.by_position:
        out["position"] = bar_chart(
            _("Participants by position"),
            labels(dashboard.by_position),
            [(_("Participants"), [f.participants for f in dashboard.by_position])],
            horizontal=True,
            pdf=pdf,
        )
    if dashboard.by_category:
        out["category"] = bar_chart(
            _("Participant-hours by category"),
            labels(dashboard.by_category),
            [(_("Participant-hours"), [f.participant_hours for f in dashboard.by_category])],
            horizontal=True,
            digits=1,
            pdf=pdf,
        )
    return out


def evaluation_charts(section, pdf: bool = False) -> dict[str, Markup]:
    """The "Katılımcı değerlendirmeleri" section's charts: average score by category and by
    month (groups below the 5-answer threshold are not drawn)."""
    from ..evaluation.charts import means_chart

    out = {
        "category": means_chart(
            _("Satisfaction by category (average score 1–5)"), section.by_category, pdf=pdf
        ),
        "month": means_chart(
            _("Satisfaction by month (average score 1–5)"), section.by_month, pdf=pdf
        ),
    }
    return {name: chart for name, chart in out.items() if chart is not None}
