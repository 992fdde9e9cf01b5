"""Online and hybrid sessions: who sees the join link and when, "Katıldım", the meeting code,
and attendance from a platform's participants report.

One function, `join_box`, decides whether someone sees the link: confirmed participants, the
session's trainers and the training office, from 30 minutes before a meeting to its end. The
catalogue, the API, calendar feeds and mails never carry the link.

Online minutes count like classroom minutes: a report gives each person their minutes, and a
"late" mark keeps them (AttendanceMark.minutes_attended), so that completion (80 % of the hours)
is computed from the same marks whatever the source.
"""

import hmac
import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Person, Role, User
from ..catalog.models import Delivery, Meeting, Session, SessionStatus
from ..core import audit
from ..core.errors import DomainError, NotAllowed
from ..core.timeutil import ISTANBUL
from ..core.turkish import search_key
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db
from . import services
from .models import AttendanceMark, AttendanceStatus, MarkSource
from .platform_reports import Report, merged_seconds
from .services import MarkInput

#: The link appears this long before each meeting and stays until the meeting ends.
JOIN_LINK_LEAD = timedelta(minutes=30)
#: Pressing "Katıldım" later than this after the start records a late arrival with its minutes.
LATE_AFTER = timedelta(minutes=15)
#: A report showing at most this many minutes missing still counts as present.
PRESENT_TOLERANCE_MINUTES = 5
#: Meetings starting within this time show a box on the home page (the link comes later).
HOME_HORIZON = timedelta(hours=24)
HOME_LIMIT = 5


def local_now() -> datetime:
    """Now on the Istanbul wall clock, naive like meeting times."""
    return datetime.now(ISTANBUL).replace(tzinfo=None)


def is_online(session: Session) -> bool:
    """Whether the session is held (also) online and has a link to join."""
    return session.course.delivery in (Delivery.ONLINE, Delivery.HYBRID) and bool(
        session.online_url
    )


def link_window(meeting: Meeting) -> tuple[datetime, datetime]:
    return meeting.start - JOIN_LINK_LEAD, meeting.end


def confirmed_registration(user: User, session: Session) -> Registration | None:
    if not user.is_authenticated or user.person is None:
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.session_id == session.id,
            Registration.person_id == user.person.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


@dataclass
class JoinBox:
    """What one person sees of one online session: its running or next meeting."""

    session: Session
    meeting: Meeting
    #: The join link; None outside the meeting's window.
    url: str | None
    #: The meeting runs now: "Katıldım" can be pressed.
    running: bool
    #: The viewer is a confirmed participant (the others only join, they do not check in).
    registration: Registration | None = None
    mark: AttendanceMark | None = None
    opens_at: datetime | None = None

    @property
    def needs_code(self) -> bool:
        return bool(self.meeting.online_code)

    @property
    def attended(self) -> bool:
        return self.mark is not None and self.mark.status in (
            AttendanceStatus.PRESENT,
            AttendanceStatus.LATE,
        )

    @property
    def can_check_in(self) -> bool:
        return self.running and self.registration is not None and not self.attended


def join_box(
    user: User,
    session: Session,
    now: datetime | None = None,
    registration: Registration | None = None,
) -> JoinBox | None:
    """The one rule for the join link: the audience (confirmed participant, trainer, office)
    and the window (30 minutes before each meeting to its end). None: nothing to show."""
    if not user.is_authenticated or session.status != SessionStatus.PUBLISHED:
        return None
    if not is_online(session):
        return None
    now = now or local_now()
    staff = services.can_take_attendance(user, session)
    if registration is None and not staff:
        registration = confirmed_registration(user, session)
    if registration is None and not staff:
        return None
    meeting = next((m for m in session.meetings if m.end >= now), None)
    if meeting is None:
        return None
    opens, closes = link_window(meeting)
    box = JoinBox(
        session=session,
        meeting=meeting,
        url=session.online_url if opens <= now <= closes else None,
        running=meeting.start <= now <= meeting.end,
        registration=registration,
        opens_at=opens,
    )
    if registration is not None:
        box.mark = db.session.scalar(
            select(AttendanceMark).where(
                AttendanceMark.meeting_id == meeting.id,
                AttendanceMark.registration_id == registration.id,
            )
        )
    return box


