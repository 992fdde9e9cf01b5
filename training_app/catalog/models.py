"""The catalogue: categories, courses, their scheduled sessions, meetings and venues.

Times: a session and its meetings are local events in Europe/Istanbul, so a meeting stores its
date and its local start and end times (Date, Time) as the timetable says them. Instants that are
compared with "now" (enrolment window, cancellation deadline, publication) are naive UTC like every
other DateTime column of the app, and shown in Istanbul time.
"""

import enum
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..accounts.models import POSITION_LABELS, Person, Position
from ..core.columns import str_enum
from ..core.errors import InvalidTransition
from ..core.timeutil import add_months, utcnow
from ..core.turkish import search_key, tr_sort_key
from ..extensions import db

#: How Türkiye is stored in `country` columns; any other country means "abroad".
TURKEY = "Türkiye"
_TURKEY_SPELLINGS = {"turkiye", "turkey", "tr", "t.c.", "tc"}


def clean_text(text: str | None) -> str | None:
    """Whitespace runs as one space, ends trimmed; empty text is None."""
    text = " ".join((text or "").split())
    return text or None


def normalise_country(value: str | None) -> str:
    """'Turkiye', 'turkey', '' -> 'Türkiye'; other countries as typed."""
    value = " ".join((value or "").split())
    if not value or search_key(value) in _TURKEY_SPELLINGS:
        return TURKEY
    return value


class CourseKind(enum.StrEnum):
    COURSE = "course"
    SEMINAR = "seminar"

    @property
    def label(self) -> str:
        return str(COURSE_KIND_LABELS[self])


COURSE_KIND_LABELS = {CourseKind.COURSE: _l("Course"), CourseKind.SEMINAR: _l("Seminar")}


class Delivery(enum.StrEnum):
    CLASSROOM = "classroom"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return str(DELIVERY_LABELS[self])


DELIVERY_LABELS = {
    Delivery.CLASSROOM: _l("Classroom"),
    Delivery.ONLINE: _l("Online"),
    Delivery.HYBRID: _l("Hybrid (classroom and online)"),
}


class DocumentKind(enum.StrEnum):
    ATTENDANCE = "attendance"
    ACHIEVEMENT = "achievement"
    NONE = "none"

    @property
    def label(self) -> str:
        return str(DOCUMENT_KIND_LABELS[self])


DOCUMENT_KIND_LABELS = {
    DocumentKind.ATTENDANCE: _l("Certificate of attendance"),
    DocumentKind.ACHIEVEMENT: _l("Certificate of achievement"),
    DocumentKind.NONE: _l("No document"),
}


class SessionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return str(SESSION_STATUS_LABELS[self])


SESSION_STATUS_LABELS = {
    SessionStatus.DRAFT: _l("Draft"),
    SessionStatus.PUBLISHED: _l("Published"),
    SessionStatus.CANCELLED: _l("Cancelled"),
    SessionStatus.COMPLETED: _l("Completed"),
}


