"""Evaluation results across sessions: a trainer's figures, a course's or a category's year and
the office's overview of a year (built on results.py's grouped lines and its anonymity rule).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import gettext as _
from sqlalchemy import exists, select

from ..accounts.models import Person
from ..catalog.models import Category, Course, Session
from ..core.turkish import _locale, tr_sort_key
from ..extensions import db
from .models import Answer, Evaluation
from .results import (
    GroupLine,
    LearningGain,
    ScaleLine,
    _group_lines,
    _scale_by_text,
    learning_gain,
    merge_small,
)

# --- a trainer across sessions -------------------------------------------------------------------


@dataclass
class TrainerResults:
    trainer: Person
    year: int | None
    total: GroupLine
    sessions: list[GroupLine]
    scale: list[ScaleLine]


def _year_conditions(year: int | None):
    if year is None:
        return []
    return [Session.starts_on >= date(year, 1, 1), Session.starts_on <= date(year, 12, 31)]


def month_label(year: int, month: int) -> str:
    """'Mayıs 2026' / 'May 2026'."""
    return format_date(date(year, month, 1), format="LLLL y", locale=_locale())


def _session_label(code: str, title: str, starts_on: date) -> str:
    return f"{starts_on:%d.%m.%Y} {code} – {title}"


def trainer_results(trainer: Person, year: int | None = None) -> TrainerResults:
    """A trainer's own figures (the questions about them) across their sessions; no text."""
    conditions = [Answer.trainer_id == trainer.id, *_year_conditions(year)]
    lines = _group_lines(
        [Session.id, Course.code, Course.title, Session.starts_on],
        lambda _id, code, title, start: _session_label(code, title, start),
        _year_conditions(year),
        answer_filter=Answer.trainer_id == trainer.id,
    )
    lines.sort(key=lambda line: line.label)
    total = GroupLine(
        _("All sessions"),
        responses=sum(line.responses for line in lines),
        score_sum=sum(line.score_sum for line in lines),
        score_count=sum(line.score_count for line in lines),
    )
    scale = _scale_by_text(conditions) if total.shown else []
    return TrainerResults(
        trainer, year, total, merge_small(lines, _("Sessions with fewer than 5 answers")), scale
    )


def trainers_with_answers() -> list[Person]:
    """Trainers asked about in some evaluation, for the office's choice of a trainer."""
    return list(
        db.session.scalars(
            select(Person)
            .where(exists().where(Answer.trainer_id == Person.id))
            .order_by(Person.sort_key)
        )
    )


# --- a course or a category across a year -------------------------------------------------------


@dataclass
class GroupResults:
    """A course's or a category's year: total, lines (sessions or courses), questions, gain."""

    label: str
    year: int
    total: GroupLine
    lines: list[GroupLine]
    scale: list[ScaleLine]
    learning: LearningGain


def _invited(conditions) -> dict:
    """People asked per session (evaluation.invited_count) for sessions matching `conditions`."""
    query = (
        select(Session.id, Course.id, Evaluation.invited_count)
        .join(Session, Session.id == Evaluation.session_id)
        .join(Course, Course.id == Session.course_id)
        .where(Evaluation.opens_at.is_not(None), *conditions)
    )
    return {(s, c): n for s, c, n in db.session.execute(query)}


def _total(label: str, lines: list[GroupLine], invited: int | None) -> GroupLine:
    return GroupLine(
        label,
        responses=sum(line.responses for line in lines),
        score_sum=sum(line.score_sum for line in lines),
        score_count=sum(line.score_count for line in lines),
        invited=invited,
    )


def course_results(course: Course, year: int) -> GroupResults:
    """A course's sessions of a year: one line per session (small ones merged), the questions."""
    conditions = [Session.course_id == course.id, *_year_conditions(year)]
    invited = _invited(conditions)
    lines = _group_lines(
        [Session.id, Course.code, Course.title, Session.starts_on],
        lambda _id, code, title, start: _session_label(code, title, start),
        conditions,
    )
    for line in lines:
        line.invited = invited.get((line.key, course.id))
    lines.sort(key=lambda line: line.label)
    total = _total(_("All sessions"), lines, sum(invited.values()))
    return GroupResults(
        f"{course.code} – {course.title}",
        year,
        total,
        merge_small(lines, _("Sessions with fewer than 5 answers")),
        _scale_by_text(conditions) if total.shown else [],
        learning_gain(conditions),
    )


def category_results(category: Category, year: int) -> GroupResults:
    """A category's courses of a year: one line per course (small ones merged), the questions."""
    conditions = [Course.category_id == category.id, *_year_conditions(year)]
    invited = _invited(conditions)
    per_course = Counter()
    for (_session, course_id), n in invited.items():
        per_course[course_id] += n
    lines = _group_lines(
        [Course.id, Course.code, Course.title, Course.sort_key],
        lambda _id, code, title, _key: f"{code} – {title}",
        conditions,
    )
    for line in lines:
        line.invited = per_course.get(line.key)
    lines.sort(key=lambda line: tr_sort_key(line.label))
    total = _total(_("All trainings"), lines, sum(invited.values()))
    return GroupResults(
        category.name,
        year,
        total,
        merge_small(lines, _("Trainings with fewer than 5 answers")),
        _scale_by_text(conditions) if total.shown else [],
        learning_gain(conditions),
    )


@dataclass
class YearOverview:
    year: int
    categories: list[GroupLine]
    courses: list[GroupLine]


def year_overview(year: int) -> YearOverview:
    """The office's entry to the results of a year: every category and course (two queries)."""
    conditions = _year_conditions(year)
    categories = _group_lines(
        [Category.id, Category.name, Category.sort_key],
        lambda _id, name, _key: name,
        conditions,
        joins=[(Category, Category.id == Course.category_id)],
    )
    courses = _group_lines(
        [Course.id, Course.code, Course.title],
        lambda _id, code, title: f"{code} – {title}",
        conditions,
    )
    categories.sort(key=lambda line: tr_sort_key(line.label))
    courses.sort(key=lambda line: tr_sort_key(line.label))
    # Links stay for every line; figures follow is_shown in the template.
    return YearOverview(year, categories, courses)