def home_boxes(user: User, now: datetime | None = None) -> list[JoinBox]:
    """The online meetings someone takes part in that run now or start within a day."""
    if not user.is_authenticated:
        return []
    now = now or local_now()
    query = (
        select(Session)
        .join(Meeting, Meeting.session_id == Session.id)
        .where(
            Session.status == SessionStatus.PUBLISHED,
            Session.online_url.is_not(None),
            Meeting.day >= (now - timedelta(days=1)).date(),
            Meeting.day <= (now + HOME_HORIZON).date(),
        )
        .distinct()
    )
    registrations: dict[int, Registration] = {}
    if not user.has_role(Role.ADMIN):
        person_id = user.person.id if user.person else None
        if person_id is None:
            return []
        registrations = {
            r.session_id: r
            for r in db.session.scalars(
                select(Registration).where(
                    Registration.person_id == person_id,
                    Registration.status == RegistrationStatus.CONFIRMED,
                )
            )
        }
        taught = select(Session.id).join(Session.trainers).where(Person.id == person_id)
        query = query.where(Session.id.in_(list(registrations)) | Session.id.in_(taught))
    boxes = []
    for session in db.session.scalars(query):
        box = join_box(user, session, now, registrations.get(session.id))
        if box is not None and box.meeting.start <= now + HOME_HORIZON:
            boxes.append(box)
    boxes.sort(key=lambda b: b.meeting.start)
    return boxes[:HOME_LIMIT]


# --- "Katıldım" and the meeting code ----------------------------------------------------------


def attend_online(
    meeting: Meeting, user: User, code: str | None = None, now: datetime | None = None
) -> AttendanceMark:
    """A confirmed participant says they are in the online meeting, while it runs; with the
    code the trainer gave when one is set. Pressing it late records the minutes left."""
    now = now or local_now()
    session = meeting.session
    if not is_online(session):
        raise DomainError(_("This meeting is not held online."))
    if not meeting.start <= now <= meeting.end:
        raise DomainError(
            _(
                "You can say you attended only while the meeting runs (%(start)s–%(end)s).",
                start=meeting.start.strftime("%d.%m.%Y %H:%M"),
                end=meeting.ends_at.strftime("%H:%M"),
            )
        )
    registration = confirmed_registration(user, session)
    if registration is None:
        raise NotAllowed(_("You are not registered for this session, so you cannot check in."))
    if meeting.online_code:
        given = (code or "").strip().encode("utf-8", "replace")
        if not hmac.compare_digest(given, meeting.online_code.encode()):
            raise DomainError(
                _("The code is not right: enter the code the trainer gave in the meeting."),
                field="code",
            )
    existing = services.counted_present(meeting, registration)
    if existing is not None:
        return existing
    if now - meeting.start > LATE_AFTER:
        left = math.ceil((meeting.end - now) / timedelta(minutes=1))
        wanted = MarkInput(AttendanceStatus.LATE, max(left, 0))
    else:
        wanted = MarkInput(AttendanceStatus.PRESENT)
    services.record_marks(meeting, {registration.id: wanted}, user, source=MarkSource.ONLINE)
    return db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.meeting_id == meeting.id,
            AttendanceMark.registration_id == registration.id,
        )
    )


def new_online_code(meeting: Meeting, by: User) -> str:
    """A fresh six-digit code for "Katıldım" (easy to say aloud); the old one stops working."""
    if not services.can_take_attendance(by, meeting.session):
        raise NotAllowed(_("Only the session's trainers and the training office can do this."))
    meeting.online_code = f"{secrets.randbelow(10**6):06d}"
    audit.record("attendance.online_code", meeting, {"required": True}, actor=by)
    db.session.flush()
    return meeting.online_code


def clear_online_code(meeting: Meeting, by: User) -> None:
    if not services.can_take_attendance(by, meeting.session):
        raise NotAllowed(_("Only the session's trainers and the training office can do this."))
    meeting.online_code = None
    audit.record("attendance.online_code", meeting, {"required": False}, actor=by)
    db.session.flush()


# --- platform reports ---------------------------------------------------------------------------


@dataclass
class ReportPerson:
    """Rows of the report that belong to one person (one e-mail, or one name)."""

    name: str
    email: str
    intervals: list[tuple[int, int]] = field(default_factory=list)
    rows: int = 0

    @property
    def minutes(self) -> int:
        return merged_seconds(self.intervals) // 60