class Category(db.Model):
    """A subject area of the catalogue, such as "İmar ve Şehircilik"."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    sort_key: Mapped[str] = mapped_column(String(400), index=True, default="")
    #: Part of the public catalogue's cache key (see catalog.services.catalogue_version).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    courses: Mapped[list["Course"]] = relationship(back_populates="category")

    @validates("name")
    def _keep_keys(self, _key, value):
        self.sort_key = tr_sort_key(value)
        return value

    def __repr__(self) -> str:
        return f"<Category {self.name!r}>"


class Venue(db.Model):
    """A place where meetings are held: the union's hall, a hotel, a municipality's hall."""

    __tablename__ = "venues"
    __table_args__ = (CheckConstraint("capacity >= 1", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    address: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(80), default=TURKEY)
    #: Seats in the room; a session held here cannot offer more.
    capacity: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Several meetings may be held here at once (an outdoor area, a large complex); otherwise
    #: the hall holds one meeting at a time and an overlapping booking is refused.
    allows_parallel_use: Mapped[bool] = mapped_column(default=False, server_default=false())
    sort_key: Mapped[str] = mapped_column(String(500), index=True, default="")
    search_key: Mapped[str] = mapped_column(String(300), index=True, default="")
    #: Part of the public catalogue's cache key (see catalog.services.catalogue_version).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @validates("name", "city")
    def _keep_keys(self, key, value):
        name = value if key == "name" else self.name
        city = value if key == "city" else self.city
        self.sort_key = tr_sort_key(name)
        self.search_key = search_key(name, city)
        return value

    @validates("country")
    def _normalise_country(self, _key, value):
        return normalise_country(value)

    @property
    def label(self) -> str:
        return f"{self.name}, {self.city}"

    def __repr__(self) -> str:
        return f"<Venue {self.name!r}>"


class CourseAudience(db.Model):
    """One position a course is open to; a course without any rows is open to everyone."""

    __tablename__ = "course_audiences"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[Position] = mapped_column(str_enum(Position, 30), primary_key=True)

    def __repr__(self) -> str:
        return f"<CourseAudience {self.course_id} {self.position}>"


class Course(db.Model):
    """A catalogue entry (eğitim): what is taught, to whom, and which document it leads to."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(
            "min_attendance_percent BETWEEN 1 AND 100", name="min_attendance_percent_range"
        ),
        CheckConstraint("pass_mark IS NULL OR pass_mark BETWEEN 0 AND 100", name="pass_mark_range"),
        CheckConstraint("total_minutes >= 0", name="total_minutes_not_negative"),
        CheckConstraint(
            "document_validity_months IS NULL OR document_validity_months BETWEEN 1 AND 120",
            name="document_validity_months_range",
        ),
        CheckConstraint(
            "renewal_course_id IS NULL OR renewal_course_id <> id", name="renewal_is_another_course"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short reference printed on lists and documents, e.g. "IHL-101"; unique.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CourseKind] = mapped_column(str_enum(CourseKind), default=CourseKind.COURSE)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    objectives: Mapped[str | None] = mapped_column(Text)
    delivery: Mapped[Delivery] = mapped_column(str_enum(Delivery), default=Delivery.CLASSROOM)
    #: Nominal length as announced, in minutes (integer: no float rounding in hour sums).
    #: A session's real length is the sum of its meetings.
    total_minutes: Mapped[int] = mapped_column(default=0)
    document_kind: Mapped[DocumentKind] = mapped_column(
        str_enum(DocumentKind), default=DocumentKind.ATTENDANCE
    )
    #: Share of the session's hours a participant must attend to earn a document (DOMAIN.md: 80).
    min_attendance_percent: Mapped[int] = mapped_column(default=80)
    has_exam: Mapped[bool] = mapped_column(default=False)
    #: Lowest exam score (0-100) that earns a Başarı Belgesi; only with an exam.
    pass_mark: Mapped[int | None]
    #: Whether a participant who failed the exam still earns a Katılım Belgesi.
    attendance_document_on_fail: Mapped[bool] = mapped_column(default=True)
    #: The administrator allows the document to be called "Sertifika" (DOMAIN.md).
    document_called_certificate: Mapped[bool] = mapped_column(default=False)
    #: How long a document of this course stays valid, counted from the session's last day
    #: (first aid: 24); NULL means it does not expire. Copied onto each document at issue.
    document_validity_months: Mapped[int | None]
    #: Another course whose sessions renew this one's documents ("İlk Yardım Yenileme").
    renewal_course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL")
    )
    #: Unpublished courses and all their sessions stay out of the public catalogue.
    is_published: Mapped[bool] = mapped_column(default=False)
    sort_key: Mapped[str] = mapped_column(String(500), index=True, default="")
    search_key: Mapped[str] = mapped_column(String(300), index=True, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship(back_populates="courses")
    audience: Mapped[list[CourseAudience]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=CourseAudience.position
    )
    sessions: Mapped[list["Session"]] = relationship(back_populates="course")
    renewal_course: Mapped["Course | None"] = relationship(remote_side=[id])

    @validates("code", "title")
    def _keep_keys(self, key, value):
        code = value if key == "code" else self.code
        title = value if key == "title" else self.title
        self.sort_key = tr_sort_key(title)
        self.search_key = search_key(code, title)
        return value

    def document_valid_until(self, last_day: date) -> date | None:
        """The last day a document of this course is valid when its training ended on
        `last_day` (12.05.2026 with 24 months: 12.05.2028), or None when it does not expire."""
        if not self.document_validity_months:
            return None
        return add_months(last_day, self.document_validity_months)

    @property
    def target_positions(self) -> set[Position]:
        """Positions that may enrol; empty means everyone."""
        return {a.position for a in self.audience}

    @target_positions.setter
    def target_positions(self, positions) -> None:
        wanted = set(positions or ())
        self.audience = [a for a in self.audience if a.position in wanted] + [
            CourseAudience(position=p)
            for p in sorted(wanted - self.target_positions, key=list(Position).index)
        ]

    @property
    def audience_labels(self) -> list[str]:
        order = list(Position)
        return [str(POSITION_LABELS[p]) for p in sorted(self.target_positions, key=order.index)]

    def is_open_to(self, position: Position | None) -> bool:
        positions = self.target_positions
        return not positions or (position is not None and position in positions)

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60

    def __repr__(self) -> str:
        return f"<Course {self.code}>"


#: Who teaches a session. Trainers are people with accounts (they take attendance).
session_trainers = Table(
    "session_trainers",
    db.metadata,
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Session(db.Model):
    """One scheduled run of a course (eğitim dönemi): "12–16.05.2026, Konya"."""

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint(
            "municipality_quota IS NULL OR municipality_quota >= 1", name="quota_positive"
        ),
        CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        Index("ix_sessions_status_starts_on", "status", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus), default=SessionStatus.DRAFT
    )
    #: First and last day (local); every meeting falls within them.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    #: Link of an online or hybrid session; shown to the enrolled only (not public).
    online_url: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(80), default=TURKEY)
    #: Seats offered in total.
    capacity: Mapped[int]
    #: Seats one municipality may take at most; None: no per-municipality limit.
    municipality_quota: Mapped[int | None]
    #: Confirmed seats; maintained by the enrollment feature under a row lock on this session.
    seats_taken: Mapped[int] = mapped_column(default=0)
    #: Enrolment window, naive UTC.
    enrolment_opens_at: Mapped[datetime | None]
    enrolment_closes_at: Mapped[datetime | None]
    #: Until when a participant may cancel their own registration, naive UTC.
    cancellation_deadline: Mapped[datetime | None]
    #: Registrations wait for a decision (coordinator / training office) before they count.
    requires_approval: Mapped[bool] = mapped_column(default=True)
    #: iCalendar SEQUENCE of this session's events; raised on every change calendars must see.
    sequence: Mapped[int] = mapped_column(default=0)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    city_key: Mapped[str] = mapped_column(String(120), index=True, default="")
    #: The annual plan's line this session delivers (planning feature; a plain foreign key so
    #: that the catalogue does not import planning). None: delivered outside the plan.
    plan_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_lines.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(back_populates="sessions")
    venue: Mapped[Venue | None] = relationship()
    trainers: Mapped[list[Person]] = relationship(
        secondary=session_trainers, order_by=Person.sort_key
    )
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="(Meeting.day, Meeting.starts_at)",
    )

    @validates("city")
    def _keep_city_key(self, _key, value):
        self.city_key = search_key(value)
        return value

    @validates("country")
    def _normalise_country(self, _key, value):
        return normalise_country(value)

    # --- state -------------------------------------------------------------------------------

    @property
    def is_abroad(self) -> bool:
        return self.country != TURKEY

    @property
    def is_editable(self) -> bool:
        return self.status in (SessionStatus.DRAFT, SessionStatus.PUBLISHED)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def total_minutes(self) -> int:
        return sum(m.minutes for m in self.meetings)

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60

    def ensure_editable(self) -> None:
        if not self.is_editable:
            raise InvalidTransition(_("A cancelled or completed session cannot be changed."))

    def touch(self) -> None:
        """Raise the calendar SEQUENCE so that subscribed calendars take the change."""
        self.sequence = (self.sequence or 0) + 1

    def publish(self) -> None:
        if self.status == SessionStatus.PUBLISHED:
            raise InvalidTransition(_("The session is already published."))
        if self.status != SessionStatus.DRAFT:
            raise InvalidTransition(
                _("A cancelled or completed session cannot be published again.")
            )
        if not self.meetings:
            raise InvalidTransition(_("A session needs at least one meeting before publishing."))
        if not self.trainers:
            raise InvalidTransition(_("A session needs a trainer before publishing."))
        self.status = SessionStatus.PUBLISHED
        self.published_at = utcnow()
        self.touch()

    def back_to_draft(self) -> None:
        if self.status in (SessionStatus.CANCELLED, SessionStatus.COMPLETED):
            raise InvalidTransition(
                _("A cancelled or completed session cannot be edited back to draft.")
            )
        if self.status == SessionStatus.DRAFT:
            raise InvalidTransition(_("The session is already a draft."))
        if self.seats_taken:
            raise InvalidTransition(
                _("A session with registrations cannot go back to draft; cancel it instead.")
            )
        self.status = SessionStatus.DRAFT
        self.touch()

    def cancel(self, reason: str) -> None:
        if self.status == SessionStatus.CANCELLED:
            raise InvalidTransition(_("The session is already cancelled."))
        if self.status == SessionStatus.COMPLETED:
            raise InvalidTransition(_("A completed session cannot be cancelled."))
        self.status = SessionStatus.CANCELLED
        self.cancellation_reason = reason
        self.cancelled_at = utcnow()
        self.touch()

    @property
    def last_meeting_end(self) -> datetime | None:
        """When its last meeting ends (Istanbul wall clock), None without meetings."""
        return max((m.end for m in self.meetings), default=None)

    def can_be_closed(self, now: datetime) -> bool:
        """Whether attendance can be closed at `now` (Istanbul wall clock, naive): a published
        session whose last meeting has ended, from its last day on."""
        last_end = self.last_meeting_end
        return (
            self.status == SessionStatus.PUBLISHED
            and now.date() >= self.ends_on
            and (last_end is None or now >= last_end)
        )

    def complete(self, today: date) -> None:
        if self.status != SessionStatus.PUBLISHED:
            raise InvalidTransition(_("Only a published session can be completed."))
        if today < self.ends_on:
            raise InvalidTransition(_("A session can be completed only after its last day."))
        self.status = SessionStatus.COMPLETED

    def enrolment_is_open(self, now_utc: datetime) -> bool:
        """Whether the window is open now (capacity and eligibility are checked elsewhere)."""
        if self.status != SessionStatus.PUBLISHED:
            return False
        if self.enrolment_opens_at and now_utc < self.enrolment_opens_at:
            return False
        return not (self.enrolment_closes_at and now_utc >= self.enrolment_closes_at)

    @property
    def place_label(self) -> str:
        return self.city if not self.is_abroad else f"{self.city}, {self.country}"

    def __repr__(self) -> str:
        return f"<Session {self.id} {self.course_id} {self.starts_on} {self.status}>"


