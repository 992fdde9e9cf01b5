"""A copy of one's data (KVKK art. 11): the JSON of everything kept about a person, with the PDF
of each valid document, in one ZIP."""

import io
import json
import zipfile
from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, PrivacyAcknowledgement, PrivacyNotice, User
from ..attendance.models import AttendanceMark, AttendanceMarkChange, Completion
from ..catalog.models import Session
from ..certificates.models import Certificate
from ..certificates.pdf import render_documents
from ..certificates.services import verification_url
from ..core import audit
from ..core.models import AuditEntry
from ..core.timeutil import local_today, to_local, utcnow
from ..enrollment.models import Registration
from ..evaluation.services import evaluations_answered
from ..extensions import db
from .models import DeletionRequest

ARCHIVE_JSON = "kisisel-verilerim.json"
ARCHIVE_README = "README.txt"


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
