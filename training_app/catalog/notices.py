"""Change notices: a published session's schedule or place changed, and the people concerned get
one mail with an updated calendar file once the edits have stopped for a quiet period.

The catalogue records the schedule as it was before the first edit of a burst (a ChangeNotice
row per session, its due time pushed back by each edit); the enrollment feature, which knows who
is registered, turns due notices into mail (see enrollment/notices.py).
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from .models import ChangeNotice, Session, SessionStatus

#: Edits closer together than this make one mail.
QUIET_PERIOD = timedelta(minutes=5)


def schedule_snapshot(session: Session) -> dict:
    """What a change notice compares: place, online link and meetings (day, start, end)."""
    venue = session.venue
    place = ", ".join(
        part
        for part in (
            venue.name if venue else None,
            venue.address if venue else None,
            session.place_label,
        )
        if part
    )
    return {
        "place": place,
        "online_url": session.online_url or "",
        "meetings": [
            {
                "id": meeting.id,
                "day": meeting.day.isoformat(),
                "start": meeting.starts_at.strftime("%H:%M"),
                "end": meeting.ends_at.strftime("%H:%M"),
            }
            for meeting in session.meetings
        ],
    }


def note_schedule_change(session: Session, now: datetime | None = None) -> None:
    """Call before changing a session's meetings, place or link: a published session's people
    will be told once the edits stop. The first edit of a burst keeps the schedule before it."""
    if session.status != SessionStatus.PUBLISHED or session.id is None:
        return
    now = now or utcnow()
    notice = db.session.scalar(select(ChangeNotice).where(ChangeNotice.session_id == session.id))
    if notice is None:
        notice = ChangeNotice(session_id=session.id, before=schedule_snapshot(session))
        db.session.add(notice)
    notice.due_at = now + QUIET_PERIOD