class Meeting(db.Model):
    """One sitting of a session (oturum): "1. oturum, 12.05.2026 09:00–12:00", local time."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_meetings_day_starts_at", "day", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    #: The day of the meeting (Europe/Istanbul).
    day: Mapped[date] = mapped_column(Date)
    #: Local wall-clock start and end (Europe/Istanbul).
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    topic: Mapped[str | None] = mapped_column(String(200))
    #: Code the trainer says aloud in an online meeting; when set, "Katıldım" requires it.
    online_code: Mapped[str | None] = mapped_column(String(12))

    session: Mapped[Session] = relationship(back_populates="meetings")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.day, self.starts_at)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.day, self.ends_at)

    @property
    def minutes(self) -> int:
        return int((self.end - self.start) / timedelta(minutes=1))

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.day} {self.starts_at}-{self.ends_at}>"


class CalendarToken(db.Model):
    """The secret in a user's personal calendar feed URL; resetting it breaks old subscriptions."""

    __tablename__ = "calendar_tokens"
    __table_args__ = (UniqueConstraint("user_id", name="uq_calendar_tokens_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CalendarToken user={self.user_id}>"


class ChangeNotice(db.Model):
    """A published session's schedule changed: the people concerned get one mail once the edits
    stop for a while. `before` is the schedule as it was before the first edit of the batch."""

    __tablename__ = "change_notices"
    __table_args__ = (UniqueConstraint("session_id", name="uq_change_notices_session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    #: {"place": ..., "online_url": ..., "meetings": [{"id", "day", "start", "end"}, ...]}
    before: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Naive UTC; every further edit pushes it back, so that a burst of edits makes one mail.
    due_at: Mapped[datetime] = mapped_column(index=True)

    session: Mapped[Session] = relationship()

    def __repr__(self) -> str:
        return f"<ChangeNotice session={self.session_id} due={self.due_at}>"
