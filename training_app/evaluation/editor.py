"""The questionnaire editor: building, versioning and publishing questionnaires, and choosing
which one a course is asked with."""

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from ..accounts.models import User
from ..catalog.models import Course
from ..core import audit
from ..core.errors import Conflict, DomainError, InvalidTransition
from ..extensions import db
from .models import (
    CourseEvaluationSetting,
    Evaluation,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireSection,
    QuestionnaireStatus,
    QuestionOption,
    QuestionSubject,
    Response,
)


def default_questionnaire() -> Questionnaire | None:
    return db.session.scalar(
        select(Questionnaire)
        .where(
            Questionnaire.is_default.is_(True),
            Questionnaire.status == QuestionnaireStatus.PUBLISHED,
        )
        .order_by(Questionnaire.version.desc())
    )


def questionnaire_for(course: Course) -> Questionnaire | None:
    """The course's chosen questionnaire if published, else the default."""
    setting = db.session.get(CourseEvaluationSetting, course.id)
    if (
        setting is not None
        and setting.questionnaire is not None
        and setting.questionnaire.status == QuestionnaireStatus.PUBLISHED
    ):
        return setting.questionnaire
    return default_questionnaire()


def choose_questionnaire(course: Course, questionnaire: Questionnaire | None, by: User) -> None:
    """A course asks another questionnaire (None: the default)."""
    if questionnaire is not None and questionnaire.status != QuestionnaireStatus.PUBLISHED:
        raise DomainError(_("Only a published questionnaire can be chosen."), field="questionnaire")
    setting = db.session.get(CourseEvaluationSetting, course.id)
    if setting is None:
        setting = CourseEvaluationSetting(course_id=course.id)
        db.session.add(setting)
    setting.questionnaire_id = questionnaire.id if questionnaire else None
    audit.record(
        "course.questionnaire",
        course,
        {"questionnaire": questionnaire.id if questionnaire else None},
        actor=by,
    )
    db.session.flush()


def has_answers(questionnaire: Questionnaire) -> bool:
    return bool(
        db.session.scalar(select(exists().where(Response.questionnaire_id == questionnaire.id)))
        or db.session.scalar(
            select(exists().where(Evaluation.questionnaire_id == questionnaire.id))
        )
    )


def ensure_editable(questionnaire: Questionnaire) -> None:
    """Past answers keep their meaning: a questionnaire that was asked is changed by a new
    version only."""
    if questionnaire.status == QuestionnaireStatus.ARCHIVED:
        raise InvalidTransition(_("An archived questionnaire cannot be changed."))
    if has_answers(questionnaire):
        raise InvalidTransition(
            _(
                "This questionnaire has already been sent to participants: make a new version "
                "to change it."
            )
        )


def create_questionnaire(name: str, by: User, introduction: str | None = None) -> Questionnaire:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    questionnaire = Questionnaire(name=name, introduction=introduction or None)
    db.session.add(questionnaire)
    db.session.flush()
    audit.record("questionnaire.create", questionnaire, {"name": name}, actor=by)
    return questionnaire


def rename_questionnaire(
    questionnaire: Questionnaire, name: str, introduction: str | None, by: User
) -> None:
    """Name and introduction change no answer's meaning: allowed on every version."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    questionnaire.name = name
    questionnaire.introduction = introduction or None
    audit.record("questionnaire.rename", questionnaire, {"name": name}, actor=by)


def add_section(questionnaire: Questionnaire, title: str, by: User) -> QuestionnaireSection:
    ensure_editable(questionnaire)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Enter a title."), field="title")
    section = QuestionnaireSection(title=title, position=len(questionnaire.sections) + 1)
    questionnaire.sections.append(section)
    db.session.flush()
    return section


def _clean_options(kind: QuestionKind, options: list[str]) -> list[str]:
    cleaned = [o.strip() for o in options if o and o.strip()]
    if kind.has_options:
        if len(cleaned) < 2:
            raise DomainError(_("A choice question needs at least two options."), field="options")
        if len({o.casefold() for o in cleaned}) != len(cleaned):
            raise DomainError(_("The options must differ from each other."), field="options")
        return cleaned
    return []


def add_question(
    section: QuestionnaireSection,
    text: str,
    kind: QuestionKind,
    subject: QuestionSubject = QuestionSubject.COURSE,
    required: bool = True,
    options: list[str] | None = None,
    help_text: str | None = None,
) -> Question:
    ensure_editable(section.questionnaire)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Enter the question."), field="text")
    labels = _clean_options(kind, options or [])
    question = Question(
        text=text,
        help_text=(help_text or "").strip() or None,
        kind=kind,
        subject=subject,
        required=required,
        position=len(section.questions) + 1,
        options=[QuestionOption(label=label, position=n) for n, label in enumerate(labels, 1)],
    )
    section.questions.append(question)
    db.session.flush()
    return question


def remove_question(question: Question) -> None:
    section = question.section
    ensure_editable(section.questionnaire)
    section.questions.remove(question)
    for n, q in enumerate(section.questions, 1):
        q.position = n
    db.session.flush()


def remove_section(section: QuestionnaireSection) -> None:
    questionnaire = section.questionnaire
    ensure_editable(questionnaire)
    questionnaire.sections.remove(section)
    for n, s in enumerate(questionnaire.sections, 1):
        s.position = n
    db.session.flush()


def move_question(question: Question, step: int) -> None:
    """Up (-1) or down (+1) within its section. Order changes no answer's meaning."""
    section = question.section
    if section.questionnaire.status == QuestionnaireStatus.ARCHIVED:
        raise InvalidTransition(_("An archived questionnaire cannot be changed."))
    _move_within(section.questions, question, step)
    db.session.flush()