@dataclass
class Proposal:
    registration: Registration
    mark: AttendanceMark | None
    intervals: list[tuple[int, int]]
    #: How the person was found in the report: "email", "name" or None.
    matched_by: str | None
    minutes: int
    #: What will be saved; None: the mark stays as it is (in the room at a hybrid meeting).
    status: AttendanceStatus | None
    late_minutes: int | None = None


@dataclass
class ReportPreview:
    platform: str
    proposals: list[Proposal]
    unmatched: list[ReportPerson]


def propose(
    meeting: Meeting,
    registration: Registration,
    mark: AttendanceMark | None,
    intervals: list[tuple[int, int]],
    matched_by: str | None = None,
) -> Proposal:
    """Katıldı / Geç kaldı with minutes / Katılmadı from the merged minutes of a person."""
    minutes = merged_seconds(intervals) // 60
    status, late = AttendanceStatus.ABSENT, None
    if minutes >= meeting.minutes - PRESENT_TOLERANCE_MINUTES:
        status = AttendanceStatus.PRESENT
    elif minutes > 0:
        status, late = AttendanceStatus.LATE, minutes
    elif mark is not None and mark.status != AttendanceStatus.ABSENT:
        # Not in the report but marked otherwise (in the room, excused, "Katıldım"): kept.
        status = None
    return Proposal(registration, mark, intervals, matched_by, minutes, status, late)


def _clip(meeting: Meeting, joined: datetime, left: datetime) -> tuple[int, int] | None:
    start = max(joined, meeting.start)
    end = min(left, meeting.end)
    if end <= start:
        return None
    return (
        int((start - meeting.start).total_seconds()),
        int((end - meeting.start).total_seconds()),
    )


def preview_report(meeting: Meeting, report: Report) -> ReportPreview:
    """Match the report's rows to the roster, by e-mail first and then by the Turkish-aware
    name; sum each person's minutes (overlaps merged). Nothing is written."""
    lines = services.roster(meeting)
    user_ids = [line.registration.person.user_id for line in lines]
    emails = {
        u.id: u.email.lower()
        for u in db.session.scalars(
            select(User).where(User.id.in_([i for i in user_ids if i is not None]))
        )
    }
    by_email, by_name = {}, {}
    for line in lines:
        person = line.registration.person
        email = emails.get(person.user_id)
        if email:
            by_email[email] = line.registration.id
        by_name.setdefault(search_key(person.full_name), []).append(line.registration.id)
    found: dict[int, list[tuple[int, int]]] = {}
    matched_by: dict[int, str] = {}
    unmatched: dict[str, ReportPerson] = {}
    for row in report.rows:
        interval = _clip(meeting, row.joined, row.left)
        registration_id, how = by_email.get(row.email) if row.email else None, "email"
        if registration_id is None:
            candidates = by_name.get(row.name_key, [])
            registration_id, how = (candidates[0], "name") if len(candidates) == 1 else (None, "")
        if registration_id is not None:
            found.setdefault(registration_id, [])
            if interval:
                found[registration_id].append(interval)
            matched_by.setdefault(registration_id, how)
            continue
        key = row.email or row.name_key
        person = unmatched.setdefault(key, ReportPerson(row.name, row.email))
        person.rows += 1
        if interval:
            person.intervals.append(interval)
    proposals = [
        propose(
            meeting,
            line.registration,
            line.mark,
            found.get(line.registration.id, []),
            matched_by.get(line.registration.id),
        )
        for line in lines
    ]
    return ReportPreview(report.platform, proposals, list(unmatched.values()))


def save_report(
    meeting: Meeting,
    intervals: dict[int, list[tuple[int, int]]],
    by: User,
    reason: str | None = None,
) -> int:
    """Save what the trainer confirmed: each roster person's intervals (their own rows and the
    unmatched rows given to them by hand) become a mark through record_marks."""
    marks = {}
    for line in services.roster(meeting):
        registration_id = line.registration.id
        own = intervals.get(registration_id, [])
        proposal = propose(meeting, line.registration, line.mark, own)
        if proposal.status is None:
            continue
        marks[registration_id] = MarkInput(proposal.status, proposal.late_minutes)
    if not marks:
        return 0
    return services.record_marks(meeting, marks, by, source=MarkSource.REPORT, reason=reason)
