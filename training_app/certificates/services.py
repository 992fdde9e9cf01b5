"""Certificate use cases: issuing, register numbers, revocation, reissue, verification lookups,
signatories and bulk print jobs. Services flush; views commit."""

import secrets
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, User
from ..catalog.models import DocumentKind, Session, SessionStatus
from ..core import audit
from ..core.errors import DomainError
from ..core.timeutil import local_today, utcnow
from ..core.turkish import format_date_short, tr_sort_key, tr_upper
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db
from ..municipalities.models import Municipality
from . import designs
from .models import (
    Certificate,
    CertificateStatus,
    PrintJob,
    PrintJobStatus,
    RegisterCounter,
    Signatory,
)
from .print_status import is_abandoned

#: No 0/O, 1/I/L: a code read aloud or typed from paper is hard to get wrong.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12: about 59 bits
MAX_REASON = 1000


# --- register numbers and codes --------------------------------------------------------------


def format_register_number(prefix: str, year: int, serial: int) -> str:
    return f"{prefix}-{year}-{serial:06d}"


def reserve_register_numbers(year: int, count: int) -> list[int]:
    """Take the next `count` serials of `year` from its counter row, atomically.

    The UPDATE ... RETURNING holds the row's lock until the transaction ends, so concurrent
    issuers queue behind it (SQLite: the database's write lock); a rolled-back transaction gives
    its numbers back, a committed one never hands them out again.
    """
    table = RegisterCounter.__table__
    bump = (
        update(table)
        .where(table.c.year == year)
        .values(last_number=table.c.last_number + count)
        .returning(table.c.last_number)
    )
    last = db.session.execute(bump).scalar()
    if last is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(table).values(year=year, last_number=0))
        except IntegrityError:
            pass  # another transaction created the row first; its lock is ours after it commits
        last = db.session.execute(bump).scalar_one()
    return list(range(last - count + 1, last + 1))


def lock_register(year: int) -> None:
    """Serialise issuing for a year: the counter row's lock (created if missing)."""
    reserve_register_numbers(year, 0)


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str | None) -> str:
    """What a person typed or scanned -> the stored form: no spaces or dashes, upper case."""
    text = "".join(ch for ch in (raw or "") if ch.isascii() and ch.isalnum())
    return text.upper()[:32]


def verification_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{code}"


# --- snapshots -------------------------------------------------------------------------------


def document_title(kind: DocumentKind, called_certificate: bool) -> str:
    """The printed name of a document: never "Sertifika" unless the course allows it."""
    if kind == DocumentKind.ACHIEVEMENT:
        return "Başarı Sertifikası" if called_certificate else "Başarı Belgesi"
    return "Katılım Sertifikası" if called_certificate else "Katılım Belgesi"


def active_signatories() -> list[Signatory]:
    return list(
        db.session.scalars(
            select(Signatory)
            .where(Signatory.is_active)
            .order_by(Signatory.sort_order, Signatory.id)
        )
    )


def _snapshot(
    registration: Registration, kind: DocumentKind, total_minutes: int, signatories: list[dict]
) -> dict:
    session = registration.session
    course = session.course
    person = registration.person
    position = person.title or None
    if not position and registration.position is not None:
        with force_locale("tr"):
            position = registration.position.label
    municipality = registration.municipality
    return {
        "kind": kind,
        "document_title": document_title(kind, course.document_called_certificate),
        "holder_name": tr_upper(person.full_name),
        "holder_sort_key": tr_sort_key(person.last_name, person.first_name),
        "position": position,
        "municipality_id": registration.municipality_id,
        "municipality_name": municipality.display_name if municipality else None,
        "course_code": course.code,
        "course_title": course.title,
        "starts_on": session.starts_on,
        "ends_on": session.ends_on,
        "total_minutes": total_minutes,
        "venue": session.venue.label if session.venue else None,
        "city": session.place_label,
        "signatories": signatories,
        # Counted from the training's last day, not the issue date: every participant of a
        # session gets the same date however late their document is printed, and a reissue
        # (a fresh snapshot) keeps that rule.
        "valid_until": course.document_valid_until(session.ends_on),
    }


