"""The reports' evaluation section ("Katılımcı değerlendirmeleri"): satisfaction by category
and month, response rate, learning gain and the most asked-for next topics, or for a limited
scope only the response rate (built on results.py's grouped lines and its anonymity rule).
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import distinct, exists, extract, func, select

from ..attendance.models import AttendanceMark
from ..catalog.models import Category, Course, Meeting, Session
from ..core.turkish import search_key, tr_sort_key
from ..enrollment.models import Registration
from ..extensions import db
from .group_results import _total, month_label
from .models import Answer, Evaluation, Question, Response
from .results import (
    GroupLine,
    LearningGain,
    _group_lines,
    _scope_condition,
    learning_gain,
    merge_small,
)
from .services import ATTENDED

#: The "topics wanted next" question, recognised by its text (kept by every new version).
TOPICS_QUESTION_TEXTS = ("Bundan sonra hangi konularda eğitim almak istersiniz?",)

#: How many of the most asked-for topics a report lists.
TOP_TOPICS = 10


@dataclass
class ReportSection:
    total: GroupLine
    by_category: list[GroupLine]
    by_month: list[GroupLine]
    learning: LearningGain
    #: (topic as most often written, how many asked for it); empty unless asked for.
    topics: list[tuple[str, int]]
    #: False for a coordinator: how many answered, never what.
    answers_shown: bool = True


_TOPIC_SEPARATORS = re.compile(r"[,;\n/]+|\s+ve\s+|\s*-\s+")


def group_topics(texts: list[str], limit: int = TOP_TOPICS) -> list[tuple[str, int]]:
    """The most asked-for topics: texts split at commas, semicolons, lines and "ve", grouped
    the Turkish way (search_key: case, dotted and dotless i, ASCII typing), each shown as it
    was most often written."""
    groups: dict[str, Counter] = {}
    for text in texts:
        seen = set()
        for piece in _TOPIC_SEPARATORS.split(text or ""):
            topic = " ".join(piece.strip(" .!?\"'()").split())
            key = search_key(topic)
            if len(key) < 3 or key in seen:
                continue
            seen.add(key)
            groups.setdefault(key, Counter())[topic] += 1
    ranked = sorted(
        groups.values(), key=lambda c: (-sum(c.values()), tr_sort_key(c.most_common(1)[0][0]))
    )
    return [(c.most_common(1)[0][0], sum(c.values())) for c in ranked[:limit]]


def _invited_in_scope(conditions, municipality_ids) -> int:
    """People asked: every evaluation's count, or those of the scope's municipalities who
    attended (one query either way)."""
    if municipality_ids is None:
        query = (
            select(func.coalesce(func.sum(Evaluation.invited_count), 0))
            .join(Session, Session.id == Evaluation.session_id)
            .join(Course, Course.id == Session.course_id)
            .where(Evaluation.opens_at.is_not(None), *conditions)
        )
        return int(db.session.scalar(query) or 0)
    attended = (
        exists()
        .where(AttendanceMark.registration_id == Registration.id)
        .where(AttendanceMark.meeting_id == Meeting.id)
        .where(Meeting.session_id == Registration.session_id)
        .where(AttendanceMark.status.in_(ATTENDED))
    )
    query = (
        select(func.count(distinct(Registration.id)))
        .join(Session, Session.id == Registration.session_id)
        .join(Course, Course.id == Session.course_id)
        .join(Evaluation, Evaluation.session_id == Session.id)
        .where(
            Evaluation.opens_at.is_not(None),
            Registration.municipality_id.in_(sorted(municipality_ids) or [-1]),
            attended,
            *conditions,
        )
    )
    return int(db.session.scalar(query) or 0)


def response_rate_section(start: date, end: date, municipality_ids) -> ReportSection:
    """A coordinator's section: how many of their people answered, never what (two queries)."""
    conditions = [Session.starts_on >= start, Session.starts_on <= end]
    responses = db.session.scalar(
        select(func.count(Response.id))
        .join(Evaluation, Evaluation.id == Response.evaluation_id)
        .join(Session, Session.id == Evaluation.session_id)
        .join(Course, Course.id == Session.course_id)
        .where(_scope_condition(municipality_ids), *conditions)
    )
    total = GroupLine(
        _("Total"),
        responses=int(responses or 0),
        invited=_invited_in_scope(conditions, municipality_ids),
    )
    return ReportSection(total, [], [], LearningGain(), [], answers_shown=False)


def report_section(
    start: date, end: date, municipality_ids=None, with_topics: bool = True
) -> ReportSection:
    """The evaluation figures of the sessions that started between `start` and `end`:
    satisfaction by category and by month, response rate, learning gain, next topics.
    Three queries whatever the number of answers, four with the topics."""
    conditions = [Session.starts_on >= start, Session.starts_on <= end]
    year, month = extract("year", Session.starts_on), extract("month", Session.starts_on)
    # One pass over the answers grouped by category and month; a response belongs to one
    # session, so the groups' responses add up without counting one twice.
    cells = _group_lines(
        [Category.id, Category.name, year, month],
        lambda _id, name, _y, _m: name,
        conditions,
        joins=[(Category, Category.id == Course.category_id)],
        municipality_ids=municipality_ids,
        key_of=lambda cid, _name, y, m: (cid, (int(y), int(m))),
        whole_period=True,
    )
    categories: dict = {}
    months: dict = {}
    for cell in cells:
        category_id, key = cell.key
        for lines, line_key, label in (
            (categories, category_id, cell.label),
            (months, key, None),
        ):
            line = lines.get(line_key)
            if line is None:
                line = lines[line_key] = GroupLine(label or month_label(*key), key=line_key)
            line.responses += cell.responses
            line.score_sum += cell.score_sum
            line.score_count += cell.score_count
    by_category = sorted(categories.values(), key=lambda line: tr_sort_key(line.label))
    by_month = [months[key] for key in sorted(months)]
    total = _total(_("Total"), by_category, _invited_in_scope(conditions, municipality_ids))
    topics: list[tuple[str, int]] = []
    if with_topics:
        texts = db.session.scalars(
            select(Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .join(Question, Question.id == Answer.question_id)
            .join(Evaluation, Evaluation.id == Response.evaluation_id)
            .join(Session, Session.id == Evaluation.session_id)
            .where(
                Question.text.in_(TOPICS_QUESTION_TEXTS),
                Answer.text.is_not(None),
                _scope_condition(municipality_ids),
                *conditions,
            )
        )
        # Free texts, even grouped, only from a group large enough to be shown.
        topics = group_topics(list(texts)) if total.shown else []
    return ReportSection(
        total=total,
        by_category=merge_small(by_category, _("Categories with fewer than 5 answers")),
        by_month=merge_small(by_month, _("Months with fewer than 5 answers")),
        learning=learning_gain(conditions, municipality_ids),
        topics=topics,
    )
