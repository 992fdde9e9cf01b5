"""Attendance marks per meeting, their history, and each registration's completion record."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalog.models import DocumentKind, Meeting
from ..core.columns import str_enum
from ..core.timeutil import utcnow
from ..enrollment.models import Registration
from ..extensions import db


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return str(ATTENDANCE_LABELS[self])


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.EXCUSED: _l("Excused"),
    AttendanceStatus.ABSENT: _l("Absent"),
}


class MarkSource(enum.StrEnum):
    TRAINER = "trainer"
    QR = "qr"
    SHEET = "sheet"
    #: The participant pressed "Katıldım" in an online meeting.
    ONLINE = "online"
    #: From the platform's participants report (Zoom, Teams) confirmed by the trainer.
    REPORT = "report"
    #: Tapped on a device without a network, sent later (attendance/offline.py).
    OFFLINE = "offline"


class AttendanceMark(db.Model):
    """One participant's attendance at one meeting."""

    __tablename__ = "attendance_marks"
    __table_args__ = (
        UniqueConstraint("meeting_id", "registration_id", name="uq_attendance_marks_meeting_reg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(str_enum(AttendanceStatus))
    #: For a late arrival: the minutes actually attended (None: the whole meeting counts).
    minutes_attended: Mapped[int | None]
    source: Mapped[MarkSource] = mapped_column(str_enum(MarkSource), default=MarkSource.TRAINER)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    registration: Mapped[Registration] = relationship()

    def counted_minutes(self) -> int:
        """Present: the meeting's minutes; late: the minutes given (or all); otherwise none."""
        if self.status == AttendanceStatus.PRESENT:
            return self.meeting.minutes
        if self.status == AttendanceStatus.LATE:
            if self.minutes_attended is None:
                return self.meeting.minutes
            return min(self.minutes_attended, self.meeting.minutes)
        return 0

    def __repr__(self) -> str:
        return (
            f"<AttendanceMark meeting={self.meeting_id} reg={self.registration_id} {self.status}>"
        )


class AttendanceMarkChange(db.Model):
    """History of a mark: who set it, when, the previous value, and why (after closing)."""

    __tablename__ = "attendance_mark_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    old_status: Mapped[AttendanceStatus | None] = mapped_column(str_enum(AttendanceStatus))
    new_status: Mapped[AttendanceStatus] = mapped_column(str_enum(AttendanceStatus))
    old_minutes: Mapped[int | None]
    new_minutes: Mapped[int | None]
    source: Mapped[MarkSource] = mapped_column(str_enum(MarkSource))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(500))
    #: The device's id of a mark made offline (a UUID): sending it again records it once.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    #: False for a mark made offline that reached the server after a later mark made there:
    #: kept in the history, not applied (`at` is then the time the device recorded).
    applied: Mapped[bool] = mapped_column(default=True, server_default=true())

    by_user: Mapped[User | None] = relationship()
    registration: Mapped[Registration] = relationship()
    meeting: Mapped[Meeting] = relationship()

    def __repr__(self) -> str:
        return f"<AttendanceMarkChange {self.registration_id} {self.old_status}->{self.new_status}>"


class Completion(db.Model):
    """What a registration earned when its session was closed: hours, percent, score, document."""

    __tablename__ = "completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    attended_minutes: Mapped[int]
    #: The session's minutes when it was closed (the sum of its meetings).
    session_minutes: Mapped[int]
    #: attended / session minutes, 0-100, two decimals (for display; decisions use the minutes).
    attendance_percent: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))
    exam_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    #: The document earned: attendance, achievement or none.
    document_kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship()

    def __repr__(self) -> str:
        return f"<Completion reg={self.registration_id} {self.attendance_percent}%>"
