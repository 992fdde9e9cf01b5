"""iCalendar files: one per session, the public union calendar, a personal feed of the meetings
someone teaches or attends, and the files attached to mails.

Each meeting is one VEVENT with a stable UID (meeting-<id>@<host of PUBLIC_BASE_URL>, the same in
every file and mail), its times with TZID=Europe/Istanbul, and the session's SEQUENCE, raised on
every change; a cancelled session's events carry STATUS:CANCELLED so that calendar apps remove or
strike them. No file carries an online meeting's join link: it is shown to the enrolled only.
Every event names the union as ORGANIZER (UNION_NAME, the mail sender's address); a file attached
to one person's mail also names them as ATTENDEE, so that their calendar files it as theirs.
"""

from datetime import UTC, date, datetime, time
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress

from ..core.timeutil import ISTANBUL, utcnow
from .models import Session, SessionStatus

#: (e-mail address, full name) of the person a mail's calendar file is for.
Attendee = tuple[str, str]


#: Content type of an attached calendar file; METHOD:CANCEL ones say so too.
ICS_TYPE = "text/calendar; method=PUBLISH; charset=utf-8"
ICS_CANCEL_TYPE = "text/calendar; method=CANCEL; charset=utf-8"


def calendar_host() -> str:
    """The host in every event's UID: the site's public address, whichever host a request used."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).netloc or "localhost"


def meeting_uid(meeting_id: int, host: str) -> str:
    return f"meeting-{meeting_id}@{host}"


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on PUBLIC_BASE_URL, also outside a request (mails sent by a worker)."""
    parts = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def session_public_url(session: Session) -> str:
    return public_url("catalog.show_session", session_id=session.id)


def prodid() -> str:
    """The producer id with the union's name as written: -//Konya Belediyeler Birliği//...//TR."""
    return f"-//{current_app.config['UNION_NAME']}//Eğitim Yönetimi//TR"


def _organizer() -> vCalAddress:
    """The union, at the address its mails come from."""
    _name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return vCalAddress.new(address, cn=current_app.config["UNION_NAME"])


def _attendee(attendee: Attendee) -> vCalAddress:
    email, name = attendee
    return vCalAddress.new(email, cn=name, cutype="INDIVIDUAL", role="REQ-PARTICIPANT", rsvp=False)


def _add_people(event: Event, attendee: Attendee | None) -> None:
    event.add("organizer", _organizer())
    if attendee is not None:
        event.add("attendee", _attendee(attendee))


def _calendar(name: str, method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", prodid())
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Istanbul")
    return calendar


def _events(
    session: Session, host: str, session_url: str | None, attendee: Attendee | None = None
) -> list[Event]:
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
        event.add("uid", meeting_uid(meeting.id, host))
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
        _add_people(event, attendee)
        events.append(event)
    return events


def build_calendar(
    name: str,
    sessions: list[Session],
    host: str,
    url_for_session,
    method: str = "PUBLISH",
    attendee: Attendee | None = None,
) -> bytes:
    """An .ics document with every meeting of `sessions`; url_for_session(s) gives a URL or None."""
    calendar = _calendar(name, method)
    for session in sessions:
        for event in _events(session, host, url_for_session(session), attendee):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def session_attachment(
    session: Session, attendee: Attendee | None = None
) -> tuple[str, str, bytes]:
    """The session's meetings as a mail attachment (filename, content type, content) for the
    attendee it is mailed to; for a cancelled session a METHOD:CANCEL file."""
    cancelled = session.status == SessionStatus.CANCELLED
    body = build_calendar(
        session.course.title,
        [session],
        calendar_host(),
        session_public_url,
        method="CANCEL" if cancelled else "PUBLISH",
        attendee=attendee,
    )
    return f"egitim-{session.id}.ics", ICS_CANCEL_TYPE if cancelled else ICS_TYPE, body


def cancellation_attachment(
    session: Session, meetings: list[dict], attendee: Attendee | None = None
) -> tuple[str, str, bytes]:
    """A METHOD:CANCEL file for meetings that no longer exist ({"id", "day", "start", "end"}),
    with the session's current SEQUENCE, so that calendar apps remove them."""
    calendar = _calendar(session.course.title, method="CANCEL")
    host = calendar_host()
    stamp = (session.updated_at or utcnow()).replace(tzinfo=UTC)
    for meeting in meetings:
        day = date.fromisoformat(meeting["day"])
        event = Event()
        event.add("uid", meeting_uid(meeting["id"], host))
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.combine(day, time.fromisoformat(meeting["start"]), ISTANBUL))
        event.add("dtend", datetime.combine(day, time.fromisoformat(meeting["end"]), ISTANBUL))
        event.add("summary", session.course.title)
        event.add("sequence", session.sequence)
        event.add("status", "CANCELLED")
        _add_people(event, attendee)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return f"egitim-{session.id}-iptal.ics", ICS_CANCEL_TYPE, calendar.to_ical()
