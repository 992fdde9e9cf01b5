"""Evaluation questionnaires, the asking of one session, anonymous answers and knowledge tests.

Anonymity is a property of the schema, not of the views:
- a `Response` (and its `Answer` rows) holds no person, user or registration column; it keeps the
  municipality and position of the one who answered (for breakdowns, shown only for groups of at
  least 5 answers) and the day it was submitted, never the exact time;
- an `EvaluationReceipt` records that a person answered an evaluation (to refuse a second answer
  and to know whom to remind) and holds no link to the response;
- a response's primary key is random, so that the order of responses cannot be lined up with the
  order of receipts written in the same transaction.
"""

import enum
import secrets
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person, Position
from ..catalog.models import Course, Session
from ..core.columns import str_enum
from ..core.errors import InvalidTransition
from ..core.timeutil import utcnow
from ..extensions import db

# --- questionnaires ------------------------------------------------------------------------------


class QuestionnaireStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return str(QUESTIONNAIRE_STATUS_LABELS[self])


QUESTIONNAIRE_STATUS_LABELS = {
    QuestionnaireStatus.DRAFT: _l("Draft"),
    QuestionnaireStatus.PUBLISHED: _l("Published"),
    QuestionnaireStatus.ARCHIVED: _l("Archived"),
}


class QuestionKind(enum.StrEnum):
    SCALE_1_5 = "scale_1_5"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"

    @property
    def label(self) -> str:
        return str(QUESTION_KIND_LABELS[self])

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)

    @property
    def is_text(self) -> bool:
        return self in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


QUESTION_KIND_LABELS = {
    QuestionKind.SCALE_1_5: _l("Scale 1–5"),
    QuestionKind.SINGLE_CHOICE: _l("One choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Several choices"),
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
}

#: The labels of the 1-5 scale, from 1 to 5.
SCALE_LABELS = (
    _l("Strongly disagree"),
    _l("Disagree"),
    _l("Undecided"),
    _l("Agree"),
    _l("Strongly agree"),
)


class QuestionSubject(enum.StrEnum):
    COURSE = "course"
    #: Asked once for each trainer of the session; the answer carries the trainer.
    TRAINER = "trainer"
    VENUE = "venue"

    @property
    def label(self) -> str:
        return str(QUESTION_SUBJECT_LABELS[self])


QUESTION_SUBJECT_LABELS = {
    QuestionSubject.COURSE: _l("The training"),
    QuestionSubject.TRAINER: _l("Each trainer"),
    QuestionSubject.VENUE: _l("The venue and organisation"),
}


class Questionnaire(db.Model):
    """One version of an evaluation questionnaire (değerlendirme anketi).

    Versions of the same questionnaire share a `lineage`. A version that has answers is never
    edited in a way that changes their meaning: the editor makes a new version instead.
    """

    __tablename__ = "questionnaires"
    __table_args__ = (
        UniqueConstraint("lineage", "version", name="uq_questionnaires_lineage_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Shared by every version of one questionnaire (random).
    lineage: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    #: Shown at the top of the form, under the anonymity note.
    introduction: Mapped[str | None] = mapped_column(Text)
    status: Mapped[QuestionnaireStatus] = mapped_column(
        str_enum(QuestionnaireStatus), default=QuestionnaireStatus.DRAFT
    )
    #: The one used by courses that chose none (kept unique by the services).
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sections: Mapped[list["QuestionnaireSection"]] = relationship(
        back_populates="questionnaire",
        cascade="all, delete-orphan",
        order_by="QuestionnaireSection.position",
    )

    @property
    def label(self) -> str:
        return _("%(name)s (version %(version)s)", name=self.name, version=self.version)

    @property
    def questions(self) -> list["Question"]:
        return [q for s in self.sections for q in s.questions]

    def publish(self) -> None:
        if self.status != QuestionnaireStatus.DRAFT:
            raise InvalidTransition(_("Only a draft questionnaire can be published."))
        if not self.questions:
            raise InvalidTransition(_("A questionnaire needs at least one question."))
        self.status = QuestionnaireStatus.PUBLISHED

    def archive(self) -> None:
        if self.status == QuestionnaireStatus.ARCHIVED:
            raise InvalidTransition(_("The questionnaire is already archived."))
        if self.is_default:
            raise InvalidTransition(_("The default questionnaire cannot be archived."))
        self.status = QuestionnaireStatus.ARCHIVED

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id} {self.name!r} v{self.version} {self.status}>"


class QuestionnaireSection(db.Model):
    """A titled group of questions in a questionnaire."""

    __tablename__ = "questionnaire_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    #: Order within the questionnaire, from 1.
    position: Mapped[int] = mapped_column(default=1)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="sections")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="Question.position"
    )

    def __repr__(self) -> str:
        return f"<QuestionnaireSection {self.id} {self.title!r}>"


