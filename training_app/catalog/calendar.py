"""iCalendar files: one per session, and a personal feed of the meetings someone teaches or attends.

Each meeting is one VEVENT with a stable UID, its times with TZID=Europe/Istanbul, and the session's
SEQUENCE, raised on every change; a cancelled session's events carry STATUS:CANCELLED so that
calendar apps remove or strike them.
"""

from datetime import UTC, datetime

from icalendar import Calendar, Event

from ..core.timeutil import ISTANBUL, utcnow
from .models import Session, SessionStatus

PRODID = "-//Konya Belediyeler Birligi//Egitim Yonetim Sistemi//TR"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Istanbul")
    return calendar


def _events(session: Session, host: str, session_url: str | None) -> list[Event]:
    events = []
    total = len(session.meetings)
    location = ", ".join(
        part
        for part in (
            session.venue.name if session.venue else None,
            session.venue.address if session.venue else None,
            session.place_label,
        )
        if part
    )
    stamp = (session.updated_at or utcnow()).replace(tzinfo=UTC)
    for number, meeting in enumerate(session.meetings, start=1):
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.combine(meeting.day, meeting.starts_at, tzinfo=ISTANBUL))
        event.add("dtend", datetime.combine(meeting.day, meeting.ends_at, tzinfo=ISTANBUL))
        summary = session.course.title
        if total > 1:
            summary = f"{summary} ({number}/{total})"
        event.add("summary", summary)
        description = [meeting.topic] if meeting.topic else []
        if session.status == SessionStatus.CANCELLED and session.cancellation_reason:
            description.append(session.cancellation_reason)
        if session_url:
            description.append(session_url)
        if description:
            event.add("description", "\n".join(description))
        if location:
            event.add("location", location)
        if session_url:
            event.add("url", session_url)
        event.add("sequence", session.sequence)
        event.add(
            "status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"
        )
        events.append(event)
    return events


def build_calendar(name: str, sessions: list[Session], host: str, url_for_session) -> bytes:
    """An .ics document with every meeting of `sessions`; url_for_session(s) gives a URL or None."""
    calendar = _calendar(name)
    for session in sessions:
        for event in _events(session, host, url_for_session(session)):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