def _new_certificate(
    registration: Registration,
    completion,
    serial: int,
    year: int,
    chosen: "_Designs",
    by: User | None,
) -> Certificate:
    design, signatories = chosen.get(registration.session.course_id, completion.document_kind)
    certificate = Certificate(
        registration_id=registration.id,
        valid_registration_id=registration.id,
        session_id=registration.session_id,
        register_number=format_register_number(
            current_app.config["UNION_SHORT_CODE"], year, serial
        ),
        year=year,
        serial=serial,
        verification_code=new_verification_code(),
        status=CertificateStatus.VALID,
        issued_on=local_today(),
        issued_at=utcnow(),
        issued_by_id=by.id if by else None,
        **_snapshot(
            registration, completion.document_kind, completion.session_minutes, signatories
        ),
    )
    certificate.design = designs.fill_design(
        designs.design_values(design),
        certificate.kind.value,
        designs.placeholder_values(
            certificate.holder_name,
            certificate.course_title,
            designs.period(certificate.starts_on, certificate.ends_on),
            designs.hours_text(certificate.total_minutes),
            certificate.venue or certificate.city,
            certificate.register_number,
        ),
    )
    db.session.add(certificate)
    return certificate


class _Designs:
    """The design (and its signatories as of now) of each course and kind, looked up once per
    issuing run; a design without any signatory stops the run before a number is taken."""

    def __init__(self):
        self._registry = active_signatories()
        self._cache: dict = {}

    def get(self, course_id: int, kind: DocumentKind):
        key = (course_id, kind)
        if key not in self._cache:
            design = designs.design_for(course_id, kind)
            signatories = designs.signatories_of(design, self._registry)
            if not signatories:
                raise DomainError(
                    _("Add at least one signatory (İmzacılar) before issuing documents.")
                )
            self._cache[key] = (design, signatories)
        return self._cache[key]


# --- issuing ---------------------------------------------------------------------------------


@dataclass
class IssueResult:
    issued: list[Certificate]
    already: int
    without_document: int


def _earned(session: Session):
    """(registration, completion) of the session's completed registrations, in Turkish order."""
    from ..attendance.models import Completion

    rows = db.session.execute(
        select(Registration, Completion)
        .join(Completion, Completion.registration_id == Registration.id)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.session_id == session.id,
            Registration.status == RegistrationStatus.COMPLETED,
        )
        .options(selectinload(Registration.person), selectinload(Registration.municipality))
        .order_by(Person.sort_key, Registration.id)
    ).all()
    return rows


def issue_certificates(session: Session, by: User | None) -> IssueResult:
    """Issue the document each completed registration of a closed session earned.

    Idempotent: a registration that already has a document (valid, revoked or replaced) gets
    none; revoking is final and reissuing is explicit. Two admins clicking at once queue on the
    year's register counter, and the unique valid_registration_id stops any duplicate anyway.
    """
    if session.status != SessionStatus.COMPLETED:
        raise DomainError(_("Documents can be issued only for a closed session."))
    year = local_today().year
    lock_register(year)
    rows = _earned(session)
    has_document = set(
        db.session.scalars(
            select(Certificate.registration_id).where(Certificate.session_id == session.id)
        )
    )
    wanted = [
        (r, c) for r, c in rows if c.document_kind != DocumentKind.NONE and r.id not in has_document
    ]
    without = sum(1 for _r, c in rows if c.document_kind == DocumentKind.NONE)
    issued: list[Certificate] = []
    if wanted:
        chosen = _Designs()
        for _registration, completion in wanted:
            chosen.get(session.course_id, completion.document_kind)
        serials = reserve_register_numbers(year, len(wanted))
        for (registration, completion), serial in zip(wanted, serials, strict=True):
            issued.append(_new_certificate(registration, completion, serial, year, chosen, by))
        db.session.flush()
        for certificate in issued:
            audit.record(
                "certificate.issue",
                certificate,
                {
                    "register_number": certificate.register_number,
                    "registration_id": certificate.registration_id,
                    "kind": certificate.kind.value,
                },
                actor=by,
            )
    audit.record(
        "session.issue_certificates",
        session,
        {"issued": len(issued), "already": len(has_document)},
        actor=by,
    )
    db.session.flush()
    return IssueResult(issued, len(has_document), without)


