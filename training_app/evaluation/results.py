"""Evaluation results: what the answers say, per session (across sessions: group_results.py;
the reports' section: report_section.py).

Anonymity in small groups is one rule, `is_shown`: a group (a session, a trainer, a
municipality, a month, a question's answers...) with fewer than MIN_ANSWERS answers is never
shown broken down; `merge_small` folds such lines into one "other" line of a breakdown, shown
only if the merged line reaches the threshold. Every page, export and report section goes
through these two functions.

No query here returns a person next to an answer: answers are read as counts and averages
grouped by question, session, course, category or month; free texts (office only) come without
municipality, position or date, sorted by their text rather than in the order they were given.

Every result costs a fixed number of aggregate queries whatever the number of answers.
"""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..attendance.models import Completion
from ..catalog.models import Course, Session
from ..core.turkish import tr_sort_key
from ..enrollment.models import Registration
from ..extensions import db
from .models import (
    Answer,
    AttemptKind,
    Evaluation,
    KnowledgeTest,
    Question,
    QuestionKind,
    QuestionnaireSection,
    QuestionSubject,
    Response,
    TestAttempt,
)

#: The smallest group whose results are shown broken down.
MIN_ANSWERS = 5

#: What a hidden group shows instead of its figures.
HIDDEN_NOTE = _l("Fewer than 5 answers: not shown for privacy.")


def is_shown(answer_count: int | None) -> bool:
    """The one rule of anonymity in small groups: a group's results are shown broken down only
    when at least MIN_ANSWERS people answered in it."""
    return (answer_count or 0) >= MIN_ANSWERS


# --- result lines --------------------------------------------------------------------------------


@dataclass
class GroupLine:
    """One group of a breakdown: its responses and the average of its 1-5 answers."""

    label: str
    responses: int = 0
    score_sum: float = 0
    score_count: int = 0
    #: People asked, when known (the denominator of the response rate).
    invited: int | None = None
    key: object = None
    #: True for the line that merges the groups too small to be shown.
    merged: bool = False

    @property
    def shown(self) -> bool:
        return is_shown(self.responses)

    @property
    def mean(self) -> float | None:
        if not self.shown or not self.score_count:
            return None
        return self.score_sum / self.score_count

    @property
    def response_rate(self) -> float | None:
        if not self.invited:
            return None
        return min(self.responses / self.invited, 1)


def merge_small(lines: list[GroupLine], other_label: str) -> list[GroupLine]:
    """Lines of fewer than MIN_ANSWERS answers merged into one line placed last (itself shown
    only if the merged answers reach MIN_ANSWERS); the others as they were."""
    kept = [line for line in lines if line.shown]
    small = [line for line in lines if not line.shown and line.responses]
    if small:
        invited = [line.invited for line in small]
        kept.append(
            GroupLine(
                label=other_label,
                responses=sum(line.responses for line in small),
                score_sum=sum(line.score_sum for line in small),
                score_count=sum(line.score_count for line in small),
                invited=None if None in invited else sum(invited),
                merged=True,
            )
        )
    return kept


@dataclass
class ScaleLine:
    """The answers to one 1-5 question (about one trainer, for a trainer question)."""

    label: str
    section: str = ""
    distribution: list[int] = field(default_factory=lambda: [0] * 5)

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def shown(self) -> bool:
        return is_shown(self.count)

    @property
    def mean(self) -> float | None:
        if not self.shown:
            return None
        return sum(n * v for v, n in enumerate(self.distribution, start=1)) / self.count

    @property
    def shares(self) -> list[float]:
        return [n / self.count for n in self.distribution] if self.count else [0.0] * 5


@dataclass
class ChoiceLine:
    """The answers to one choice question: how often each option was chosen."""

    label: str
    section: str = ""
    options: list[tuple[str, int]] = field(default_factory=list)
    #: Responses that answered the question (a multiple choice gives several options each).
    count: int = 0

    @property
    def shown(self) -> bool:
        return is_shown(self.count)


