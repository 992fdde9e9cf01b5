"""Needs calls, needs, interest in courses, topic mappings, annual plans and their lines.

Lists (a need's positions and months, a plan line's target positions and municipalities) are
stored portably: link tables for positions and municipalities, a 12-bit mask for months.
"""

import enum
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..accounts.models import POSITION_LABELS, Position
from ..core.columns import str_enum
from ..core.errors import InvalidTransition
from ..core.timeutil import utcnow
from ..core.turkish import search_key
from ..extensions import db

MONTHS = tuple(range(1, 13))


def months_to_mask(months) -> int:
    mask = 0
    for month in months or ():
        if int(month) in MONTHS:
            mask |= 1 << (int(month) - 1)
    return mask


def mask_to_months(mask: int | None) -> list[int]:
    return [m for m in MONTHS if (mask or 0) & (1 << (m - 1))]


class Priority(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return str(PRIORITY_LABELS[self])

    @property
    def weight(self) -> int:
        return {"high": 3, "medium": 2, "low": 1}[self.value]


PRIORITY_LABELS = {
    Priority.HIGH: _l("High"),
    Priority.MEDIUM: _l("Medium"),
    Priority.LOW: _l("Low"),
}


class DeliveryPreference(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    EITHER = "either"

    @property
    def label(self) -> str:
        return str(DELIVERY_PREFERENCE_LABELS[self])


DELIVERY_PREFERENCE_LABELS = {
    DeliveryPreference.IN_PERSON: _l("In person"),
    DeliveryPreference.ONLINE: _l("Online"),
    DeliveryPreference.EITHER: _l("Either"),
}


class NeedStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return str(NEED_STATUS_LABELS[self])


NEED_STATUS_LABELS = {NeedStatus.DRAFT: _l("Draft"), NeedStatus.SUBMITTED: _l("Submitted")}


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    #: An approved version replaced by a newer approved revision.
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return str(PLAN_STATUS_LABELS[self])


PLAN_STATUS_LABELS = {
    PlanStatus.DRAFT: _l("Draft"),
    PlanStatus.APPROVED: _l("Approved"),
    PlanStatus.SUPERSEDED: _l("Revised (superseded)"),
}


class NeedsCall(db.Model):
    """The office's call to member municipalities for their training needs of a year."""

    __tablename__ = "needs_calls"
    __table_args__ = (UniqueConstraint("year", name="uq_needs_calls_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The plan year the needs are for.
    year: Mapped[int]
    #: Last day (Istanbul) on which coordinators may change their needs.
    deadline: Mapped[date] = mapped_column(Date)
    message: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    needs: Mapped[list["Need"]] = relationship(back_populates="call", cascade="all, delete-orphan")

    def is_open(self, today: date) -> bool:
        return today <= self.deadline

    def __repr__(self) -> str:
        return f"<NeedsCall {self.year} until {self.deadline}>"


class NeedPosition(db.Model):
    """One position a need concerns."""

    __tablename__ = "need_positions"

    need_id: Mapped[int] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[Position] = mapped_column(str_enum(Position, 30), primary_key=True)

    def __repr__(self) -> str:
        return f"<NeedPosition {self.need_id} {self.position}>"


class Need(db.Model):
    """One training need of a municipality in answer to a call (eğitim ihtiyacı)."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("people_count >= 0", name="people_count_not_negative"),
        CheckConstraint("months_mask BETWEEN 0 AND 4095", name="months_mask_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("needs_calls.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus), default=NeedStatus.DRAFT)
    #: A course of the catalogue the need names, if any.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    #: A category the need falls in, when no course fits.
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    #: The topic as written (or the course's title when a course was chosen).
    topic: Mapped[str] = mapped_column(String(200))
    #: search_key(topic): free-text topics group by it (Turkish-aware, ASCII-folded).
    topic_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    people_count: Mapped[int] = mapped_column(default=0)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.MEDIUM)
    #: Preferred months as bits: January is 1, December 2048.
    months_mask: Mapped[int] = mapped_column(default=0)
    delivery: Mapped[DeliveryPreference] = mapped_column(
        str_enum(DeliveryPreference), default=DeliveryPreference.EITHER
    )
    note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    call: Mapped[NeedsCall] = relationship(back_populates="needs")
    municipality = relationship("Municipality")
    course = relationship("Course")
    category = relationship("Category")
    position_rows: Mapped[list[NeedPosition]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=NeedPosition.position
    )

    @validates("topic")
    def _keep_topic_key(self, _key, value):
        self.topic_key = search_key(value)[:200]
        return value

    @property
    def positions(self) -> list[Position]:
        order = list(Position)
        return sorted((r.position for r in self.position_rows), key=order.index)

    @positions.setter
    def positions(self, positions) -> None:
        wanted = set(positions or ())
        have = {r.position for r in self.position_rows}
        self.position_rows = [r for r in self.position_rows if r.position in wanted] + [
            NeedPosition(position=p) for p in sorted(wanted - have, key=list(Position).index)
        ]

    @property
    def position_labels(self) -> list[str]:
        return [str(POSITION_LABELS[p]) for p in self.positions]

    @property
    def months(self) -> list[int]:
        return mask_to_months(self.months_mask)

    def submit(self) -> None:
        self.status = NeedStatus.SUBMITTED
        self.submitted_at = utcnow()

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.topic!r} {self.status}>"


class CourseInterest(db.Model):
    """A person asked to be told when a session of a course opens ("Açılınca haber ver")."""

    __tablename__ = "course_interests"
    __table_args__ = (
        UniqueConstraint("person_id", "course_id", name="uq_course_interests_person_course"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: The person's municipality when they asked (counts join that municipality's needs).
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the person was mailed about a published session; they are mailed once.
    notified_at: Mapped[datetime | None]
    notified_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL")
    )

    person = relationship("Person")
    course = relationship("Course")

    def __repr__(self) -> str:
        return f"<CourseInterest person={self.person_id} course={self.course_id}>"


class TopicMapping(db.Model):
    """The office's decision on a free-text topic: it is a course, or the same as another topic."""

    __tablename__ = "topic_mappings"
    __table_args__ = (
        UniqueConstraint("topic_key", name="uq_topic_mappings_topic_key"),
        CheckConstraint(
            "course_id IS NOT NULL OR merged_into_key IS NOT NULL", name="maps_somewhere"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: search_key of the topic as coordinators wrote it.
    topic_key: Mapped[str] = mapped_column(String(200))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    #: The topic key this one is merged into (its demand counts there).
    merged_into_key: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("Course")

    def __repr__(self) -> str:
        return f"<TopicMapping {self.topic_key!r}>"


class AnnualPlan(db.Model):
    """One version of the annual training plan (yıllık eğitim planı) of a year."""

    __tablename__ = "annual_plans"
    __table_args__ = (
        UniqueConstraint("year", "version", name="uq_annual_plans_year_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus), default=PlanStatus.DRAFT)
    title: Mapped[str | None] = mapped_column(String(200))
    #: The approving decision of the union's bodies (Meclis / Encümen): date and number.
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision_number: Mapped[str | None] = mapped_column(String(60))
    #: Why this version revises the previous one (versions after the first).
    revision_reason: Mapped[str | None] = mapped_column(Text)
    revises_id: Mapped[int | None] = mapped_column(
        ForeignKey("annual_plans.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list["PlanLine"]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(PlanLine.sort_month, PlanLine.id)",
    )

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT

    def ensure_editable(self) -> None:
        if not self.is_editable:
            raise InvalidTransition(
                _("An approved plan cannot be changed: revise it into a new version.")
            )

    def approve(self, decision_date: date, decision_number: str) -> None:
        if self.status != PlanStatus.DRAFT:
            raise InvalidTransition(_("Only a draft plan can be approved."))
        self.status = PlanStatus.APPROVED
        self.decision_date = decision_date
        self.decision_number = decision_number
        self.approved_at = utcnow()

    def supersede(self) -> None:
        if self.status != PlanStatus.APPROVED:
            raise InvalidTransition(_("Only an approved plan can be superseded."))
        self.status = PlanStatus.SUPERSEDED

    def __repr__(self) -> str:
        return f"<AnnualPlan {self.year} v{self.version} {self.status}>"


class PlanLinePosition(db.Model):
    __tablename__ = "plan_line_positions"

    line_id: Mapped[int] = mapped_column(
        ForeignKey("plan_lines.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[Position] = mapped_column(str_enum(Position, 30), primary_key=True)

    def __repr__(self) -> str:
        return f"<PlanLinePosition {self.line_id} {self.position}>"


class PlanLineMunicipality(db.Model):
    __tablename__ = "plan_line_municipalities"

    line_id: Mapped[int] = mapped_column(
        ForeignKey("plan_lines.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    def __repr__(self) -> str:
        return f"<PlanLineMunicipality {self.line_id} {self.municipality_id}>"


class PlanLine(db.Model):
    """One planned training of a plan version (plan kalemi)."""

    __tablename__ = "plan_lines"
    __table_args__ = (
        CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("quarter IS NULL OR quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("month IS NULL OR quarter IS NULL", name="month_or_quarter"),
        CheckConstraint("planned_sessions >= 1", name="planned_sessions_positive"),
        CheckConstraint("planned_capacity >= 1", name="planned_capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("annual_plans.id", ondelete="CASCADE"), index=True
    )
    #: The line of the first version this one was copied from (revisions copy lines forward);
    #: None for a line first written in this version. Sessions count for the whole lineage.
    origin_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_lines.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    month: Mapped[int | None]
    quarter: Mapped[int | None]
    #: First month of the period (month, or the quarter's first month): the plan's order.
    sort_month: Mapped[int] = mapped_column(default=1)
    city: Mapped[str] = mapped_column(String(80))
    planned_sessions: Mapped[int] = mapped_column(default=1)
    #: Seats planned over all the line's sessions.
    planned_capacity: Mapped[int]
    budget_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[AnnualPlan] = relationship(back_populates="lines")
    course = relationship("Course")
    position_rows: Mapped[list[PlanLinePosition]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=PlanLinePosition.position
    )
    municipality_rows: Mapped[list[PlanLineMunicipality]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def lineage_id(self) -> int:
        return self.origin_id or self.id

    @property
    def positions(self) -> list[Position]:
        order = list(Position)
        return sorted((r.position for r in self.position_rows), key=order.index)

    @positions.setter
    def positions(self, positions) -> None:
        wanted = set(positions or ())
        have = {r.position for r in self.position_rows}
        self.position_rows = [r for r in self.position_rows if r.position in wanted] + [
            PlanLinePosition(position=p) for p in sorted(wanted - have, key=list(Position).index)
        ]

    @property
    def municipality_ids(self) -> list[int]:
        return sorted(r.municipality_id for r in self.municipality_rows)

    @municipality_ids.setter
    def municipality_ids(self, ids) -> None:
        wanted = {int(i) for i in ids or ()}
        have = {r.municipality_id for r in self.municipality_rows}
        self.municipality_rows = [r for r in self.municipality_rows if r.municipality_id in wanted]
        self.municipality_rows += [
            PlanLineMunicipality(municipality_id=i) for i in sorted(wanted - have)
        ]

    @property
    def position_labels(self) -> list[str]:
        return [str(POSITION_LABELS[p]) for p in self.positions]

    def __repr__(self) -> str:
        return f"<PlanLine {self.id} plan={self.plan_id} course={self.course_id}>"
