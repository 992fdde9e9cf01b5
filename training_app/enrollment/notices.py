"""Change notices turned into mail: everyone confirmed or waiting for a seat, and the trainers,
get one mail per burst of edits (old -> new) with an updated calendar file, and a METHOD:CANCEL
file for meetings that were removed, so that their calendar apps move or drop the events.

The catalogue records the edits (catalog/notices.py); the outbox's delivery rounds and sweeps run
`send_due_change_notices` (registered as a mail feeder), so no extra process is needed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, User
from ..catalog.calendar import cancellation_attachment, session_attachment
from ..catalog.models import ChangeNotice, Course, Session, SessionStatus
from ..catalog.notices import schedule_snapshot
from ..catalog.services import session_dates_label
from ..core.mail import queue_mail
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Registration, RegistrationStatus

#: Who hears of a change besides the trainers.
TOLD = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def _label(meeting: dict) -> str:
    day = date.fromisoformat(meeting["day"])
    return f"{day:%d.%m.%Y} {meeting['start']}–{meeting['end']}"


@dataclass
class ScheduleChanges:
    """What differs between two schedule snapshots, as the mail lists it."""

    moved: list[tuple[str, str]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    place: tuple[str, str] | None = None
    link_changed: bool = False

    @property
    def any(self) -> bool:
        return bool(self.moved or self.added or self.removed or self.place or self.link_changed)

    @property
    def removed_labels(self) -> list[str]:
        return [_label(meeting) for meeting in self.removed]


def compare(before: dict, after: dict) -> ScheduleChanges:
    old = {meeting["id"]: meeting for meeting in before["meetings"]}
    new = {meeting["id"]: meeting for meeting in after["meetings"]}
    changes = ScheduleChanges()
    for meeting_id, meeting in new.items():
        if meeting_id not in old:
            changes.added.append(_label(meeting))
        elif _label(old[meeting_id]) != _label(meeting):
            changes.moved.append((_label(old[meeting_id]), _label(meeting)))
    changes.removed = [meeting for meeting_id, meeting in old.items() if meeting_id not in new]
    if before["place"] != after["place"]:
        changes.place = (before["place"], after["place"])
    changes.link_changed = before["online_url"] != after["online_url"]
    return changes


def _recipients(session: Session) -> list[tuple[User, Person]]:
    """Active accounts of the confirmed, the waitlisted and the trainers, each once."""
    people = list(
        db.session.scalars(
            select(Person)
            .join(Registration, Registration.person_id == Person.id)
            .where(Registration.session_id == session.id, Registration.status.in_(TOLD))
            .options(selectinload(Person.user))
        )
    )
    people += list(session.trainers)
    seen, found = set(), []
    for person in people:
        user = person.user
        if user is None or not user.is_active or user.id in seen:
            continue
        seen.add(user.id)
        found.append((user, person))
    return found


def send_change_notice(notice: ChangeNotice) -> int:
    """Queue the mails of one notice; returns how many. The notice is gone afterwards."""
    session = db.session.scalar(
        select(Session)
        .where(Session.id == notice.session_id)
        .options(
            selectinload(Session.course).selectinload(Course.category),
            selectinload(Session.venue),
            selectinload(Session.trainers).selectinload(Person.user),
            selectinload(Session.meetings),
        )
    )
    before = notice.before
    # Claimed by deleting it: two workers sweeping at once send it once.
    claimed = db.session.execute(
        delete(ChangeNotice)
        .where(ChangeNotice.id == notice.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expunge(notice)
    if claimed != 1 or session is None or session.status != SessionStatus.PUBLISHED:
        # Cancelled meanwhile: the cancellation mail has told everyone.
        return 0
    changes = compare(before, schedule_snapshot(session))
    if not changes.any:
        return 0
    queued = 0
    for user, person in _recipients(session):
        attendee = (user.email, person.full_name)
        attachments = [session_attachment(session, attendee)]
        if changes.removed:
            attachments.append(cancellation_attachment(session, changes.removed, attendee))
        message = queue_mail(
            user.email,
            "session_changed",
            locale=user.locale,
            dedup_key=f"session-changed:{session.id}:{session.sequence}:{user.id}",
            attachments=attachments,
            person_name=person.full_name,
            course_title=session.course.title,
            dates=session_dates_label(session),
            place=session.place_label,
            session_id=session.id,
            changes=changes,
        )
        queued += message is not None
    return queued


def send_due_change_notices(now: datetime | None = None) -> int:
    """Queue the mail of every notice whose quiet period is over; returns how many mails."""
    now = now or utcnow()
    due = db.session.scalars(
        select(ChangeNotice).where(ChangeNotice.due_at <= now).order_by(ChangeNotice.id)
    ).all()
    return sum(send_change_notice(notice) for notice in due)