def move_section(section: QuestionnaireSection, step: int) -> None:
    questionnaire = section.questionnaire
    if questionnaire.status == QuestionnaireStatus.ARCHIVED:
        raise InvalidTransition(_("An archived questionnaire cannot be changed."))
    _move_within(questionnaire.sections, section, step)
    db.session.flush()


def _move_within(items: list, item, step: int) -> None:
    """Swap `item` with its neighbour `step` away (nothing at either end), renumber positions
    from 1 and keep the ordered relationship `items` in the new order."""
    ordered = list(items)
    i = ordered.index(item)
    j = i + step
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
        for n, each in enumerate(ordered, 1):
            each.position = n
        items.sort(key=lambda each: each.position)


def publish_questionnaire(questionnaire: Questionnaire, by: User) -> None:
    questionnaire.publish()
    audit.record("questionnaire.publish", questionnaire, actor=by)
    # A new version of the default takes its place.
    others = db.session.scalars(
        select(Questionnaire).where(
            Questionnaire.lineage == questionnaire.lineage, Questionnaire.id != questionnaire.id
        )
    ).all()
    if any(o.is_default for o in others):
        make_default(questionnaire, by)
    for other in others:
        if other.status == QuestionnaireStatus.PUBLISHED:
            other.status = QuestionnaireStatus.ARCHIVED
            other.is_default = False
            for setting in db.session.scalars(
                select(CourseEvaluationSetting).where(
                    CourseEvaluationSetting.questionnaire_id == other.id
                )
            ):
                setting.questionnaire_id = questionnaire.id
    db.session.flush()


def make_default(questionnaire: Questionnaire, by: User) -> None:
    if questionnaire.status == QuestionnaireStatus.ARCHIVED:
        raise InvalidTransition(_("An archived questionnaire cannot be the default."))
    for other in db.session.scalars(select(Questionnaire).where(Questionnaire.is_default)):
        other.is_default = False
    questionnaire.is_default = True
    audit.record("questionnaire.default", questionnaire, actor=by)
    db.session.flush()


def archive_questionnaire(questionnaire: Questionnaire, by: User) -> None:
    questionnaire.archive()
    audit.record("questionnaire.archive", questionnaire, actor=by)


def draft_version(questionnaire: Questionnaire) -> Questionnaire | None:
    """The draft of the questionnaire's lineage, if one is being prepared (at most one)."""
    return db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.lineage == questionnaire.lineage,
            Questionnaire.status == QuestionnaireStatus.DRAFT,
        )
    )


def new_version(questionnaire: Questionnaire, by: User) -> Questionnaire:
    """A draft copy with the next version number; past answers stay with the old version."""
    latest = db.session.scalar(
        select(func.max(Questionnaire.version)).where(
            Questionnaire.lineage == questionnaire.lineage
        )
    )
    if draft_version(questionnaire) is not None:
        raise Conflict(_("A draft version of this questionnaire exists already: edit it."))
    copy = Questionnaire(
        lineage=questionnaire.lineage,
        version=(latest or 0) + 1,
        name=questionnaire.name,
        introduction=questionnaire.introduction,
        sections=[
            QuestionnaireSection(
                title=s.title,
                position=s.position,
                questions=[
                    Question(
                        text=q.text,
                        help_text=q.help_text,
                        kind=q.kind,
                        subject=q.subject,
                        required=q.required,
                        position=q.position,
                        options=[
                            QuestionOption(label=o.label, position=o.position) for o in q.options
                        ],
                    )
                    for q in s.questions
                ],
            )
            for s in questionnaire.sections
        ],
    )
    db.session.add(copy)
    db.session.flush()
    audit.record(
        "questionnaire.new_version", copy, {"from": questionnaire.id, "version": copy.version}
    )
    return copy


def questionnaires() -> list[Questionnaire]:
    return list(
        db.session.scalars(
            select(Questionnaire).order_by(Questionnaire.name, Questionnaire.version.desc())
        )
    )


def published_questionnaires() -> list[Questionnaire]:
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(Questionnaire.status == QuestionnaireStatus.PUBLISHED)
            .order_by(Questionnaire.name, Questionnaire.version.desc())
        )
    )
