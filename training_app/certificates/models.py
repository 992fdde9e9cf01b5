"""Issued documents (Katılım / Başarı Belgesi), their signatories, register counters and
bulk print jobs.

A certificate is a snapshot: every printed value is copied into plain columns at issue, so that
renaming a course or a person later never changes a document already handed out.
"""

import enum
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import DocumentKind
from ..core.columns import str_enum
from ..core.errors import InvalidTransition
from ..core.timeutil import utcnow
from ..enrollment.models import Registration
from ..extensions import db


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    REPLACED = "replaced"

    @property
    def label(self) -> str:
        return str(CERTIFICATE_STATUS_LABELS[self])


CERTIFICATE_STATUS_LABELS = {
    CertificateStatus.VALID: _l("Valid"),
    CertificateStatus.REVOKED: _l("Revoked"),
    CertificateStatus.REPLACED: _l("Replaced by a new document"),
}


class Signatory(db.Model):
    """Someone whose name and title are printed under every document issued while active."""

    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    title: Mapped[str] = mapped_column(String(200))
    #: Left to right on the document.
    sort_order: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Signatory {self.name!r} {self.title!r}>"


class RegisterCounter(db.Model):
    """The last register number handed out in a year; incremented under its row lock only."""

    __tablename__ = "certificate_register_counters"
    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_not_negative"),)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<RegisterCounter {self.year}: {self.last_number}>"


class Certificate(db.Model):
    """One issued document (belge) with its register number, verification code and snapshot."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("kind IN ('attendance', 'achievement')", name="kind_is_a_document"),
        CheckConstraint(
            "(status = 'valid') = (valid_registration_id IS NOT NULL)",
            name="valid_registration_only_when_valid",
        ),
        Index("ix_certificates_municipality_year", "municipality_id", "year"),
        Index("ix_certificates_session_sort", "session_id", "holder_sort_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    #: Equal to registration_id while the document is valid, NULL otherwise: its unique
    #: constraint lets the database hold at most one valid document per registration (NULLs
    #: never clash, on SQLite as on PostgreSQL).
    valid_registration_id: Mapped[int | None] = mapped_column(unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    #: KBB-2026-000123: sequential per year, never reused.
    register_number: Mapped[str] = mapped_column(String(30), unique=True)
    year: Mapped[int]
    serial: Mapped[int]
    #: Random, unguessable; what the QR code and the verification page use.
    verification_code: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[CertificateStatus] = mapped_column(
        str_enum(CertificateStatus), default=CertificateStatus.VALID
    )
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind))

    # --- snapshot of what is printed -----------------------------------------------------------
    #: "Katılım Belgesi", "Başarı Belgesi" (or "... Sertifikası" when the course allows).
    document_title: Mapped[str] = mapped_column(String(60))
    #: Uppercased the Turkish way: "AYŞE IŞIK".
    holder_name: Mapped[str] = mapped_column(String(210))
    holder_sort_key: Mapped[str] = mapped_column(String(500))
    position: Mapped[str | None] = mapped_column(String(200))
    municipality_name: Mapped[str | None] = mapped_column(String(200))
    course_code: Mapped[str] = mapped_column(String(20))
    course_title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: The session's length in minutes when it was closed.
    total_minutes: Mapped[int]
    venue: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(170))
    #: [{"name": ..., "title": ...}, ...] as they were on the day of issue.
    signatories: Mapped[list] = mapped_column(JSON, default=list)
    #: The design as issued (designs.design_snapshot): layout, filled texts, colours, image
    #: hashes. NULL for documents issued before designs existed: they print the shipped look.
    design: Mapped[dict | None] = mapped_column(JSON)
    issued_on: Mapped[date] = mapped_column(Date)
    #: Last day the document is valid (the course's validity counted from the training's last
    #: day, copied at issue); NULL: it does not expire.
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)

    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Why the document was revoked or replaced (kept for the register, shown to admins).
    reason: Mapped[str | None] = mapped_column(Text)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    registration: Mapped[Registration] = relationship()
    replaced_by: Mapped["Certificate | None"] = relationship(remote_side=[id])

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    def is_expired(self, today: date) -> bool:
        """Past its last valid day (a revoked or replaced document may be expired too)."""
        return self.valid_until is not None and today > self.valid_until

    def is_in_force(self, today: date) -> bool:
        """Valid in the register and not expired: what "valid" means to someone checking it."""
        return self.is_valid and not self.is_expired(today)

    @property
    def hours(self) -> float:
        return self.total_minutes / 60

    @property
    def display_code(self) -> str:
        """The code in groups of four, easier to read out and type: ABCD-EFGH-JKLM."""
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    def revoke(self, reason: str, by_user_id: int | None, now: datetime | None = None) -> None:
        if not self.is_valid:
            raise InvalidTransition(_("Only a valid document can be revoked."))
        self.status = CertificateStatus.REVOKED
        self.valid_registration_id = None
        self.revoked_at = now or utcnow()
        self.revoked_by_id = by_user_id
        self.reason = reason

    def mark_replaced(
        self, reason: str, by_user_id: int | None, now: datetime | None = None
    ) -> None:
        if not self.is_valid:
            raise InvalidTransition(_("Only a valid document can be reissued."))
        self.status = CertificateStatus.REPLACED
        self.valid_registration_id = None
        self.revoked_at = now or utcnow()
        self.revoked_by_id = by_user_id
        self.reason = reason

    def __repr__(self) -> str:
        return f"<Certificate {self.register_number} {self.status}>"


class PrintJobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(PRINT_JOB_STATUS_LABELS[self])


PRINT_JOB_STATUS_LABELS = {
    PrintJobStatus.QUEUED: _l("Waiting"),
    PrintJobStatus.RUNNING: _l("Printing"),
    PrintJobStatus.DONE: _l("Ready"),
    PrintJobStatus.FAILED: _l("Failed"),
}


class PrintJob(db.Model):
    """A bulk print (toplu basım): every valid document of a session, or of a municipality for a
    year, as one PDF. Any web worker reads its progress from this row."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        CheckConstraint("done >= 0 AND done <= total", name="progress_in_range"),
        CheckConstraint(
            "session_id IS NOT NULL OR (municipality_id IS NOT NULL AND year IS NOT NULL)",
            name="has_a_selection",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[PrintJobStatus] = mapped_column(
        str_enum(PrintJobStatus), default=PrintJobStatus.QUEUED, index=True
    )
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    year: Mapped[int | None]
    #: Shown in the list of jobs: "Afet Yönetimi, 12.05.2026" or "Meram, 2026".
    label: Mapped[str] = mapped_column(String(300))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    #: Path of the merged PDF, relative to PRINT_JOB_DIR; kept until downloaded.
    result_path: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None]
    #: Touched after every chunk; a running job whose heartbeat is old has lost its worker.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    downloaded_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        if self.status == PrintJobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (PrintJobStatus.DONE, PrintJobStatus.FAILED)

    def __repr__(self) -> str:
        return f"<PrintJob {self.id} {self.status} {self.done}/{self.total}>"