@dataclass
class TextGroup:
    """The free texts given to one question (office only), in alphabetical order."""

    label: str
    texts: list[str]


@dataclass
class LearningGain:
    """Pre-test and post-test of the same people: averages, gain and share who improved."""

    pairs: int = 0
    before: float | None = None
    after: float | None = None
    improved: int = 0

    @property
    def shown(self) -> bool:
        return is_shown(self.pairs)

    @property
    def gain(self) -> float | None:
        if not self.shown or self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.pairs if self.shown else None


# --- shared query pieces -------------------------------------------------------------------------


def _scope_condition(municipality_ids):
    """Responses of these municipalities only (None: all)."""
    if municipality_ids is None:
        return True
    return Response.municipality_id.in_(sorted(municipality_ids) or [-1])


def _asked_sessions(*conditions):
    """Evaluation joined to its session and course, asked, with `conditions`."""
    return (
        select(Evaluation.id)
        .join(Session, Session.id == Evaluation.session_id)
        .join(Course, Course.id == Session.course_id)
        .where(Evaluation.opens_at.is_not(None), *conditions)
    )


def _group_lines(
    group_columns,
    label_of,
    conditions,
    joins=(),
    municipality_ids=None,
    key_of=None,
    answer_filter=None,
    whole_period: bool = False,
):
    """One GroupLine per group: responses and their 1-5 answers (one query).

    With `answer_filter` only the answers it keeps count, and only responses that have one.
    `whole_period` (the reports' section, over most answers of the database) sums the answers
    per response first, a pass over the answers grouped by their indexed response, so that
    counting responses needs no DISTINCT over every answer row; a narrower group (a course,
    a trainer) filters first instead, which a database cannot push into a grouped subquery.
    """
    base = select(*group_columns).select_from(Response)
    base = (
        base.join(Evaluation, Evaluation.id == Response.evaluation_id)
        .join(Session, Session.id == Evaluation.session_id)
        .join(Course, Course.id == Session.course_id)
    )
    if whole_period:
        per_response = (
            select(
                Answer.response_id.label("response_id"),
                func.sum(Answer.scale_value).label("score_sum"),
                func.count(Answer.scale_value).label("score_count"),
            )
            .group_by(Answer.response_id)
            .subquery()
        )
        query = base.add_columns(
            func.count(Response.id),
            func.sum(per_response.c.score_sum),
            func.sum(per_response.c.score_count),
        ).outerjoin(per_response, per_response.c.response_id == Response.id)
    else:
        on = Answer.response_id == Response.id
        if answer_filter is not None:
            on = and_(on, answer_filter)
        query = base.add_columns(
            func.count(distinct(Response.id)),
            func.sum(Answer.scale_value),
            func.count(Answer.scale_value),
        )
        query = query.join(Answer, on) if answer_filter is not None else query.outerjoin(Answer, on)
    for target, join_on in joins:
        query = query.join(target, join_on)
    query = query.where(_scope_condition(municipality_ids), *conditions).group_by(*group_columns)
    lines = []
    for row in db.session.execute(query):
        *keys, n, total, count = row
        lines.append(
            GroupLine(
                label=label_of(*keys),
                responses=int(n),
                score_sum=float(total or 0),
                score_count=int(count or 0),
                key=key_of(*keys) if key_of else keys[0],
            )
        )
    return lines


