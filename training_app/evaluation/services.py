"""Evaluation use cases: asking a session, answering, reminders (the questionnaire editor is
editor.py).

Anonymity: `submit_answers` writes a Response without the person and, apart, a receipt without
the response (see models.py). Nothing here returns both together.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, User
from ..attendance.models import AttendanceMark, AttendanceStatus
from ..catalog.models import Course, Meeting, Session, SessionStatus
from ..catalog.services import session_dates_label
from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.mail import queue_mail
from ..core.timeutil import local_now, local_today, utcnow
from ..core.turkish import format_local_date
from ..enrollment.models import Registration
from ..extensions import db
from .editor import questionnaire_for
from .models import (
    DEFAULT_OPEN_DAYS,
    Answer,
    Evaluation,
    EvaluationReceipt,
    EvaluationTrigger,
    Question,
    QuestionKind,
    QuestionSubject,
    Response,
)

MAX_TEXT = 4000
MAX_SHORT_TEXT = 300


# --- asking a session ------------------------------------------------------------------------

#: Attendance statuses that make someone a participant who may answer.
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def evaluation_of(session: Session) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.session_id == session.id))


def settings_for(session: Session) -> Evaluation:
    """The session's evaluation row, created with the defaults if there is none yet."""
    evaluation = evaluation_of(session)
    if evaluation is None:
        evaluation = Evaluation(
            session_id=session.id,
            trigger=EvaluationTrigger.ON_CLOSE,
            open_days=DEFAULT_OPEN_DAYS,
        )
        db.session.add(evaluation)
        db.session.flush()
    return evaluation


def change_settings(
    session: Session, trigger: EvaluationTrigger, open_days: int, by: User
) -> Evaluation:
    if not 1 <= (open_days or 0) <= 90:
        raise DomainError(_("Enter a number of days between 1 and 90."), field="open_days")
    evaluation = settings_for(session)
    evaluation.trigger = trigger
    evaluation.open_days = open_days
    if evaluation.is_asked:
        evaluation.closes_at = evaluation.opens_at + timedelta(days=open_days)
    audit.record(
        "evaluation.settings",
        evaluation,
        {"trigger": trigger.value, "open_days": open_days},
        actor=by,
    )
    db.session.flush()
    return evaluation


def attendee_person_ids(session: Session) -> list[int]:
    """People with at least one meeting of the session marked present or late."""
    return list(
        db.session.scalars(
            select(Registration.person_id)
            .join(AttendanceMark, AttendanceMark.registration_id == Registration.id)
            .join(Meeting, Meeting.id == AttendanceMark.meeting_id)
            .where(Meeting.session_id == session.id, AttendanceMark.status.in_(ATTENDED))
            .distinct()
        )
    )


def has_attended(session: Session, person: Person) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(AttendanceMark.registration_id == Registration.id)
                .where(AttendanceMark.meeting_id == Meeting.id)
                .where(
                    Registration.session_id == session.id,
                    Registration.person_id == person.id,
                    Meeting.session_id == session.id,
                    AttendanceMark.status.in_(ATTENDED),
                )
            )
        )
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="evaluation-link")


def link_token(evaluation: Evaluation, person: Person) -> str:
    """Signed (evaluation, person) of a mailed link: tells a link opened by someone else."""
    return _serializer().dumps([evaluation.id, person.id])


def token_person_id(evaluation: Evaluation, token: str | None) -> int | None:
    """The person a link was sent to, or None for no or a broken token."""
    if not token:
        return None
    try:
        evaluation_id, person_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return person_id if evaluation_id == evaluation.id else None