def issue_certificate(registration: Registration, by: User | None) -> Certificate:
    """The registration's valid document, issued now if it has none (idempotent)."""
    from ..attendance.models import Completion

    existing = valid_certificate_of(registration)
    if existing is not None:
        return existing
    completion = db.session.scalar(
        select(Completion).where(Completion.registration_id == registration.id)
    )
    if (
        registration.session.status != SessionStatus.COMPLETED
        or registration.status != RegistrationStatus.COMPLETED
        or completion is None
        or completion.document_kind == DocumentKind.NONE
    ):
        raise DomainError(_("This registration has not earned a document."))
    year = local_today().year
    lock_register(year)
    existing = valid_certificate_of(registration)  # issued while we waited for the lock
    if existing is not None:
        return existing
    chosen = _Designs()
    chosen.get(registration.session.course_id, completion.document_kind)
    certificate = _new_certificate(
        registration, completion, reserve_register_numbers(year, 1)[0], year, chosen, by
    )
    db.session.flush()
    audit.record(
        "certificate.issue",
        certificate,
        {
            "register_number": certificate.register_number,
            "registration_id": registration.id,
            "kind": certificate.kind.value,
        },
        actor=by,
    )
    db.session.flush()
    return certificate


def valid_certificate_of(registration: Registration) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.valid_registration_id == registration.id)
    )


def _reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Write the reason."), field="reason")
    return reason[:MAX_REASON]


def revoke(certificate: Certificate, reason: str, by: User | None) -> Certificate:
    """Withdraw a document: it stays in the register and its verification shows it revoked."""
    reason = _reason(reason)
    certificate.revoke(reason, by.id if by else None)
    audit.record(
        "certificate.revoke",
        certificate,
        {"register_number": certificate.register_number, "reason": reason},
        actor=by,
    )
    db.session.flush()
    return certificate


def reissue(certificate: Certificate, reason: str, by: User | None) -> Certificate:
    """Replace a valid document by a new one (new number, new code, fresh snapshot)."""
    from ..attendance.models import Completion

    reason = _reason(reason)
    if not certificate.is_valid:
        raise DomainError(_("Only a valid document can be reissued."))
    if not certificate.holder_name:
        raise DomainError(_("The holder had their personal data deleted: nothing to reissue."))
    year = local_today().year
    lock_register(year)
    db.session.refresh(certificate)
    certificate.mark_replaced(reason, by.id if by else None)
    db.session.flush()  # frees the registration's valid slot before the new row takes it
    registration = certificate.registration
    completion = db.session.scalar(
        select(Completion).where(Completion.registration_id == registration.id)
    )
    chosen = _Designs()
    chosen.get(registration.session.course_id, completion.document_kind)
    new = _new_certificate(
        registration, completion, reserve_register_numbers(year, 1)[0], year, chosen, by
    )
    db.session.flush()
    certificate.replaced_by_id = new.id
    audit.record(
        "certificate.reissue",
        certificate,
        {
            "register_number": certificate.register_number,
            "replaced_by": new.register_number,
            "reason": reason,
        },
        actor=by,
    )
    db.session.flush()
    return new


# --- lookups ---------------------------------------------------------------------------------


def find_by_code(code: str) -> Certificate | None:
    code = normalise_code(code)
    if not code:
        return None
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.verification_code == code)
        .options(selectinload(Certificate.replaced_by))
    )


def certificates_of_session(session: Session) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.session_id == session.id)
            .order_by(Certificate.holder_sort_key, Certificate.id)
        )
    )


def earned_otherwise(session: Session, certificates: list[Certificate]) -> dict[int, DocumentKind]:
    """Valid documents whose kind no longer matches what the registration earned (an exam
    score or attendance corrected after issuing): document id -> the kind earned now."""
    from ..attendance.services import completions_of

    completions = completions_of(session)
    out = {}
    for certificate in certificates:
        completion = completions.get(certificate.registration_id)
        if certificate.is_valid and completion and completion.document_kind != certificate.kind:
            out[certificate.id] = completion.document_kind
    return out


