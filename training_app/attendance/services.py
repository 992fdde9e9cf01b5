"""Attendance use cases: marking, sheets, and closing a session (QR check-in: checkin.py).

Hours are counted in whole minutes so that thresholds are exact: with 10 hours and 80 %,
480 attended minutes qualify and 474 (7.9 hours) do not.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, Role, User
from ..catalog.models import DocumentKind, Meeting, Session, SessionStatus
from ..catalog.sessions import complete_session
from ..catalog.signals import session_closed
from ..core import audit
from ..core.errors import DomainError, NotAllowed
from ..core.timeutil import ISTANBUL, local_now, local_today, utcnow
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db
from .models import AttendanceMark, AttendanceMarkChange, AttendanceStatus, Completion, MarkSource

S = RegistrationStatus
#: Registrations that appear on rosters: confirmed, and after closing their outcome.
ROSTER_STATES = (S.CONFIRMED, S.COMPLETED, S.NO_SHOW)
#: Check-in opens this long before a meeting and stays open this long after it.
CHECKIN_MARGIN = timedelta(minutes=15)


# --- who may take attendance ------------------------------------------------------------------


def is_trainer_of(user: User, session: Session) -> bool:
    return user.person is not None and any(t.id == user.person.id for t in session.trainers)


def can_take_attendance(user: User, session: Session) -> bool:
    return user.has_role(Role.ADMIN) or (
        user.has_role(Role.TRAINER) and is_trainer_of(user, session)
    )


def is_closed(session: Session) -> bool:
    return session.status == SessionStatus.COMPLETED


# --- when marks can be true ------------------------------------------------------------------


def _local_naive(now: datetime | None) -> datetime:
    """Istanbul wall clock, naive (comparable with a meeting's start); now by default."""
    if now is None:
        return local_now()
    if now.tzinfo is not None:
        return now.astimezone(ISTANBUL).replace(tzinfo=None)
    return now


def marks_open_at(meeting: Meeting) -> datetime:
    """From when attendance of a meeting can be taken (Istanbul wall clock, naive): the same
    margin before the start as the QR check-in."""
    return meeting.start - CHECKIN_MARGIN


def marks_are_open(meeting: Meeting, now: datetime | None = None) -> bool:
    return _local_naive(now) >= marks_open_at(meeting)


def refuse_marks_before_start(meeting: Meeting, now: datetime | None = None) -> None:
    """Nobody can have attended a meeting that has not started: every source of marks (the
    roster, QR check-in, a signed sheet, imports, offline sync) goes through this rule."""
    if not marks_are_open(meeting, now):
        raise DomainError(
            _(
                "This meeting has not started yet, so nobody can be marked for it. "
                "Attendance can be taken from %(when)s (15 minutes before the start).",
                when=marks_open_at(meeting).strftime("%d.%m.%Y %H:%M"),
            )
        )


# --- rosters ---------------------------------------------------------------------------------


@dataclass
class RosterLine:
    registration: Registration
    mark: AttendanceMark | None


def roster(meeting: Meeting) -> list[RosterLine]:
    """The meeting's participants in Turkish alphabetical order with their marks (two queries)."""
    registrations = db.session.scalars(
        select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.session_id == meeting.session_id, Registration.status.in_(ROSTER_STATES)
        )
        .options(
            selectinload(Registration.person).selectinload(Person.municipality),
            selectinload(Registration.municipality),
        )
        .order_by(Person.sort_key, Registration.id)
    ).all()
    marks = {
        m.registration_id: m
        for m in db.session.scalars(
            select(AttendanceMark).where(AttendanceMark.meeting_id == meeting.id)
        )
    }
    return [RosterLine(r, marks.get(r.id)) for r in registrations]


@dataclass
class MarkInput:
    status: AttendanceStatus
    minutes: int | None = None
    #: When a device made the mark (naive UTC) if it was sent later; None: now.
    made_at: datetime | None = None
    #: The device's id of a mark made offline (see attendance/offline.py).
    client_id: str | None = None


class MarkOutcome(enum.StrEnum):
    """What became of one mark given to record_marks."""

    SAVED = "saved"
    UNCHANGED = "unchanged"
    #: A mark made earlier on a device arrived after a later one made on the server.
    SUPERSEDED = "superseded"


def _check_minutes(meeting: Meeting, mark: MarkInput) -> int | None:
    if mark.status != AttendanceStatus.LATE or mark.minutes is None:
        return None
    if not 0 <= mark.minutes <= meeting.minutes:
        raise DomainError(
            _("Minutes attended must be between 0 and %(max)d.", max=meeting.minutes),
            field="minutes",
        )
    return mark.minutes


