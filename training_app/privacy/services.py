"""Personal-data rights (KVKK article 11): deletion requests answered within 30 days,
anonymisation that keeps the certificate register whole, and new versions of the privacy notice
(a copy of one's data: data_copy.py). Services flush; views commit."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, PrivacyAcknowledgement, PrivacyNotice, User
from ..catalog.models import CalendarToken, Session, SessionStatus, session_trainers
from ..certificates.jobs import reprint_jobs_holding
from ..certificates.models import Certificate
from ..core import audit
from ..core.errors import Conflict, DomainError, InvalidTransition, NotAllowed
from ..core.mail import FORGET_ONCE_SENT, queue_mail
from ..core.models import AuditEntry, OutboxMessage
from ..core.timeutil import local_today, utcnow
from ..core.turkish import format_date_short
from ..enrollment.models import ACTIVE_STATES, Registration
from ..evaluation.services import forget_receipts
from ..extensions import db
from .models import ANSWER_WITHIN_DAYS, DeletionRequest, DeletionRequestStatus

#: What an anonymised person is called from then on: "Anonim Kişi #42" (the id keeps two
#: anonymised people apart in lists; the sort and search keys follow from these names).
ANONYMOUS_FIRST_NAME = "Anonim"
ANONYMOUS_LAST_NAME = "Kişi #{id}"
#: The holder name kept in an anonymised person's certificates: empty, so that no page can
#: print it and the verification page says the name was removed.
REMOVED_HOLDER_NAME = ""
#: What replaces a scrubbed value in the audit trail and in old mails.
REMOVED = "[silindi]"
#: Keys of audit `changes` that hold the person's own data.
_PERSONAL_KEYS = frozenset(
    {"first_name", "last_name", "email", "phone", "title", "unit_other", "tckn", "name"}
)
MAX_TEXT = 2000


def placeholder_email(user: User) -> str:
    """An address that can never receive mail nor clash with a real one (RFC 2606 .invalid)."""
    return f"deleted-{user.id}@invalid"


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:MAX_TEXT] or None


# --- deletion requests ------------------------------------------------------------------------


def _lock_person(person: Person) -> None:
    """Serialise requests and decisions about one person (PostgreSQL: the row's lock)."""
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def open_request_of(person: Person) -> DeletionRequest | None:
    return db.session.scalar(
        select(DeletionRequest).where(
            DeletionRequest.person_id == person.id,
            DeletionRequest.status == DeletionRequestStatus.OPEN,
        )
    )


def requests_of(person: Person) -> list[DeletionRequest]:
    return list(
        db.session.scalars(
            select(DeletionRequest)
            .where(DeletionRequest.person_id == person.id)
            .order_by(DeletionRequest.requested_at.desc(), DeletionRequest.id.desc())
        )
    )


def _mail_person(person: Person, template: str, **context) -> None:
    user = person.user
    if user is None or person.anonymised_at is not None:
        return
    queue_mail(user.email, template, locale=user.locale, person_name=person.full_name, **context)


def request_deletion(person: Person, reason: str | None) -> DeletionRequest:
    """The person asks for their data to be deleted; the office answers within 30 days."""
    if person.anonymised_at is not None:
        raise Conflict(_("Your personal data has already been deleted."))
    _lock_person(person)
    if open_request_of(person) is not None:
        raise Conflict(
            _("You already have a deletion request waiting for an answer."), field="reason"
        )
    request = DeletionRequest(
        person_id=person.id,
        reason=_text(reason),
        due_on=local_today() + timedelta(days=ANSWER_WITHIN_DAYS),
        status=DeletionRequestStatus.OPEN,
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "privacy.deletion_request",
        request,
        {"person_id": person.id, "due_on": request.due_on.isoformat()},
    )
    _mail_person(person, "privacy_deletion_received", due_on=format_date_short(request.due_on))
    return request


def _decide(request: DeletionRequest, status: DeletionRequestStatus, by: User | None, note=None):
    if request.status != DeletionRequestStatus.OPEN:
        raise InvalidTransition(_("This request has already been answered."))
    request.status = status
    request.decided_at = utcnow()
    request.decided_by_user_id = by.id if by else None
    request.decision_note = note


def withdraw_deletion(request: DeletionRequest, by: User) -> DeletionRequest:
    """The person takes their request back; nothing is deleted."""
    if request.person.user_id != by.id:
        raise NotAllowed(_("You can withdraw only your own request."))
    _lock_person(request.person)
    db.session.refresh(request)
    _decide(request, DeletionRequestStatus.WITHDRAWN, by)
    audit.record("privacy.deletion_withdraw", request, {"person_id": request.person_id}, actor=by)
    db.session.flush()
    return request


def reject_deletion(request: DeletionRequest, by: User, note: str | None) -> DeletionRequest:
    """The office refuses a request (e.g. a legal duty to keep the data); the person is told why."""
    note = _text(note)
    if request.person.user_id is not None and request.person.user_id == by.id:
        raise NotAllowed(_("Another administrator must answer your own request."))
    if note is None:
        raise DomainError(_("Write why the request is rejected."), field="note")
    _lock_person(request.person)
    db.session.refresh(request)
    _decide(request, DeletionRequestStatus.REJECTED, by, note)
    audit.record(
        "privacy.deletion_reject", request, {"person_id": request.person_id, "note": note}, actor=by
    )
    _mail_person(request.person, "privacy_deletion_rejected", note=note)
    db.session.flush()
    return request


def upcoming_sessions_taught_by(person: Person) -> list[Session]:
    return list(
        db.session.scalars(
            select(Session)
            .join(session_trainers, session_trainers.c.session_id == Session.id)
            .where(
                session_trainers.c.person_id == person.id,
                Session.status.in_((SessionStatus.DRAFT, SessionStatus.PUBLISHED)),
                Session.ends_on >= local_today(),
            )
            .options(selectinload(Session.course))
            .order_by(Session.starts_on)
        )
    )


def carry_out_deletion(
    request: DeletionRequest, by: User, note: str | None = None
) -> DeletionRequest:
    """Anonymise the person: name, ID number, contacts and account go; what the union must keep
    (registrations and attendance for statistics, the certificate register with numbers, codes,
    course and dates) stays, without the name.

    Staff are treated like everyone else (roles removed, account closed), except that a trainer
    of a coming session must be replaced first and nobody anonymises themselves.
    """
    from ..enrollment.services import cancel

    person = request.person
    user = person.user
    if user is not None and user.id == by.id:
        raise NotAllowed(_("Another administrator must carry out your own request."))
    _lock_person(person)
    db.session.refresh(request)
    if request.status != DeletionRequestStatus.OPEN:
        raise InvalidTransition(_("This request has already been answered."))
    teaching = upcoming_sessions_taught_by(person)
    if teaching:
        raise DomainError(
            _(
                "This person teaches sessions that have not ended (%(sessions)s). "
                "Assign another trainer first.",
                sessions=", ".join(
                    f"{s.course.title} {format_date_short(s.starts_on)}" for s in teaching
                ),
            )
        )
    old_name = person.full_name
    old_first, old_last = person.first_name, person.last_name
    forget_receipts(person)  # evaluation answers stay; the record that they answered goes
    old_email = user.email if user else None

    # A seat held for an anonymous person helps nobody: coming registrations are cancelled
    # (a freed seat goes to the waiting list as usual).
    # Sessions already under way keep them: their attendance counts when the session closes.
    active = db.session.scalars(
        select(Registration)
        .join(Session, Session.id == Registration.session_id)
        .where(
            Registration.person_id == person.id,
            Registration.status.in_(ACTIVE_STATES),
            Session.status != SessionStatus.COMPLETED,
            Session.starts_on > local_today(),
        )
    ).all()
    for registration in active:
        cancel(registration, by, reason="Kişisel verilerin silinmesi talebi")

    # The last mail to the old address goes first; then the rest of their mail is removed.
    # Mail to or about them is removed too: waiting messages dropped, sent ones emptied (those
    # to coordinators included); the farewell itself is emptied once it has been sent.
    farewell = None
    if user is not None:
        farewell = queue_mail(
            old_email,
            "privacy_deletion_done",
            locale=user.locale,
            dedup_key=f"{FORGET_ONCE_SENT}privacy-done:{person.id}",
            person_name=old_name,
        )
    mentions = [
        OutboxMessage.subject.contains(old_name, autoescape=True),
        OutboxMessage.body_text.contains(old_name, autoescape=True),
    ]
    if old_email:
        mentions += [
            OutboxMessage.recipient == old_email,
            OutboxMessage.body_text.contains(old_email, autoescape=True),
            OutboxMessage.last_error.contains(old_email, autoescape=True),
        ]
    others = or_(*mentions)
    if farewell is not None:
        others = others & (OutboxMessage.id != farewell.id)
    db.session.execute(delete(OutboxMessage).where(others, OutboxMessage.status == "pending"))
    db.session.execute(
        update(OutboxMessage)
        .where(others)
        .values(recipient=REMOVED, subject=REMOVED, body_text=REMOVED, last_error=None)
        .execution_options(synchronize_session=False)
    )

    # The person record.
    person.first_name = ANONYMOUS_FIRST_NAME
    person.last_name = ANONYMOUS_LAST_NAME.format(id=person.id)
    person.set_tckn(None)
    person.phone = person.title = person.unit_other = None
    person.consent_newsletter_at = person.consent_photos_at = None
    person.anonymised_at = utcnow()

    # The account: unusable, closed, every session ended, no role.
    if user is not None:
        user.email = placeholder_email(user)
        user.password_hash = "!anonymised:" + secrets.token_hex(16)
        user.is_active_account = False
        user.session_version = (user.session_version or 0) + 1
        user.roles.clear()
        db.session.execute(delete(CalendarToken).where(CalendarToken.user_id == user.id))
        # Where they logged in from is theirs too.
        db.session.execute(
            update(AuditEntry).where(AuditEntry.actor_user_id == user.id).values(ip_address=None)
        )

    # The register keeps every document; only the name (and the job title) leave the snapshot.
    registration_ids = select(Registration.id).where(Registration.person_id == person.id)
    held = db.session.scalars(
        select(Certificate.id).where(Certificate.registration_id.in_(registration_ids))
    ).all()
    reprint_jobs_holding(held)
    db.session.execute(
        update(Certificate)
        .where(Certificate.registration_id.in_(registration_ids))
        .values(holder_name=REMOVED_HOLDER_NAME, holder_sort_key="", position=None)
        .execution_options(synchronize_session="fetch")
    )

    _scrub_audit_trail(person, user, [old_name, old_first, old_last, old_email])
    for own in requests_of(person):
        own.reason = None  # their own words
    _decide(request, DeletionRequestStatus.CARRIED_OUT, by, _text(note))
    audit.record(
        "privacy.deletion_carry_out",
        request,
        {"person_id": person.id, "cancelled_registrations": len(active)},
        actor=by,
    )
    audit.record("person.anonymise", person, {"request_id": request.id}, actor=by)
    db.session.flush()
    return request


def _scrub_audit_trail(person: Person, user: User | None, secrets_: list[str | None]) -> None:
    """Remove the person's own values from the audit entries about their person and account."""
    needles = [s for s in secrets_ if s and len(s) >= 3]
    targets = (AuditEntry.object_type == "Person") & (AuditEntry.object_id == person.id)
    if user is not None:
        targets = targets | ((AuditEntry.object_type == "User") & (AuditEntry.object_id == user.id))
    for entry in db.session.scalars(
        select(AuditEntry).where(targets, AuditEntry.changes.is_not(None))
    ):
        scrubbed = _scrub(entry.changes, needles)
        if scrubbed != entry.changes:
            entry.changes = scrubbed


def _scrub(value, needles: list[str], key: str | None = None):
    if isinstance(value, dict):
        return {k: _scrub(v, needles, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, needles, key) for v in value]
    if value is None:
        return None
    if key in _PERSONAL_KEYS:
        return REMOVED
    if isinstance(value, str) and any(n.casefold() in value.casefold() for n in needles):
        return REMOVED
    return value


# --- the office's queue -----------------------------------------------------------------------


@dataclass
class QueueRow:
    request: DeletionRequest
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def is_overdue(request: DeletionRequest, today: date | None = None) -> bool:
    """Still open after its last day to answer."""
    return request.status == DeletionRequestStatus.OPEN and request.due_on < (
        today or local_today()
    )


def open_requests(today: date | None = None) -> list[QueueRow]:
    """Open requests, the most urgent first, with the days left to answer (negative: overdue)."""
    today = today or local_today()
    requests = db.session.scalars(
        select(DeletionRequest)
        .where(DeletionRequest.status == DeletionRequestStatus.OPEN)
        .options(
            selectinload(DeletionRequest.person).selectinload(Person.municipality),
            selectinload(DeletionRequest.person).selectinload(Person.user),
        )
        .order_by(DeletionRequest.due_on, DeletionRequest.id)
    )
    return [QueueRow(r, (r.due_on - today).days) for r in requests]


def answered_requests(limit: int = 50) -> list[DeletionRequest]:
    return list(
        db.session.scalars(
            select(DeletionRequest)
            .where(DeletionRequest.status != DeletionRequestStatus.OPEN)
            .options(
                selectinload(DeletionRequest.person).selectinload(Person.user),
                selectinload(DeletionRequest.decided_by),
            )
            .order_by(DeletionRequest.decided_at.desc(), DeletionRequest.id.desc())
            .limit(limit)
        )
    )


def holds_documents(person: Person) -> int:
    return (
        db.session.scalar(
            select(func.count(Certificate.id))
            .join(Registration, Registration.id == Certificate.registration_id)
            .where(Registration.person_id == person.id)
        )
        or 0
    )


# --- privacy notice versions ------------------------------------------------------------------


@dataclass
class NoticeRow:
    notice: PrivacyNotice
    acknowledged: int


def notice_versions() -> list[NoticeRow]:
    """Every version, newest first, with how many users acknowledged it (one query)."""
    counts = (
        select(PrivacyAcknowledgement.notice_id, func.count().label("n"))
        .group_by(PrivacyAcknowledgement.notice_id)
        .subquery()
    )
    rows = db.session.execute(
        select(PrivacyNotice, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.notice_id == PrivacyNotice.id)
        .order_by(PrivacyNotice.version.desc())
    ).all()
    return [NoticeRow(notice, count) for notice, count in rows]


def publish_notice(title: str, body: str, by: User) -> PrivacyNotice:
    """Publish a new version; every user acknowledges it before their next page (login flow)."""
    title = " ".join((title or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    if not title:
        raise DomainError(_("Enter the title."), field="title")
    if not body:
        raise DomainError(_("Enter the text of the notice."), field="body")
    # Two admins publishing at once: the unique version number makes the second one fail.
    latest = db.session.scalar(select(func.max(PrivacyNotice.version))) or 0
    current = db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == latest))
    if current is not None and current.title == title and current.body.strip() == body:
        raise DomainError(_("The text is the same as the current version."), field="body")
    notice = PrivacyNotice(version=latest + 1, title=title, body=body, published_at=utcnow())
    db.session.add(notice)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            _("Another version was published a moment ago. Reload the page and try again.")
        ) from exc
    audit.record("privacy_notice.publish", notice, {"version": notice.version}, actor=by)
    return notice
