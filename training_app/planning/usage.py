"""Where a course is used by planning: a course named by a plan line or a need is not deleted."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..catalog import signals
from ..extensions import db
from .models import AnnualPlan, Need, NeedsCall, PlanLine, TopicMapping


def course_usages(course) -> list[str]:
    """Texts naming the plans and needs calls that refer to `course` (two queries, plus one for
    topic mappings)."""
    usages = []
    plans = db.session.execute(
        select(AnnualPlan.year, AnnualPlan.version)
        .join(PlanLine, PlanLine.plan_id == AnnualPlan.id)
        .where(PlanLine.course_id == course.id)
        .distinct()
        .order_by(AnnualPlan.year, AnnualPlan.version)
    ).all()
    for year, version in plans:
        usages.append(
            _("a line of the %(year)s plan (version %(version)d)", year=year, version=version)
        )
    needs = db.session.execute(
        select(NeedsCall.year, func.count(Need.id))
        .join(Need, Need.call_id == NeedsCall.id)
        .where(Need.course_id == course.id)
        .group_by(NeedsCall.year)
        .order_by(NeedsCall.year)
    ).all()
    for year, count in needs:
        usages.append(_("%(n)d need(s) of the %(year)s needs call", n=count, year=year))
    mapped = db.session.scalar(
        select(func.count(TopicMapping.id)).where(TopicMapping.course_id == course.id)
    )
    if mapped:
        usages.append(_("%(n)d topic mapping(s) of the needs", n=mapped))
    return usages


def _on_course_usage(course, **_kwargs) -> list[str]:
    return course_usages(course)


def connect_signals() -> None:
    signals.course_usage.connect(_on_course_usage, weak=False)