def certificates_for_print(
    session_id: int | None = None, municipality_id: int | None = None, year: int | None = None
) -> list[int]:
    """Ids of the valid documents of a selection, in Turkish alphabetical order of the name
    (without those whose holder had their data deleted: a document without a name is no use on
    paper, and its register entry stays verifiable)."""
    query = select(Certificate.id).where(
        Certificate.status == CertificateStatus.VALID, Certificate.holder_name != ""
    )
    if session_id is not None:
        query = query.where(Certificate.session_id == session_id)
    else:
        query = query.where(
            Certificate.municipality_id == municipality_id, Certificate.year == year
        )
    return list(db.session.scalars(query.order_by(Certificate.holder_sort_key, Certificate.id)))


def documents_by_registration(person: Person | None) -> dict[int, tuple[int, date | None]]:
    """registration id -> (id, valid_until) of its valid document, for one person (one query)."""
    if person is None:
        return {}
    rows = db.session.execute(
        select(Certificate.registration_id, Certificate.id, Certificate.valid_until)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.person_id == person.id, Certificate.status == CertificateStatus.VALID)
    )
    return {registration_id: (id_, until) for registration_id, id_, until in rows}


def can_download(user: User, certificate: Certificate) -> bool:
    """An administrator any; the holder and the coordinator of the document's municipality only
    a valid one (a revoked or replaced document must not circulate as a fresh PDF)."""
    from ..accounts.models import Role
    from ..core.permissions import can_manage_municipality

    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    if not certificate.is_valid:
        return False
    if user.person is not None and certificate.registration.person_id == user.person.id:
        return True
    return can_manage_municipality(user, certificate.municipality_id)


# --- signatories -----------------------------------------------------------------------------


def save_signatory(
    signatory: Signatory | None, name: str, title: str, order: int, is_active: bool, by: User | None
) -> Signatory:
    values = {
        "name": " ".join(name.split()),
        "title": " ".join(title.split()),
        "sort_order": order,
        "is_active": is_active,
    }
    if signatory is None:
        signatory = Signatory(**values)
        db.session.add(signatory)
        db.session.flush()
        audit.record("signatory.create", signatory, values, actor=by)
    else:
        changes = audit.diff(signatory, values)
        for field, value in values.items():
            setattr(signatory, field, value)
        if changes:
            audit.record("signatory.update", signatory, changes, actor=by)
    db.session.flush()
    return signatory


# --- bulk print jobs -------------------------------------------------------------------------


def start_print_job(
    by: User | None,
    session: Session | None = None,
    municipality: Municipality | None = None,
    year: int | None = None,
) -> PrintJob:
    """Queue a bulk print of a session's documents or of a municipality's for a year."""
    if session is not None:
        ids = certificates_for_print(session_id=session.id)
        label = f"{session.course.title}, {format_date_short(session.starts_on)}"
        job = PrintJob(session_id=session.id, label=label)
    elif municipality is not None and year is not None:
        ids = certificates_for_print(municipality_id=municipality.id, year=year)
        job = PrintJob(
            municipality_id=municipality.id, year=year, label=f"{municipality.display_name}, {year}"
        )
    else:
        raise DomainError(_("Choose a session, or a municipality and a year."))
    if not ids:
        raise DomainError(_("There is no valid document to print."))
    job.total = len(ids)
    job.created_by_id = by.id if by else None
    db.session.add(job)
    db.session.flush()
    audit.record("print_job.start", job, {"label": job.label, "total": job.total}, actor=by)
    db.session.flush()
    return job


def retry_print_job(job: PrintJob, by: User | None) -> PrintJob:
    """Put a failed (or abandoned) job back in the queue; it starts over."""
    if job.status != PrintJobStatus.FAILED and not is_abandoned(job):
        raise DomainError(_("Only a failed print job can be retried."))
    job.status = PrintJobStatus.QUEUED
    job.done = 0
    job.error = None
    job.heartbeat_at = None
    audit.record("print_job.retry", job, {"attempts": job.attempts}, actor=by)
    db.session.flush()
    return job