def record_marks(
    meeting: Meeting,
    marks: dict[int, MarkInput],
    by: User,
    source: MarkSource = MarkSource.TRAINER,
    reason: str | None = None,
    outcomes: dict[int, tuple[MarkOutcome, AttendanceMark | None]] | None = None,
    now: datetime | None = None,
) -> int:
    """Save many marks at once (registration id -> mark) in a fixed number of queries.

    Refused for a meeting that has not started (see refuse_marks_before_start); `now` is the
    server's time, Istanbul, by default. After a session is closed only an administrator may
    change marks, with a reason; the changed registrations' completion is recomputed. A mark
    made earlier on a device (`made_at`) never overwrites a later one made on the server: it
    goes to the history only. `outcomes`, if given, receives registration id -> (outcome, the
    mark it met).
    """
    session = meeting.session
    closed = is_closed(session)
    reason = (reason or "").strip() or None
    if closed:
        if not by.has_role(Role.ADMIN):
            raise NotAllowed(
                _("This session is closed; only an administrator can change attendance.")
            )
        if not reason:
            raise DomainError(
                _("Write the reason for changing attendance after closing."), field="reason"
            )
    elif session.status != SessionStatus.PUBLISHED:
        raise DomainError(_("Attendance can be taken only for a published session."))
    refuse_marks_before_start(meeting, now)
    registrations = {
        r.id: r
        for r in db.session.scalars(
            select(Registration).where(
                Registration.id.in_(list(marks)),
                Registration.session_id == session.id,
                Registration.status.in_(ROSTER_STATES),
            )
        )
    }
    unknown = set(marks) - set(registrations)
    if unknown:
        raise DomainError(_("Some people are not on this meeting's roster."))
    existing = {
        m.registration_id: m
        for m in db.session.scalars(
            select(AttendanceMark).where(
                AttendanceMark.meeting_id == meeting.id,
                AttendanceMark.registration_id.in_(list(marks)),
            )
        )
    }
    now = utcnow()
    by_id = by.id if by else None
    new_marks, history_rows = [], []
    outcomes = {} if outcomes is None else outcomes
    for registration_id, wanted in marks.items():
        minutes = _check_minutes(meeting, wanted)
        mark = existing.get(registration_id)
        at = wanted.made_at or now
        later_on_server = wanted.made_at is not None and mark is not None and mark.marked_at > at
        unchanged = (
            mark is not None and mark.status == wanted.status and mark.minutes_attended == minutes
        )
        if later_on_server:
            outcome = MarkOutcome.SUPERSEDED
        else:
            outcome = MarkOutcome.UNCHANGED if unchanged else MarkOutcome.SAVED
        outcomes[registration_id] = (outcome, mark)
        # A device's mark is always written down, so that sending it again finds it.
        if unchanged and wanted.client_id is None:
            continue
        history_rows.append(
            {
                "meeting_id": meeting.id,
                "registration_id": registration_id,
                "old_status": mark.status if mark else None,
                "new_status": wanted.status,
                "old_minutes": mark.minutes_attended if mark else None,
                "new_minutes": minutes,
                "source": source,
                "by_user_id": by_id,
                "at": at,
                "reason": reason,
                "client_id": wanted.client_id,
                "applied": outcome != MarkOutcome.SUPERSEDED,
            }
        )
        if outcome != MarkOutcome.SAVED:
            continue
        if mark is None:
            new_marks.append(
                {
                    "meeting_id": meeting.id,
                    "registration_id": registration_id,
                    "status": wanted.status,
                    "minutes_attended": minutes,
                    "source": source,
                    "marked_by_id": by_id,
                    "marked_at": at,
                }
            )
        else:
            mark.status, mark.minutes_attended = wanted.status, minutes
            mark.source, mark.marked_by_id, mark.marked_at = source, by_id, at
    # One executemany per table whatever the roster's size (no primary keys to fetch back).
    db.session.flush()
    if new_marks:
        db.session.execute(AttendanceMark.__table__.insert(), new_marks)
    if history_rows:
        db.session.execute(AttendanceMarkChange.__table__.insert(), history_rows)
    changed = sum(1 for r in marks if outcomes[r][0] == MarkOutcome.SAVED)
    if changed and closed:
        audit.record(
            "attendance.change_after_close",
            session,
            {"meeting_id": meeting.id, "changed": changed, "reason": reason},
            actor=by,
        )
        db.session.flush()
        totals = attended_minutes_by_registration(session)
        for registration_id in marks:
            _complete(registrations[registration_id], by, totals=totals)
    db.session.flush()
    return changed