class DesignImage(db.Model):
    """An uploaded logo or background, addressed by the SHA-256 of its (re-encoded) bytes.

    Rows are never deleted: an issued document's snapshot names its images by hash, so the
    bytes it was printed with stay available for as long as the register keeps it.
    """

    __tablename__ = "certificate_design_images"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DesignImage {self.sha256[:12]} {self.width}x{self.height}>"


class CertificateDesign(db.Model):
    """How a document looks (belge tasarımı): a shipped layout, texts with {placeholders},
    logos, colours, signatories. Issued documents keep a snapshot of it."""

    __tablename__ = "certificate_designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    #: One of designs.LAYOUTS: "klasik", "resmi", "ortakli".
    layout: Mapped[str] = mapped_column(String(20), default="klasik")
    #: The shipped "Birlik standart": used when a course chose none; never deleted.
    is_default: Mapped[bool] = mapped_column(default=False)
    #: {"attendance_title", "achievement_title", "before_name", "attendance_after",
    #: "achievement_after", "footer"} -> text with {placeholders}; an empty title prints the
    #: document's own name (Katılım Belgesi / Başarı Belgesi).
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Up to three DesignImage hashes, left to right.
    logos: Mapped[list] = mapped_column(JSON, default=list)
    background: Mapped[str | None] = mapped_column(ForeignKey("certificate_design_images.sha256"))
    primary_color: Mapped[str] = mapped_column(String(7), default="#1f3a5f")
    accent_color: Mapped[str] = mapped_column(String(7), default="#a3843f")
    #: Print the active İmzacılar (Signatory rows) ...
    use_registry_signatories: Mapped[bool] = mapped_column(default=True)
    #: ... followed by the design's own (a partner's): [{"name": ..., "title": ...}].
    partner_signatories: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<CertificateDesign {self.name!r} {self.layout}>"


class CourseDocumentDesign(db.Model):
    """The design a course's documents of one kind are printed with (none: the default).

    Kept here rather than as a column of Course: the catalogue sits below certificates and must
    not point at a table it knows nothing about.
    """

    __tablename__ = "course_document_designs"
    __table_args__ = (
        CheckConstraint("kind IN ('attendance', 'achievement')", name="kind_is_a_document"),
    )

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("certificate_designs.id"), index=True)

    design: Mapped[CertificateDesign] = relationship()

    def __repr__(self) -> str:
        return f"<CourseDocumentDesign course={self.course_id} {self.kind} -> {self.design_id}>"