def _answer_url(evaluation: Evaluation, person: Person) -> str:
    """The mailed link (built by hand: mail is also queued by cron, outside any request)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/evaluation/{evaluation.session_id}?t={link_token(evaluation, person)}"


def _mail(evaluation: Evaluation, person: Person, template: str) -> None:
    user = person.user
    if user is None or not user.is_active or person.anonymised_at is not None:
        return
    session = evaluation.session
    queue_mail(
        user.email,
        template,
        locale=user.locale,
        dedup_key=f"{template}:{evaluation.id}:{person.id}",
        person_name=person.full_name,
        course_title=session.course.title,
        dates=session_dates_label(session),
        place=session.place_label,
        closes_on=format_local_date(evaluation.closes_at),
        answer_url=_answer_url(evaluation, person),
    )


def ask(session: Session, now: datetime | None = None) -> Evaluation | None:
    """Open the session's evaluation and mail every participant who attended (once)."""
    evaluation = settings_for(session)
    if evaluation.is_asked:
        return evaluation
    questionnaire = questionnaire_for(session.course)
    if questionnaire is None:
        return None  # no published questionnaire: nothing to ask
    now = now or utcnow()
    people_ids = attendee_person_ids(session)
    evaluation.questionnaire_id = questionnaire.id
    evaluation.opens_at = now
    evaluation.closes_at = now + timedelta(days=evaluation.open_days)
    evaluation.invited_count = len(people_ids)
    db.session.flush()
    people = db.session.scalars(
        select(Person).where(Person.id.in_(people_ids)).options(selectinload(Person.user))
    )
    for person in people:
        _mail(evaluation, person, "evaluation_invitation")
    audit.record("evaluation.ask", evaluation, {"invited": len(people_ids)}, actor=None)
    db.session.flush()
    return evaluation


def on_session_closed(session: Session, **_kwargs) -> None:
    """Closing a session asks its evaluation, whatever the trigger, if not asked yet."""
    ask(session)


def ask_due_sessions(now_local: datetime | None = None) -> int:
    """Ask the sessions set to "at the end of the last meeting" whose last meeting has ended."""
    now_local = now_local or local_now()
    candidates = db.session.scalars(
        select(Evaluation)
        .join(Session, Session.id == Evaluation.session_id)
        .where(
            Evaluation.trigger == EvaluationTrigger.LAST_MEETING_END,
            Evaluation.opens_at.is_(None),
            Session.status.in_([SessionStatus.PUBLISHED, SessionStatus.COMPLETED]),
            Session.ends_on <= now_local.date(),
        )
    ).all()
    asked = 0
    for evaluation in candidates:
        session = evaluation.session
        last_end = max((m.end for m in session.meetings), default=None)
        if last_end is not None and last_end <= now_local and ask(session) is not None:
            asked += 1
    return asked


