"""A coordinator's view of evaluations: their municipality's response rate per session (never
the answers) and a reminder to their people who have not answered, at most once a day.

Who answered is read from the receipts (kept apart from the answers): a rate is a count of
receipts over a count of attendees, and the reminder goes to attendees without a receipt.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Date, ForeignKey, UniqueConstraint, and_, distinct, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, selectinload

from ..accounts.models import Person, User
from ..attendance.models import AttendanceMark
from ..catalog.models import Course, Meeting, Session
from ..catalog.services import session_dates_label
from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.mail import queue_mail
from ..core.timeutil import local_today, utcnow
from ..core.turkish import format_local_date
from ..enrollment.models import Registration
from ..extensions import db
from ..municipalities.models import Municipality
from .models import Evaluation, EvaluationReceipt
from .services import ATTENDED, _answer_url


class MunicipalityReminder(db.Model):
    """That a coordinator reminded their municipality's people of an evaluation on a day: the
    unique key keeps it to one a day, even for two coordinators clicking at once."""

    __tablename__ = "evaluation_municipality_reminders"
    __table_args__ = (
        UniqueConstraint(
            "evaluation_id",
            "municipality_id",
            "sent_on",
            name="uq_evaluation_municipality_reminders_day",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    #: The local (Istanbul) day of the reminder.
    sent_on: Mapped[date] = mapped_column(Date)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: How many people were reminded.
    reminded: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<MunicipalityReminder {self.evaluation_id} {self.municipality_id} {self.sent_on}>"


def _attended():
    return (
        exists()
        .where(AttendanceMark.registration_id == Registration.id)
        .where(AttendanceMark.meeting_id == Meeting.id)
        .where(Meeting.session_id == Registration.session_id)
        .where(AttendanceMark.status.in_(ATTENDED))
    )


@dataclass
class RateLine:
    """One session's evaluation as one municipality sees it: counts only."""

    evaluation_id: int
    session_id: int
    label: str
    municipality_id: int
    municipality: str
    attendees: int
    answered: int
    is_open: bool
    reminded_today: bool

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.attendees if self.attendees else None

    @property
    def can_remind(self) -> bool:
        return self.is_open and not self.reminded_today and self.answered < self.attendees


def rates(municipality_ids, year: int, today: date | None = None) -> list[RateLine]:
    """The response rate of each asked session of `year` among the attendees of these
    municipalities (two queries)."""
    today = today or local_today()
    ids = sorted(municipality_ids) or [-1]
    query = (
        select(
            Evaluation.id,
            Evaluation.opens_at,
            Evaluation.closes_at,
            Session.id,
            Session.starts_on,
            Course.code,
            Course.title,
            Municipality.id,
            Municipality.name,
            func.count(distinct(Registration.person_id)),
            func.count(distinct(EvaluationReceipt.person_id)),
        )
        .join(Session, Session.id == Evaluation.session_id)
        .join(Course, Course.id == Session.course_id)
        .join(Registration, Registration.session_id == Session.id)
        .join(Municipality, Municipality.id == Registration.municipality_id)
        .outerjoin(
            EvaluationReceipt,
            and_(
                EvaluationReceipt.evaluation_id == Evaluation.id,
                EvaluationReceipt.person_id == Registration.person_id,
            ),
        )
        .where(
            Evaluation.opens_at.is_not(None),
            Registration.municipality_id.in_(ids),
            Session.starts_on >= date(year, 1, 1),
            Session.starts_on <= date(year, 12, 31),
            _attended(),
        )
        .group_by(
            Evaluation.id,
            Evaluation.opens_at,
            Evaluation.closes_at,
            Session.id,
            Session.starts_on,
            Course.code,
            Course.title,
            Municipality.id,
            Municipality.name,
            Municipality.sort_key,
        )
        .order_by(Session.starts_on.desc(), Municipality.sort_key)
    )
    reminded = set(
        db.session.execute(
            select(MunicipalityReminder.evaluation_id, MunicipalityReminder.municipality_id).where(
                MunicipalityReminder.municipality_id.in_(ids),
                MunicipalityReminder.sent_on == today,
            )
        ).all()
    )
    now = utcnow()
    return [
        RateLine(
            evaluation_id=eid,
            session_id=sid,
            label=f"{starts_on:%d.%m.%Y} {code} – {title}",
            municipality_id=mid,
            municipality=mname,
            attendees=int(attendees),
            answered=int(answered),
            is_open=opens_at <= now < closes_at,
            reminded_today=(eid, mid) in reminded,
        )
        for (
            eid,
            opens_at,
            closes_at,
            sid,
            starts_on,
            code,
            title,
            mid,
            mname,
            attendees,
            answered,
        ) in db.session.execute(query)
    ]


def remind_municipality(
    evaluation: Evaluation, municipality_id: int, by: User, today: date | None = None
) -> int:
    """Mail the municipality's attendees who have not answered; once a day per session and
    municipality. Returns how many were reminded."""
    today = today or local_today()
    if not evaluation.is_open(utcnow()):
        raise DomainError(_("The evaluation is not open: there is nobody to remind."))
    reminder = MunicipalityReminder(
        evaluation_id=evaluation.id,
        municipality_id=municipality_id,
        sent_on=today,
        sent_by_id=by.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(reminder)
    except IntegrityError as error:
        raise Conflict(
            _("Your people were already reminded of this evaluation today. Try again tomorrow.")
        ) from error
    answered = select(EvaluationReceipt.id).where(
        EvaluationReceipt.evaluation_id == evaluation.id,
        EvaluationReceipt.person_id == Registration.person_id,
    )
    people = list(
        db.session.scalars(
            select(Person)
            .join(Registration, Registration.person_id == Person.id)
            .where(
                Registration.session_id == evaluation.session_id,
                Registration.municipality_id == municipality_id,
                _attended(),
                ~answered.exists(),
            )
            .options(selectinload(Person.user))
            .distinct()
        )
    )
    session = evaluation.session
    sent = 0
    for person in people:
        user = person.user
        if user is None or not user.is_active or person.anonymised_at is not None:
            continue
        queued = queue_mail(
            user.email,
            "evaluation_reminder",
            locale=user.locale,
            dedup_key=(
                f"evaluation_coordinator_reminder:{evaluation.id}:{person.id}:{today.isoformat()}"
            ),
            person_name=person.full_name,
            course_title=session.course.title,
            dates=session_dates_label(session),
            place=session.place_label,
            closes_on=format_local_date(evaluation.closes_at),
            answer_url=_answer_url(evaluation, person),
        )
        sent += queued is not None
    reminder.reminded = sent
    audit.record(
        "evaluation.municipality_reminder",
        evaluation,
        {"municipality_id": municipality_id, "reminded": sent},
        actor=by,
    )
    db.session.flush()
    return sent
