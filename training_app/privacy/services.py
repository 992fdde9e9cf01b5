"""Personal-data rights (KVKK article 11): a copy of one's data, deletion requests answered
within 30 days, anonymisation that keeps the certificate register whole, and new versions of the
privacy notice. Services flush; views commit."""

import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, PrivacyAcknowledgement, PrivacyNotice, User
from ..attendance.models import AttendanceMark, AttendanceMarkChange, Completion
from ..catalog.models import CalendarToken, Session, SessionStatus, session_trainers
from ..certificates.jobs import reprint_jobs_holding
from ..certificates.models import Certificate
from ..certificates.pdf import render_documents
from ..certificates.services import verification_url
from ..core import audit
from ..core.errors import Conflict, DomainError, InvalidTransition, NotAllowed
from ..core.mail import FORGET_ONCE_SENT, queue_mail
from ..core.models import AuditEntry, OutboxMessage
from ..core.timeutil import local_today, to_local, utcnow
from ..core.turkish import format_date_short
from ..enrollment.models import ACTIVE_STATES, Registration
from ..evaluation.services import evaluations_answered, forget_receipts
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
ARCHIVE_JSON = "kisisel-verilerim.json"
ARCHIVE_README = "README.txt"


def placeholder_email(user: User) -> str:
    """An address that can never receive mail nor clash with a real one (RFC 2606 .invalid)."""
    return f"deleted-{user.id}@invalid"


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:MAX_TEXT] or None


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="seconds")
    return value.isoformat()


def _label(value) -> str | None:
    if value is None:
        return None
    with force_locale("tr"):
        return value.label


# --- a copy of one's data ---------------------------------------------------------------------


def _registrations(person: Person) -> list[dict]:
    registrations = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.person_id == person.id)
            .options(
                selectinload(Registration.events),
                selectinload(Registration.session).selectinload(Session.course),
                selectinload(Registration.municipality),
            )
            .order_by(Registration.requested_at, Registration.id)
        )
    )
    ids = [r.id for r in registrations]
    marks: dict[int, list[AttendanceMark]] = {}
    changes: dict[int, list[AttendanceMarkChange]] = {}
    completions: dict[int, Completion] = {}
    if ids:
        for change in db.session.scalars(
            select(AttendanceMarkChange)
            .where(AttendanceMarkChange.registration_id.in_(ids))
            .options(selectinload(AttendanceMarkChange.meeting))
            .order_by(AttendanceMarkChange.at, AttendanceMarkChange.id)
        ):
            changes.setdefault(change.registration_id, []).append(change)
        for mark in db.session.scalars(
            select(AttendanceMark)
            .where(AttendanceMark.registration_id.in_(ids))
            .options(selectinload(AttendanceMark.meeting))
            .order_by(AttendanceMark.id)
        ):
            marks.setdefault(mark.registration_id, []).append(mark)
        completions = {
            c.registration_id: c
            for c in db.session.scalars(
                select(Completion).where(Completion.registration_id.in_(ids))
            )
        }
    rows = []
    for registration in registrations:
        session = registration.session
        completion = completions.get(registration.id)
        rows.append(
            {
                "course_code": session.course.code,
                "course_title": session.course.title,
                "starts_on": _iso(session.starts_on),
                "ends_on": _iso(session.ends_on),
                "place": session.place_label,
                "municipality": registration.municipality.display_name
                if registration.municipality
                else None,
                "position": _label(registration.position),
                "status": registration.status.value,
                "status_label": _label(registration.status),
                "requested_at": _iso(registration.requested_at),
                "reason": registration.reason,
                "status_history": [
                    {
                        "at": _iso(event.at),
                        "from": event.from_status.value if event.from_status else None,
                        "to": event.to_status.value,
                        "to_label": _label(event.to_status),
                        "reason": event.reason,
                    }
                    for event in registration.events
                ],
                "attendance": [
                    {
                        "day": _iso(mark.meeting.day),
                        "starts_at": mark.meeting.starts_at.strftime("%H:%M"),
                        "ends_at": mark.meeting.ends_at.strftime("%H:%M"),
                        "status": mark.status.value,
                        "status_label": _label(mark.status),
                        "minutes_attended": mark.minutes_attended,
                    }
                    for mark in marks.get(registration.id, [])
                ],
                # Every mark as it was entered and changed, with the reason given for a change.
                "attendance_history": [
                    {
                        "at": _iso(change.at),
                        "day": _iso(change.meeting.day),
                        "from": change.old_status.value if change.old_status else None,
                        "to": change.new_status.value,
                        "to_label": _label(change.new_status),
                        "minutes_attended": change.new_minutes,
                        "reason": change.reason,
                    }
                    for change in changes.get(registration.id, [])
                ],
                "completion": {
                    "attended_minutes": completion.attended_minutes,
                    "session_minutes": completion.session_minutes,
                    "attendance_percent": completion.attendance_percent,
                    "exam_score": completion.exam_score,
                    "document": completion.document_kind.value,
                }
                if completion
                else None,
            }
        )
    return rows


def certificates_of(person: Person) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Registration, Registration.id == Certificate.registration_id)
            .where(Registration.person_id == person.id)
            .order_by(Certificate.issued_at, Certificate.id)
        )
    )


