"""Expiry reminders: the holder of a document that expires, and the coordinators of its
municipality, are mailed 60 and 14 days before its last valid day, with the open sessions that
renew it (`flask send-expiry-reminders`, daily; the worker's sweep runs it too).

Each reminder goes once: its outbox dedup_key names the document, the threshold and the
recipient. A run that missed day 60 still sends the 60-day reminder while 15 to 60 days remain;
from 14 days on only the 14-day one is due, so a late run never sends both at once. A holder who
renewed (a newer valid document of the same or the renewal course, valid longer) gets nothing.
"""

from datetime import date, timedelta

from sqlalchemy import select

from ..accounts.models import Role, RoleAssignment, User
from ..catalog.services import session_dates_label
from ..core.mail import queue_mail
from ..core.models import OutboxMessage
from ..core.timeutil import local_today, utcnow
from ..core.turkish import format_date_short
from ..extensions import db
from .expiry import active_users, expiring_documents, open_renewal_sessions

#: Days before the last valid day at which a reminder is due, earliest first.
THRESHOLDS = (60, 14)


def due_threshold(days_left: int) -> int | None:
    """The reminder due with `days_left` days of validity left: 60 from day 60 to day 15,
    14 from day 14 to the last day, none outside."""
    if days_left < 0:
        return None
    due = [t for t in THRESHOLDS if days_left <= t]
    return min(due) if due else None


def dedup_key(certificate_id: int, threshold: int, recipient: str) -> str:
    return f"expiry:{certificate_id}:{threshold}:{recipient}"


def _coordinators(municipality_ids: set) -> dict[int, list[User]]:
    """municipality id -> its active coordinators (one query)."""
    if not municipality_ids:
        return {}
    rows = db.session.execute(
        select(RoleAssignment.municipality_id, User)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.role == Role.COORDINATOR,
            RoleAssignment.municipality_id.in_(sorted(municipality_ids)),
            User.is_active_account.is_(True),
        )
        .order_by(User.id)
    )
    out: dict[int, list[User]] = {}
    for municipality_id, user in rows:
        out.setdefault(municipality_id, []).append(user)
    return out


def _already_queued(keys: list[str]) -> set[str]:
    """Which of these dedup keys are in the outbox already (one query per 500 keys)."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        found.update(
            db.session.scalars(
                select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(chunk))
            )
        )
    return found


def _session_lines(sessions) -> list[dict]:
    return [
        {
            "course_title": s.course.title,
            "dates": session_dates_label(s),
            "place": s.place_label,
            "session_id": s.id,
        }
        for s in sessions
    ]


def send_expiry_reminders(today: date | None = None) -> int:
    """Queue the expiry reminders due today; returns how many mails were queued."""
    today = today or local_today()
    documents = expiring_documents(today, today + timedelta(days=max(THRESHOLDS)))
    due = [
        (d, threshold)
        for d in documents
        if (threshold := due_threshold((d.certificate.valid_until - today).days)) is not None
    ]
    if not due:
        return 0
    users = active_users({d.person for d, _t in due})
    coordinators = _coordinators({d.municipality_id for d, _t in due if d.municipality_id})
    mails = []  # (recipient, template, dedup key, document)
    for document, threshold in due:
        certificate = document.certificate
        user = users.get(document.person.id)
        if user is not None:
            key = dedup_key(certificate.id, threshold, f"person:{document.person.id}")
            mails.append((user, "expiry_reminder", key, document))
        for coordinator in coordinators.get(document.municipality_id, []):
            key = dedup_key(certificate.id, threshold, f"user:{coordinator.id}")
            mails.append((coordinator, "expiry_reminder_coordinator", key, document))
    sent = _already_queued([key for _u, _t, key, _d in mails])
    mails = [mail for mail in mails if mail[2] not in sent]
    if not mails:
        return 0
    sessions = open_renewal_sessions({d.course.id for _u, _t, _k, d in mails}, today, utcnow())
    queued = 0
    for recipient, template, key, document in mails:
        certificate = document.certificate
        message = queue_mail(
            recipient.email,
            template,
            locale=recipient.locale,
            dedup_key=key,
            recipient_name=recipient.display_name,
            person_name=document.person.full_name,
            municipality_name=document.municipality_name or "",
            course_title=certificate.course_title,
            course_id=document.course.id,
            register_number=certificate.register_number,
            valid_until=format_date_short(certificate.valid_until),
            days_left=(certificate.valid_until - today).days,
            renewal_booked=document.renewal_booked,
            to_coordinator=template == "expiry_reminder_coordinator",
            sessions=_session_lines(sessions.get(document.course.id, [])),
        )
        queued += message is not None
    return queued


def sweep_expiry_reminders() -> None:
    """Part of the worker's periodic sweep (dedup keys make repeated runs harmless)."""
    send_expiry_reminders()
    db.session.commit()