#: The reminder goes this far into the open period (half of it, at least one day).
def reminder_due_at(evaluation: Evaluation) -> datetime:
    return evaluation.opens_at + timedelta(days=max(evaluation.open_days // 2, 1))


def non_respondent_ids(evaluation: Evaluation) -> list[int]:
    answered = set(
        db.session.scalars(
            select(EvaluationReceipt.person_id).where(
                EvaluationReceipt.evaluation_id == evaluation.id
            )
        )
    )
    return [pid for pid in attendee_person_ids(evaluation.session) if pid not in answered]


def remind(evaluation: Evaluation, by: User | None = None, now: datetime | None = None) -> int:
    """The one reminder to those who have not answered; a second call sends nothing."""
    now = now or utcnow()
    if not evaluation.is_open(now):
        raise DomainError(_("The evaluation is not open: there is nobody to remind."))
    if evaluation.reminder_sent_at is not None:
        raise Conflict(_("The reminder has already been sent."))
    evaluation.reminder_sent_at = now
    ids = non_respondent_ids(evaluation)
    for person in db.session.scalars(
        select(Person).where(Person.id.in_(ids)).options(selectinload(Person.user))
    ):
        _mail(evaluation, person, "evaluation_reminder")
    audit.record("evaluation.remind", evaluation, {"reminded": len(ids)}, actor=by)
    db.session.flush()
    return len(ids)


def remind_due(now: datetime | None = None) -> int:
    """Send the reminders that are due (cron: `flask evaluation remind`, and the job sweep)."""
    now = now or utcnow()
    sent = 0
    for evaluation in db.session.scalars(
        select(Evaluation).where(
            Evaluation.opens_at.is_not(None),
            Evaluation.reminder_sent_at.is_(None),
            Evaluation.closes_at > now,
        )
    ).all():
        if reminder_due_at(evaluation) <= now:
            sent += remind(evaluation, now=now)
    return sent


def sweep_evaluations() -> None:
    """Part of the job sweep: ask the sessions whose last meeting ended, send due reminders."""
    ask_due_sessions()
    remind_due()
    db.session.commit()


# --- answering -------------------------------------------------------------------------------


class AnswerRefused(DomainError):
    """The person cannot answer this evaluation (not attended, answered, closed, other's link)."""


def check_can_answer(
    evaluation: Evaluation | None,
    person: Person | None,
    token: str | None = None,
    now: datetime | None = None,
) -> None:
    """Raise AnswerRefused with a message for the person, or return when they may answer."""
    now = now or utcnow()
    if evaluation is None or not evaluation.is_asked:
        raise AnswerRefused(_("The evaluation of this training has not started yet."))
    if person is None:
        raise AnswerRefused(_("Only participants who attended this training can evaluate it."))
    if token:
        link_owner = token_person_id(evaluation, token)
        if link_owner is not None and link_owner != person.id:
            raise AnswerRefused(
                _(
                    "This link was sent to another participant. Use the link in your own mail, "
                    "or open the evaluation from My trainings."
                )
            )
    if already_answered(evaluation, person):
        raise AnswerRefused(_("You have already evaluated this training. Thank you!"))
    if now >= evaluation.closes_at:
        raise AnswerRefused(_("The evaluation of this training has closed."))
    if not has_attended(evaluation.session, person):
        raise AnswerRefused(_("Only participants who attended this training can evaluate it."))


def already_answered(evaluation: Evaluation, person: Person) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    EvaluationReceipt.evaluation_id == evaluation.id,
                    EvaluationReceipt.person_id == person.id,
                )
            )
        )
    )


@dataclass
class FormItem:
    """One question as asked: a trainer-subject question is one item per trainer."""

    question: Question
    trainer: Person | None = None

    @property
    def key(self) -> str:
        return f"q{self.question.id}" + (f"_t{self.trainer.id}" if self.trainer else "")


@dataclass
class FormSection:
    title: str
    items: list[FormItem] = field(default_factory=list)


def form_layout(evaluation: Evaluation) -> list[FormSection]:
    """The questionnaire's sections as asked in this session (venue questions only with a
    venue; trainer questions once for each trainer)."""
    session = evaluation.session
    sections = []
    for section in evaluation.questionnaire.sections:
        items = []
        for question in section.questions:
            if question.subject == QuestionSubject.TRAINER:
                items += [FormItem(question, trainer) for trainer in session.trainers]
            elif question.subject == QuestionSubject.VENUE and session.venue_id is None:
                continue
            else:
                items.append(FormItem(question))
        if items:
            sections.append(FormSection(section.title, items))
    return sections


def _read_item(item: FormItem, values: list[str]) -> tuple[list[Answer], str | None]:
    """(answers, error) for one item from the submitted values."""
    question = item.question
    trainer_id = item.trainer.id if item.trainer else None
    values = [v.strip() for v in values if v and v.strip()]
    if not values:
        if question.required:
            return [], _("This question must be answered.")
        return [], None
    if question.kind == QuestionKind.SCALE_1_5:
        if len(values) != 1 or values[0] not in {"1", "2", "3", "4", "5"}:
            return [], _("Choose a value from 1 to 5.")
        return [Answer(question=question, trainer_id=trainer_id, scale_value=int(values[0]))], None
    if question.kind.has_options:
        by_id = {str(o.id): o for o in question.options}
        if any(v not in by_id for v in values) or (
            question.kind == QuestionKind.SINGLE_CHOICE and len(values) != 1
        ):
            return [], _("Choose one of the options.")
        return [
            Answer(question=question, trainer_id=trainer_id, option_id=by_id[v].id)
            for v in dict.fromkeys(values)
        ], None
    limit = MAX_SHORT_TEXT if question.kind == QuestionKind.SHORT_TEXT else MAX_TEXT
    text = " ".join(values)
    if len(text) > limit:
        return [], _("At most %(n)s characters.", n=limit)
    return [Answer(question=question, trainer_id=trainer_id, text=text)], None