def counted_present(meeting: Meeting, registration: Registration) -> AttendanceMark | None:
    """The person's mark for the meeting when it already counts them as there (present or
    late): a second check-in, by QR or online code, changes nothing."""
    mark = db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.meeting_id == meeting.id,
            AttendanceMark.registration_id == registration.id,
        )
    )
    if mark is not None and mark.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        return mark
    return None


def mark_all_present(meeting: Meeting, by: User, now: datetime | None = None) -> int:
    """Mark everyone on the roster who has no mark yet as present."""
    refuse_marks_before_start(meeting, now)
    unmarked = {
        line.registration.id: MarkInput(AttendanceStatus.PRESENT)
        for line in roster(meeting)
        if line.mark is None and line.registration.status == S.CONFIRMED
    }
    return record_marks(meeting, unmarked, by, now=now) if unmarked else 0


def history(meeting: Meeting) -> list[AttendanceMarkChange]:
    return list(
        db.session.scalars(
            select(AttendanceMarkChange)
            .where(AttendanceMarkChange.meeting_id == meeting.id)
            .options(
                selectinload(AttendanceMarkChange.by_user).selectinload(User.person),
                selectinload(AttendanceMarkChange.registration).selectinload(Registration.person),
            )
            .order_by(AttendanceMarkChange.at.desc(), AttendanceMarkChange.id.desc())
        )
    )


# --- hours and closing -----------------------------------------------------------------------


def attended_minutes_by_registration(session: Session) -> dict[int, int]:
    """registration id -> counted minutes over the session's meetings (one query)."""
    totals: dict[int, int] = {}
    for mark in db.session.scalars(
        select(AttendanceMark)
        .join(Meeting, Meeting.id == AttendanceMark.meeting_id)
        .where(Meeting.session_id == session.id)
        .options(selectinload(AttendanceMark.meeting))
    ):
        totals[mark.registration_id] = totals.get(mark.registration_id, 0) + mark.counted_minutes()
    return totals


def qualifies(attended: int, total: int, minimum_percent: int) -> bool:
    """Exact integer comparison: attended/total >= minimum%."""
    return total > 0 and attended * 100 >= minimum_percent * total


def earned_document(
    registration: Registration, attended: int, total: int, score: float | None
) -> tuple[bool, DocumentKind]:
    """(completed?, document) for a registration by the course's rules (DOMAIN.md)."""
    course = registration.session.course
    if not qualifies(attended, total, course.min_attendance_percent):
        return False, DocumentKind.NONE
    if course.document_kind == DocumentKind.NONE:
        return True, DocumentKind.NONE
    if course.document_kind == DocumentKind.ACHIEVEMENT:
        if (
            course.has_exam
            and score is not None
            and course.pass_mark is not None
            and score >= course.pass_mark
        ):
            return True, DocumentKind.ACHIEVEMENT
        if course.attendance_document_on_fail:
            return True, DocumentKind.ATTENDANCE
        return True, DocumentKind.NONE
    return True, DocumentKind.ATTENDANCE


def _complete(
    registration: Registration,
    by: User | None,
    score: float | None = None,
    totals: dict[int, int] | None = None,
    keep_score: bool = True,
    existing: dict[int, Completion] | None = None,
) -> Completion:
    session = registration.session
    total = session.total_minutes
    if totals is None:
        totals = attended_minutes_by_registration(session)
    attended = totals.get(registration.id, 0)
    if existing is None:
        existing = completions_of(session)
    completion = existing.get(registration.id)
    if completion is None:
        completion = Completion(
            registration_id=registration.id,
            attended_minutes=0,
            session_minutes=total,
            attendance_percent=0,
            document_kind=DocumentKind.NONE,
        )
        db.session.add(completion)
    elif keep_score and score is None:
        score = completion.exam_score
    done, document = earned_document(registration, attended, total, score)
    completion.attended_minutes = attended
    completion.session_minutes = total
    completion.attendance_percent = round(attended * 100 / total, 2) if total else 0
    completion.exam_score = score
    completion.document_kind = document
    completion.closed_at = utcnow()
    completion.closed_by_id = by.id if by else None
    wanted = S.COMPLETED if done else S.NO_SHOW
    if registration.status != wanted:
        registration.move_to(wanted, by, _("Session closed"))
    return completion