def _scale_by_text(conditions, joins=(), municipality_ids=None) -> list[ScaleLine]:
    """1-5 answers grouped by question text (questions of several versions merge), in the
    order of the questionnaire (one query)."""
    query = (
        select(
            Question.text,
            QuestionnaireSection.title,
            Answer.scale_value,
            func.count(),
            func.min(QuestionnaireSection.position),
            func.min(Question.position),
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionnaireSection, QuestionnaireSection.id == Question.section_id)
        .join(Evaluation, Evaluation.id == Response.evaluation_id)
        .join(Session, Session.id == Evaluation.session_id)
        .join(Course, Course.id == Session.course_id)
    )
    for target, on in joins:
        query = query.join(target, on)
    query = query.where(
        Answer.scale_value.is_not(None), _scope_condition(municipality_ids), *conditions
    ).group_by(Question.text, QuestionnaireSection.title, Answer.scale_value)
    lines: dict[str, ScaleLine] = {}
    order: dict[str, tuple] = {}
    for text, section, value, n, section_position, position in db.session.execute(query):
        line = lines.setdefault(text, ScaleLine(text, section))
        line.distribution[value - 1] += int(n)
        order[text] = min(order.get(text, (99, 99)), (section_position, position))
    return sorted(lines.values(), key=lambda line: order[line.label])


def satisfaction_by_session(session_ids) -> dict[int, GroupLine]:
    """Per session of `session_ids`: its responses and 1-5 answers (one query), for features
    that merge sessions into their own groups (plan lines) and then apply `is_shown` to the
    merged group."""
    if not session_ids:
        return {}
    lines = _group_lines(
        [Session.id], lambda session_id: str(session_id), [Session.id.in_(sorted(session_ids))]
    )
    return {line.key: line for line in lines}


def merged_mean(lines) -> float | None:
    """The mean of several groups' 1-5 answers as one group: None below the threshold."""
    merged = GroupLine(
        label="",
        responses=sum(line.responses for line in lines),
        score_sum=sum(line.score_sum for line in lines),
        score_count=sum(line.score_count for line in lines),
    )
    return merged.mean


def learning_gain(conditions, municipality_ids=None) -> LearningGain:
    """Pairs of a person's pre-test and post-test in one session (the course's exam score as
    post-test where the course says so), aggregated in one query."""
    pre, post = aliased(TestAttempt), aliased(TestAttempt)
    after = func.coalesce(
        post.score, case((KnowledgeTest.exam_is_post_test, Completion.exam_score))
    )
    query = (
        select(
            func.count(),
            func.avg(pre.score),
            func.avg(after),
            func.count(case((after > pre.score, 1))),
        )
        .select_from(pre)
        .join(KnowledgeTest, KnowledgeTest.id == pre.test_id)
        .join(Session, Session.id == pre.session_id)
        .join(Course, Course.id == Session.course_id)
        .outerjoin(
            post,
            and_(
                post.session_id == pre.session_id,
                post.person_id == pre.person_id,
                post.kind == AttemptKind.POST,
            ),
        )
        .outerjoin(
            Registration,
            and_(
                Registration.session_id == pre.session_id,
                Registration.person_id == pre.person_id,
            ),
        )
        .outerjoin(Completion, Completion.registration_id == Registration.id)
        .where(pre.kind == AttemptKind.PRE, after.is_not(None), *conditions)
    )
    if municipality_ids is not None:
        query = query.where(Registration.municipality_id.in_(sorted(municipality_ids) or [-1]))
    pairs, before, after_mean, improved = db.session.execute(query).one()
    return LearningGain(
        pairs=int(pairs or 0),
        before=float(before) if before is not None else None,
        after=float(after_mean) if after_mean is not None else None,
        improved=int(improved or 0),
    )


# --- one session ---------------------------------------------------------------------------------


@dataclass
class SessionResults:
    session: Session
    evaluation: Evaluation | None
    responses: int = 0
    scale: list[ScaleLine] = field(default_factory=list)
    choices: list[ChoiceLine] = field(default_factory=list)
    texts: list[TextGroup] = field(default_factory=list)
    learning: LearningGain = field(default_factory=LearningGain)

    @property
    def invited(self) -> int:
        return self.evaluation.invited_count if self.evaluation else 0

    @property
    def shown(self) -> bool:
        return is_shown(self.responses)

    @property
    def response_rate(self) -> float | None:
        return min(self.responses / self.invited, 1) if self.invited else None


