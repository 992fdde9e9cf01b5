"""QR self check-in: a code on the room's screen that changes every minute, and the
participant's own mark made with it (through record_marks, like every other mark)."""

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..catalog.models import Meeting, SessionStatus
from ..core.errors import DomainError
from ..core.timeutil import ISTANBUL
from ..enrollment.models import Registration
from ..extensions import db
from .models import AttendanceMark, AttendanceStatus, MarkSource
from .services import CHECKIN_MARGIN, MarkInput, S, counted_present, record_marks

QR_PERIOD_SECONDS = 60


def _window(now: datetime) -> int:
    return int(now.timestamp()) // QR_PERIOD_SECONDS


def qr_token(meeting: Meeting, window: int) -> str:
    key = hashlib.sha256(b"qr-checkin:" + current_app.config["SECRET_KEY"].encode()).digest()
    message = f"{meeting.id}:{window}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def meeting_window_local(meeting: Meeting) -> tuple[datetime, datetime]:
    start = meeting.start.replace(tzinfo=ISTANBUL) - CHECKIN_MARGIN
    end = meeting.end.replace(tzinfo=ISTANBUL) + CHECKIN_MARGIN
    return start, end


def checkin_is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    now = now or datetime.now(ISTANBUL)
    start, end = meeting_window_local(meeting)
    return start <= now <= end


def current_qr_token(meeting: Meeting, now: datetime | None = None) -> str:
    return qr_token(meeting, _window(now or datetime.now(ISTANBUL)))


def token_is_fresh(meeting: Meeting, token: str, now: datetime | None = None) -> bool:
    """The code shown now or in the previous minute (a scan takes a moment)."""
    window = _window(now or datetime.now(ISTANBUL))
    # Bytes: compare_digest refuses a str with non-ASCII letters (a code typed or mangled).
    given = token.encode("utf-8", "replace")
    return any(
        hmac.compare_digest(given, qr_token(meeting, w).encode()) for w in (window, window - 1)
    )


def check_in(meeting: Meeting, user: User, now: datetime | None = None) -> AttendanceMark:
    """Mark a participant present for this meeting only, after a valid scan."""
    now = now or datetime.now(ISTANBUL)
    if not checkin_is_open(meeting, now):
        raise DomainError(
            _(
                "Check-in for this meeting is not open now. It opens 15 minutes "
                "before the meeting and closes 15 minutes after it."
            )
        )
    session = meeting.session
    if session.status != SessionStatus.PUBLISHED:
        raise DomainError(_("Attendance can be taken only for a published session."))
    registration = db.session.scalar(
        select(Registration).where(
            Registration.session_id == session.id,
            Registration.person_id == (user.person.id if user.person else None),
        )
    )
    if registration is None or registration.status != S.CONFIRMED:
        raise DomainError(_("You are not registered for this session, so you cannot check in."))
    existing = counted_present(meeting, registration)
    if existing is not None:
        return existing
    record_marks(
        meeting,
        {registration.id: MarkInput(AttendanceStatus.PRESENT)},
        user,
        source=MarkSource.QR,
        now=now,
    )
    return db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.meeting_id == meeting.id,
            AttendanceMark.registration_id == registration.id,
        )
    )