def close_session(
    session: Session, scores: dict[int, float | None], by: User, today=None, now=None
) -> list[Completion]:
    """Close a session after its last meeting: every confirmed registration becomes completed
    (with the document it earned) or no-show, from the attended minutes and the exam score."""
    now = now or datetime.now(ISTANBUL).replace(tzinfo=None)
    last_end = session.last_meeting_end
    if last_end is not None and now < last_end:
        raise DomainError(
            _(
                "A session can be closed only after its last meeting has ended (%(when)s).",
                when=last_end.strftime("%d.%m.%Y %H:%M"),
            )
        )
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.session_id == session.id, Registration.status == S.CONFIRMED)
        .options(selectinload(Registration.events), selectinload(Registration.person))
    ).all()
    if session.course.has_exam:
        for score in scores.values():
            if score is not None and not 0 <= score <= 100:
                raise DomainError(_("Exam scores must be between 0 and 100."), field="scores")
        missing = [r.person.full_name for r in registrations if scores.get(r.id) is None]
        if missing:
            raise DomainError(
                _(
                    "Enter the exam score of everyone (0 for someone who did not sit the exam): "
                    "%(names)s.",
                    names=", ".join(missing),
                ),
                field="scores",
            )
    complete_session(session, today or local_today(), by)
    totals = attended_minutes_by_registration(session)
    existing = completions_of(session)
    completions = [
        _complete(r, by, scores.get(r.id), totals, keep_score=False, existing=existing)
        for r in registrations
    ]
    audit.record("session.close", session, {"registrations": len(completions)}, actor=by)
    db.session.flush()
    session_closed.send(session, by=by)
    return completions


def correct_exam_score(
    registration: Registration, score: float, by: User, reason: str
) -> tuple[Completion, DocumentKind]:
    """Correct one exam score after closing (a typing mistake, a re-marked paper): the office
    only, with a reason; completion and the document earned are recomputed and audited.

    Returns the completion and the document earned before, so that the caller can say when a
    document already issued no longer matches.
    """
    session = registration.session
    if not by.has_role(Role.ADMIN):
        raise NotAllowed(_("Only the training office can correct exam scores."))
    if not is_closed(session):
        raise DomainError(_("Scores are entered when the session is closed."))
    if not session.course.has_exam:
        raise DomainError(_("This course has no exam."))
    if not 0 <= score <= 100:
        raise DomainError(_("Enter a number between 0 and 100."), field="score")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write the reason for the correction."), field="reason")
    completion = completions_of(session).get(registration.id)
    if completion is None:
        raise DomainError(_("This person was not on the session's roster when it was closed."))
    old_score, old_document = completion.exam_score, completion.document_kind
    if old_score == score:
        raise DomainError(_("This is already the exam score."), field="score")
    completion = _complete(registration, by, score=score, keep_score=False)
    audit.record(
        "attendance.score_corrected",
        registration,
        {
            "exam_score": [old_score, score],
            "document_kind": [old_document.value, completion.document_kind.value],
            "reason": reason,
        },
        actor=by,
    )
    db.session.flush()
    return completion, old_document


def completions_of(session: Session) -> dict[int, Completion]:
    return {
        c.registration_id: c
        for c in db.session.scalars(
            select(Completion)
            .join(Registration, Registration.id == Completion.registration_id)
            .where(Registration.session_id == session.id)
        )
    }


@dataclass
class Matrix:
    meetings: list[Meeting]
    rows: list[tuple[Registration, list[AttendanceMark | None], int]]
    total_minutes: int


def attendance_matrix(session: Session) -> Matrix:
    """Participants x meetings with each mark and the attended minutes (three queries)."""
    meetings = list(session.meetings)
    registrations = db.session.scalars(
        select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id == session.id, Registration.status.in_(ROSTER_STATES))
        .options(selectinload(Registration.person), selectinload(Registration.municipality))
        .order_by(Person.sort_key, Registration.id)
    ).all()
    marks = {}
    for mark in db.session.scalars(
        select(AttendanceMark)
        .join(Meeting, Meeting.id == AttendanceMark.meeting_id)
        .where(Meeting.session_id == session.id)
        .options(selectinload(AttendanceMark.meeting))
    ):
        marks[(mark.registration_id, mark.meeting_id)] = mark
    rows = []
    for registration in registrations:
        line = [marks.get((registration.id, m.id)) for m in meetings]
        rows.append((registration, line, sum(m.counted_minutes() for m in line if m)))
    return Matrix(meetings, rows, session.total_minutes)


def own_attendance(registration: Registration) -> list[tuple[Meeting, AttendanceMark | None]]:
    marks = {
        m.meeting_id: m
        for m in db.session.scalars(
            select(AttendanceMark)
            .where(AttendanceMark.registration_id == registration.id)
            .options(selectinload(AttendanceMark.meeting))
        )
    }
    return [(m, marks.get(m.id)) for m in registration.session.meetings]