def _pdf_name(certificate: Certificate) -> str:
    return f"belgeler/{certificate.register_number}.pdf"


def personal_data(person: Person) -> dict:
    """Everything the system holds about a person, as plain values; the ID number masked only."""
    user = person.user
    acknowledgements = (
        db.session.execute(
            select(
                PrivacyAcknowledgement.acknowledged_at, PrivacyNotice.version, PrivacyNotice.title
            )
            .join(PrivacyNotice, PrivacyNotice.id == PrivacyAcknowledgement.notice_id)
            .where(PrivacyAcknowledgement.user_id == user.id)
            .order_by(PrivacyNotice.version)
        ).all()
        if user is not None
        else []
    )
    requests = db.session.scalars(
        select(DeletionRequest)
        .where(DeletionRequest.person_id == person.id)
        .order_by(DeletionRequest.requested_at, DeletionRequest.id)
    )
    # What they did in the system (sign-ins, changes) with the address it came from.
    activity = (
        db.session.execute(
            select(AuditEntry.at, AuditEntry.action, AuditEntry.ip_address)
            .where(AuditEntry.actor_user_id == user.id)
            .order_by(AuditEntry.at, AuditEntry.id)
        ).all()
        if user is not None
        else []
    )
    return {
        "generated_at": _iso(utcnow()),
        "data_controller": current_app.config["UNION_NAME"],
        "profile": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "tckn_masked": person.tckn_masked,
            "email": user.email if user else None,
            "phone": person.phone,
            "municipality": person.municipality.display_name if person.municipality else None,
            "unit": person.unit_name or None,
            "position": _label(person.position),
            "title": person.title,
            "employment_type": _label(person.employment_type),
            "consents": {
                "newsletter": _iso(person.consent_newsletter_at),
                "photos": _iso(person.consent_photos_at),
            },
            "roles": sorted(_label(role) for role in user.role_set) if user else [],
            "account_created_at": _iso(user.created_at) if user else None,
            "last_login_at": _iso(user.last_login_at) if user else None,
            "record_created_at": _iso(person.created_at),
            "anonymised_at": _iso(person.anonymised_at),
        },
        "privacy_notice_acknowledgements": [
            {"version": version, "title": title, "acknowledged_at": _iso(at)}
            for at, version, title in acknowledgements
        ],
        "registrations": _registrations(person),
        "evaluations_answered": evaluations_answered(person),
        "certificates": [
            {
                "register_number": c.register_number,
                "verification_code": c.display_code,
                "verification_url": verification_url(c.verification_code),
                "document_title": c.document_title,
                "course_title": c.course_title,
                "starts_on": _iso(c.starts_on),
                "ends_on": _iso(c.ends_on),
                "issued_on": _iso(c.issued_on),
                "status": c.status.value,
                "status_label": _label(c.status),
                "pdf": _pdf_name(c) if c.is_valid else None,
            }
            for c in certificates_of(person)
        ],
        "activity": [
            {"at": _iso(at), "action": action, "ip_address": ip} for at, action, ip in activity
        ],
        "deletion_requests": [
            {
                "requested_at": _iso(r.requested_at),
                "due_on": _iso(r.due_on),
                "status": r.status.value,
                "status_label": _label(r.status),
                "reason": r.reason,
                "decided_at": _iso(r.decided_at),
                "decision_note": r.decision_note,
            }
            for r in requests
        ],
    }


def personal_data_archive(person: Person, by: User | None = None) -> bytes:
    """A ZIP for the person: their data as JSON, the PDF of each valid document and a README.

    The download is audited (who, whose data, when); the JSON holds the masked ID number only.
    """
    data = personal_data(person)
    valid = [c for c in certificates_of(person) if c.is_valid]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ARCHIVE_JSON, json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr(
            ARCHIVE_README,
            render_template(
                "privacy/archive_readme.txt",
                union_name=current_app.config["UNION_NAME"],
                generated_at=to_local(utcnow()),
                json_name=ARCHIVE_JSON,
                documents=len(valid),
            ),
        )
        for certificate in valid:
            archive.writestr(_pdf_name(certificate), render_documents([certificate]))
    audit.record(
        "privacy.export",
        person,
        {"documents": len(valid), "registrations": len(data["registrations"])},
        actor=by,
    )
    db.session.flush()
    return buffer.getvalue()


def archive_filename() -> str:
    return f"kisisel-verilerim-{local_today().isoformat()}.zip"


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
        {"person_id": person.id, "due_on": _iso(request.due_on)},
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
        .options(selectinload(DeletionRequest.person).selectinload(Person.municipality))
        .order_by(DeletionRequest.due_on, DeletionRequest.id)
    )
    return [QueueRow(r, (r.due_on - today).days) for r in requests]


def answered_requests(limit: int = 50) -> list[DeletionRequest]:
    return list(
        db.session.scalars(
            select(DeletionRequest)
            .where(DeletionRequest.status != DeletionRequestStatus.OPEN)
            .options(selectinload(DeletionRequest.person), selectinload(DeletionRequest.decided_by))
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