def session_results(session: Session, with_texts: bool = False) -> SessionResults:
    """A session's results: response rate always; the answers only for MIN_ANSWERS or more;
    free texts only when asked for (`with_texts`: the office)."""
    evaluation = db.session.scalar(
        select(Evaluation)
        .where(Evaluation.session_id == session.id)
        .options(selectinload(Evaluation.questionnaire))
    )
    result = SessionResults(session, evaluation)
    learning = learning_gain([Session.id == session.id])
    result.learning = learning
    if evaluation is None or evaluation.questionnaire_id is None:
        return result
    result.responses = db.session.scalar(
        select(func.count()).select_from(Response).where(Response.evaluation_id == evaluation.id)
    )
    if not result.shown:
        return result
    questions = list(
        db.session.scalars(
            select(Question)
            .join(QuestionnaireSection, QuestionnaireSection.id == Question.section_id)
            .where(QuestionnaireSection.questionnaire_id == evaluation.questionnaire_id)
            .order_by(QuestionnaireSection.position, Question.position)
            .options(selectinload(Question.options), selectinload(Question.section))
        )
    )
    of_evaluation = and_(Answer.response_id == Response.id, Response.evaluation_id == evaluation.id)
    counts = db.session.execute(
        select(Answer.question_id, Answer.trainer_id, Answer.scale_value, Answer.option_id)
        .add_columns(func.count())
        .join(Response, of_evaluation)
        .where(or_(Answer.scale_value.is_not(None), Answer.option_id.is_not(None)))
        .group_by(Answer.question_id, Answer.trainer_id, Answer.scale_value, Answer.option_id)
    ).all()
    trainers = {p.id: p.full_name for p in session.trainers}
    scale: dict[tuple, ScaleLine] = {}
    options: dict[tuple, Counter] = {}
    answered: dict[tuple, int] = Counter()
    for question_id, trainer_id, value, option_id, n in counts:
        key = (question_id, trainer_id)
        if value is not None:
            scale.setdefault(key, [0] * 5)
            scale[key][value - 1] += int(n)
        else:
            options.setdefault(key, Counter())[option_id] += int(n)
    # Responses that chose at least one option of a choice question (one more query).
    for question_id, trainer_id, n in db.session.execute(
        select(Answer.question_id, Answer.trainer_id, func.count(distinct(Answer.response_id)))
        .join(Response, of_evaluation)
        .where(Answer.option_id.is_not(None))
        .group_by(Answer.question_id, Answer.trainer_id)
    ):
        answered[(question_id, trainer_id)] = int(n)
    for question in questions:
        subjects = (
            sorted({t for (q, t) in scale | options if q == question.id}, key=lambda t: t or 0)
            if question.subject == QuestionSubject.TRAINER
            else [None]
        )
        for trainer_id in subjects:
            label = question.text
            if trainer_id is not None:
                label = f"{question.text} ({trainers.get(trainer_id, _('Trainer'))})"
            key = (question.id, trainer_id)
            if question.kind == QuestionKind.SCALE_1_5:
                result.scale.append(
                    ScaleLine(label, question.section.title, scale.get(key, [0] * 5))
                )
            elif question.kind.has_options:
                chosen = options.get(key, Counter())
                result.choices.append(
                    ChoiceLine(
                        label,
                        question.section.title,
                        [(o.label, chosen.get(o.id, 0)) for o in question.options],
                        answered.get(key, 0),
                    )
                )
    if with_texts:
        texts: dict[int, list[str]] = {}
        for question_id, text in db.session.execute(
            select(Answer.question_id, Answer.text)
            .join(Response, of_evaluation)
            .where(Answer.text.is_not(None), Answer.text != "")
        ):
            texts.setdefault(question_id, []).append(text)
        result.texts = [
            TextGroup(q.text, sorted(texts[q.id], key=tr_sort_key))
            for q in questions
            if q.id in texts
        ]
    return result