def submit_answers(
    evaluation: Evaluation,
    person: Person,
    values: dict[str, list[str]],
    token: str | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Store one anonymous response and, apart, the receipt; returns errors by item key
    (nothing is written when there is one)."""
    check_can_answer(evaluation, person, token, now)
    answers: list[Answer] = []
    errors: dict[str, str] = {}
    for section in form_layout(evaluation):
        for item in section.items:
            found, error = _read_item(item, values.get(item.key, []))
            if error:
                errors[item.key] = error
            answers += found
    if errors:
        return errors
    response = Response(
        evaluation_id=evaluation.id,
        questionnaire_id=evaluation.questionnaire_id,
        submitted_on=local_today(),
        municipality_id=person.municipality_id,
        position=person.position,
        answers=answers,
    )
    db.session.add(response)
    db.session.add(EvaluationReceipt(evaluation_id=evaluation.id, person_id=person.id))
    try:
        db.session.flush()
    except IntegrityError as error:  # a second tab answered at the same moment
        db.session.rollback()
        raise AnswerRefused(_("You have already evaluated this training. Thank you!")) from error
    return {}


# --- what a participant has to answer --------------------------------------------------------


def open_evaluations_for(person: Person | None, now: datetime | None = None) -> list[Evaluation]:
    """Open evaluations of sessions the person attended and has not answered yet."""
    if person is None:
        return []
    now = now or utcnow()
    attended_sessions = (
        select(Meeting.session_id)
        .join(AttendanceMark, AttendanceMark.meeting_id == Meeting.id)
        .join(Registration, Registration.id == AttendanceMark.registration_id)
        .where(Registration.person_id == person.id, AttendanceMark.status.in_(ATTENDED))
    )
    answered = select(EvaluationReceipt.evaluation_id).where(
        EvaluationReceipt.person_id == person.id
    )
    return list(
        db.session.scalars(
            select(Evaluation)
            .where(
                Evaluation.session_id.in_(attended_sessions),
                Evaluation.opens_at <= now,
                Evaluation.closes_at > now,
                Evaluation.id.not_in(answered),
            )
            .options(selectinload(Evaluation.session).selectinload(Session.course))
            .order_by(Evaluation.closes_at)
        )
    )


def response_count(evaluation: Evaluation) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Response).where(Response.evaluation_id == evaluation.id)
    )


# --- personal data (KVKK) --------------------------------------------------------------------


def evaluations_answered(person: Person) -> list[dict]:
    """For the personal-data copy: which sessions' evaluations the person answered (from the
    receipts), never what they answered."""
    rows = db.session.execute(
        select(Session.starts_on, Session.ends_on, Course.title)
        .join(Evaluation, Evaluation.session_id == Session.id)
        .join(EvaluationReceipt, EvaluationReceipt.evaluation_id == Evaluation.id)
        .join(Course, Course.id == Session.course_id)
        .where(EvaluationReceipt.person_id == person.id)
        .order_by(Session.starts_on)
    ).all()
    return [
        {"course_title": title, "starts_on": start.isoformat(), "ends_on": end.isoformat()}
        for start, end, title in rows
    ]


def forget_receipts(person: Person) -> int:
    """Anonymisation: the answers stay (they hold no identity); the record that the person
    answered goes."""
    result = db.session.execute(
        delete(EvaluationReceipt).where(EvaluationReceipt.person_id == person.id)
    )
    return result.rowcount or 0


def connect_signals() -> None:
    from ..catalog import signals

    signals.session_closed.connect(on_session_closed)
