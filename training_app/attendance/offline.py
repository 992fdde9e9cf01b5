"""Marks made on a trainer's device without a network, sent later in one batch.

Each mark carries the device's id for it (a UUID) and the time it was made: sending a batch
twice records each mark once, and a mark made earlier on the device never overwrites a later
one made on the server (both stay in the mark's history; the device is told which stands).
Every mark is checked as a form would check it; a refused mark is reported back and the others
of the batch are saved. The marks themselves go through `services.record_marks`, so every rule
of marking applies to them too.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..catalog.models import Meeting, Session, SessionStatus
from ..core.errors import DomainError
from ..core.timeutil import local_today, to_local, utcnow
from ..enrollment.models import Registration
from ..extensions import db
from . import services
from .models import AttendanceMarkChange, AttendanceStatus, MarkSource
from .services import ROSTER_STATES, MarkInput, MarkOutcome

#: At most this many marks in one batch (a day of rosters is far fewer).
MAX_BATCH = 1000
#: A device's clock may run this far ahead of the server's before its marks are refused.
CLOCK_SKEW = timedelta(minutes=2)
#: The rosters a trainer's device keeps for offline use: today and the coming days.
OFFLINE_DAYS = 7


class Result:
    """What became of one mark of a batch, as the device is told."""

    SAVED = "saved"
    UNCHANGED = "unchanged"
    #: Sent before: nothing changed this time.
    DUPLICATE = "duplicate"
    SUPERSEDED = "superseded"
    REFUSED = "refused"


@dataclass
class OfflineMark:
    """One mark as the device sent it, once read and checked."""

    client_id: str
    meeting_id: int
    registration_id: int
    status: AttendanceStatus
    minutes: int | None
    made_at: datetime


def _refused(client_id, message: str) -> dict:
    return {"client_id": client_id, "result": Result.REFUSED, "message": message}


def _read(raw, now: datetime) -> OfflineMark | str:
    """The mark, or why it cannot be read (a message for the trainer)."""
    if not isinstance(raw, dict):
        return _("This mark could not be read.")
    try:
        client_id = str(uuid.UUID(str(raw.get("client_id", ""))))
        meeting_id = int(raw["meeting_id"])
        registration_id = int(raw["registration_id"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return _("This mark could not be read.")
    try:
        status = AttendanceStatus(raw.get("status"))
    except ValueError:
        return _("Unknown attendance status.")
    minutes = raw.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)):
        return _("Minutes attended must be a whole number.")
    try:
        made_at = datetime.fromisoformat(str(raw.get("made_at", "")))
    except ValueError:
        return _("The time the mark was made could not be read.")
    if made_at.tzinfo is None:
        return _("The time the mark was made could not be read.")
    made_at = made_at.astimezone(UTC).replace(tzinfo=None)
    if made_at > now + CLOCK_SKEW:
        return _("The mark is dated in the future; check the device's clock.")
    return OfflineMark(client_id, meeting_id, registration_id, status, minutes, made_at)


def sync_marks(batch: list, by: User) -> list[dict]:
    """Record a batch of marks made offline; one result per mark, in the batch's order.

    The number of queries depends on the number of meetings in the batch, not of marks.
    """
    now = utcnow()
    results: list[dict | None] = [None] * len(batch)
    readable: list[tuple[int, OfflineMark]] = []
    for index, raw in enumerate(batch):
        mark = _read(raw, now)
        if isinstance(mark, str):
            client_id = raw.get("client_id") if isinstance(raw, dict) else None
            results[index] = _refused(client_id if isinstance(client_id, str) else None, mark)
        else:
            readable.append((index, mark))

    meeting_ids = {m.meeting_id for _i, m in readable}
    meetings = {
        m.id: m
        for m in db.session.scalars(
            select(Meeting)
            .where(Meeting.id.in_(meeting_ids))
            .options(selectinload(Meeting.session).selectinload(Session.trainers))
        )
    }
    on_rosters = {
        (r.session_id, r.id)
        for r in db.session.execute(
            select(Registration.session_id, Registration.id).where(
                Registration.id.in_({m.registration_id for _i, m in readable}),
                Registration.status.in_(ROSTER_STATES),
            )
        )
    }
    sent_before = {
        c.client_id: c
        for c in db.session.scalars(
            select(AttendanceMarkChange).where(
                AttendanceMarkChange.client_id.in_({m.client_id for _i, m in readable})
            )
        )
    }

    groups: dict[int, dict[int, tuple[int, OfflineMark]]] = {}
    seen_client_ids: dict[str, tuple[int, int]] = {}
    for index, mark in readable:
        meeting = meetings.get(mark.meeting_id)
        target = (mark.meeting_id, mark.registration_id)
        if meeting is None or not services.can_take_attendance(by, meeting.session):
            results[index] = _refused(
                mark.client_id, _("This meeting is not one of the sessions you teach.")
            )
            continue
        if (meeting.session_id, mark.registration_id) not in on_rosters:
            results[index] = _refused(mark.client_id, _("This person is not on the roster."))
            continue
        earlier = sent_before.get(mark.client_id)
        if (earlier is not None and (earlier.meeting_id, earlier.registration_id) != target) or (
            seen_client_ids.get(mark.client_id, target) != target
        ):
            results[index] = _refused(
                mark.client_id, _("This mark's id was already used for another person.")
            )
            continue
        seen_client_ids[mark.client_id] = target
        if earlier is not None:
            results[index] = {
                "client_id": mark.client_id,
                "result": Result.DUPLICATE,
                "message": _("Already received."),
            }
            continue
        try:
            services._check_minutes(meeting, MarkInput(mark.status, mark.minutes))
            # Made on the device before the meeting opened: not true, however late it is sent.
            services.refuse_marks_before_start(meeting, mark.made_at.replace(tzinfo=UTC))
        except DomainError as error:
            results[index] = _refused(mark.client_id, error.message)
            continue
        group = groups.setdefault(mark.meeting_id, {})
        previous = group.get(mark.registration_id)
        if previous is not None:
            # Two marks for one person in one batch: the later one counts.
            older, newer = sorted((previous, (index, mark)), key=lambda pair: pair[1].made_at)
            results[older[0]] = _refused(
                older[1].client_id, _("A later mark for this person was sent with it.")
            )
            group[mark.registration_id] = newer
        else:
            group[mark.registration_id] = (index, mark)

    for meeting_id, group in groups.items():
        meeting = meetings[meeting_id]
        outcomes: dict = {}
        try:
            services.record_marks(
                meeting,
                {
                    registration_id: MarkInput(m.status, m.minutes, m.made_at, m.client_id)
                    for registration_id, (_i, m) in group.items()
                },
                by,
                source=MarkSource.OFFLINE,
                outcomes=outcomes,
            )
        except DomainError as error:
            for index, mark in group.values():
                results[index] = _refused(mark.client_id, error.message)
            continue
        for registration_id, (index, mark) in group.items():
            outcome, server_mark = outcomes[registration_id]
            results[index] = _result(mark, outcome, server_mark)
    return [r for r in results if r is not None]


def _result(mark: OfflineMark, outcome: MarkOutcome, server_mark) -> dict:
    if outcome == MarkOutcome.SUPERSEDED:
        return {
            "client_id": mark.client_id,
            "result": Result.SUPERSEDED,
            "message": _(
                "Not applied: the mark made on the server at %(when)s is later and stands: "
                "%(status)s.",
                when=to_local(server_mark.marked_at).strftime("%d.%m.%Y %H:%M"),
                status=server_mark.status.label,
            ),
            "status": server_mark.status.value,
            "minutes": server_mark.minutes_attended,
        }
    if outcome == MarkOutcome.UNCHANGED:
        return {
            "client_id": mark.client_id,
            "result": Result.UNCHANGED,
            "message": _("Sent: %(status)s.", status=mark.status.label),
            "status": mark.status.value,
            "minutes": mark.minutes,
        }
    return {
        "client_id": mark.client_id,
        "result": Result.SAVED,
        "message": _("Sent: %(status)s.", status=mark.status.label),
        "status": mark.status.value,
        "minutes": mark.minutes,
    }


def upcoming_meetings(user: User) -> list[Meeting]:
    """The meetings of today and the coming days of the sessions `user` teaches (one query)."""
    if user.person is None:
        return []
    today = local_today()
    return list(
        db.session.scalars(
            select(Meeting)
            .join(Session, Session.id == Meeting.session_id)
            .where(
                Session.status == SessionStatus.PUBLISHED,
                Session.trainers.any(id=user.person.id),
                Meeting.day >= today,
                Meeting.day <= today + timedelta(days=OFFLINE_DAYS),
            )
            .order_by(Meeting.day, Meeting.starts_at)
        )
    )