class Question(db.Model):
    """One question of a section: its kind, whether it must be answered, and what it is about."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_sections.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    subject: Mapped[QuestionSubject] = mapped_column(
        str_enum(QuestionSubject), default=QuestionSubject.COURSE
    )
    required: Mapped[bool] = mapped_column(default=True)
    #: Order within the section, from 1.
    position: Mapped[int] = mapped_column(default=1)

    section: Mapped[QuestionnaireSection] = relationship(back_populates="questions")
    options: Mapped[list["QuestionOption"]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="QuestionOption.position",
    )

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind}>"


class QuestionOption(db.Model):
    """One choice of a single- or multiple-choice question."""

    __tablename__ = "question_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=1)

    question: Mapped[Question] = relationship(back_populates="options")

    def __repr__(self) -> str:
        return f"<QuestionOption {self.id} {self.label!r}>"


class CourseEvaluationSetting(db.Model):
    """What a course asks: another questionnaire than the default (None: the default).

    Kept here rather than as a column of `courses`: the catalogue sits below evaluation and must
    not point up to it.
    """

    __tablename__ = "course_evaluation_settings"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    questionnaire_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="SET NULL"), index=True
    )

    course: Mapped[Course] = relationship()
    questionnaire: Mapped[Questionnaire | None] = relationship()

    def __repr__(self) -> str:
        return f"<CourseEvaluationSetting course={self.course_id} q={self.questionnaire_id}>"


# --- the asking of one session -------------------------------------------------------------------


class EvaluationTrigger(enum.StrEnum):
    #: When the office closes the session (attendance.close_session).
    ON_CLOSE = "on_close"
    #: As soon as the session's last meeting has ended (run by the sweep / `flask evaluation`).
    LAST_MEETING_END = "last_meeting_end"

    @property
    def label(self) -> str:
        return str(TRIGGER_LABELS[self])


TRIGGER_LABELS = {
    EvaluationTrigger.ON_CLOSE: _l("When the session is closed"),
    EvaluationTrigger.LAST_MEETING_END: _l("At the end of the last meeting"),
}

#: Days an evaluation stays open unless the office sets another number for the session.
DEFAULT_OPEN_DAYS = 14


class Evaluation(db.Model):
    """The asking of one session: when it opens and closes, and whether the reminder went out.

    The row may exist before the asking (the office chose the trigger or the number of days):
    `opens_at` is None until the participants are asked.
    """

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint("open_days BETWEEN 1 AND 90", name="open_days_range"),
        Index("ix_evaluations_opens_closes", "opens_at", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    #: The questionnaire version asked; fixed when the evaluation opens.
    questionnaire_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaires.id"), index=True
    )
    trigger: Mapped[EvaluationTrigger] = mapped_column(
        str_enum(EvaluationTrigger), default=EvaluationTrigger.ON_CLOSE
    )
    open_days: Mapped[int] = mapped_column(default=DEFAULT_OPEN_DAYS)
    #: Naive UTC; None: not asked yet.
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    #: When the one reminder went to those who had not answered.
    reminder_sent_at: Mapped[datetime | None]
    #: How many people were asked (the denominator of the response rate).
    invited_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[Session] = relationship()
    questionnaire: Mapped[Questionnaire | None] = relationship()

    @property
    def is_asked(self) -> bool:
        return self.opens_at is not None

    def is_open(self, now: datetime) -> bool:
        return self.opens_at is not None and self.opens_at <= now < (self.closes_at or now)

    def __repr__(self) -> str:
        return f"<Evaluation {self.id} session={self.session_id} {self.opens_at}>"


def _response_id() -> str:
    return secrets.token_hex(16)


class Response(db.Model):
    """One anonymous filled-in questionnaire (yanıt). No column names the person who answered."""

    __tablename__ = "evaluation_responses"

    #: Random, so that responses cannot be lined up with receipts by their order.
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_response_id)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"), index=True)
    #: The day only: an exact time could be matched with a login or a receipt.
    submitted_on: Mapped[date] = mapped_column(Date)
    #: The answering person's municipality and position at the time (for breakdowns of >= 5).
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[Position | None] = mapped_column(str_enum(Position, 30))

    evaluation: Mapped[Evaluation] = relationship()
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Response evaluation={self.evaluation_id} {self.submitted_on}>"


class Answer(db.Model):
    """One answer of a response. A multiple-choice question gives one row per chosen option."""

    __tablename__ = "evaluation_answers"
    __table_args__ = (
        CheckConstraint("scale_value IS NULL OR scale_value BETWEEN 1 AND 5", name="scale_range"),
        Index("ix_evaluation_answers_question_trainer", "question_id", "trainer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    #: The trainer a trainer-subject question was answered about.
    trainer_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    scale_value: Mapped[int | None] = mapped_column(SmallInteger)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("question_options.id"), index=True)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    option: Mapped[QuestionOption | None] = relationship()

    def __repr__(self) -> str:
        return f"<Answer q={self.question_id} {self.scale_value or self.option_id}>"


class EvaluationReceipt(db.Model):
    """That a person answered an evaluation: refuses a second answer, decides the reminders.

    Deliberately without a date and without any link to the response.
    """

    __tablename__ = "evaluation_receipts"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "person_id", name="uq_evaluation_receipts_eval_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)

    evaluation: Mapped[Evaluation] = relationship()
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<EvaluationReceipt evaluation={self.evaluation_id} person={self.person_id}>"


# --- knowledge tests -----------------------------------------------------------------------------


class KnowledgeTest(db.Model):
    """A short multiple-choice test of a course, taken before (ön test) and after (son test)."""

    __tablename__ = "knowledge_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    #: The course's exam score (Başarı Belgesi) stands as the son test.
    exam_is_post_test: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    questions: Mapped[list["KnowledgeQuestion"]] = relationship(
        back_populates="test",
        cascade="all, delete-orphan",
        order_by="KnowledgeQuestion.position",
    )

    def __repr__(self) -> str:
        return f"<KnowledgeTest course={self.course_id}>"


class KnowledgeQuestion(db.Model):
    """One question of a knowledge test: four options and the number (1-4) of the right one."""

    __tablename__ = "knowledge_questions"
    __table_args__ = (CheckConstraint("correct_option BETWEEN 1 AND 4", name="correct_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_tests.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    option_1: Mapped[str] = mapped_column(String(300))
    option_2: Mapped[str] = mapped_column(String(300))
    option_3: Mapped[str] = mapped_column(String(300))
    option_4: Mapped[str] = mapped_column(String(300))
    correct_option: Mapped[int] = mapped_column(SmallInteger)
    position: Mapped[int] = mapped_column(default=1)

    test: Mapped[KnowledgeTest] = relationship(back_populates="questions")

    @property
    def options(self) -> list[str]:
        return [self.option_1, self.option_2, self.option_3, self.option_4]

    def __repr__(self) -> str:
        return f"<KnowledgeQuestion {self.id}>"


class AttemptKind(enum.StrEnum):
    PRE = "pre"
    POST = "post"

    @property
    def label(self) -> str:
        return str(ATTEMPT_KIND_LABELS[self])


ATTEMPT_KIND_LABELS = {AttemptKind.PRE: _l("Pre-test"), AttemptKind.POST: _l("Post-test")}


class TestAttempt(db.Model):
    """One person's ön test or son test in one session, with its score (0-100).

    Kept with the person, unlike evaluation answers: the learning gain pairs each person's pre
    and post scores, and the course's exam score (already the person's, on their Completion) may
    stand as the post test, so a pairing token would not avoid linking to the person. A test is
    a measure of knowledge, not an opinion; only session aggregates (average gain, share who
    improved) are shown, never one person's scores to anyone but the office and the person.
    """

    __tablename__ = "knowledge_test_attempts"
    __table_args__ = (
        UniqueConstraint(
            "session_id", "person_id", "kind", name="uq_knowledge_test_attempts_session_person"
        ),
        CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),
    )
    __test__ = False  # not a pytest test class

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("knowledge_tests.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AttemptKind] = mapped_column(str_enum(AttemptKind))
    #: Share of right answers, 0-100, two decimals.
    score: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))
    #: The option number (1-4) chosen for each question, by question id.
    choices: Mapped[dict] = mapped_column(JSON, default=dict)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)

    test: Mapped[KnowledgeTest] = relationship()

    def __repr__(self) -> str:
        return f"<TestAttempt session={self.session_id} {self.kind} {self.score}>"
