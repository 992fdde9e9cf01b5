"""Accounts: a User logs in; a Person is who they are in the union's records."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.columns import str_enum
from ..core.tckn import mask_tckn, vault
from ..core.timeutil import utcnow
from ..core.turkish import search_key, tr_sort_key
from ..extensions import db
from ..municipalities.models import Municipality, Unit


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    COORDINATOR = "coordinator"
    TRAINER = "trainer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.PARTICIPANT: _l("Participant"),
    Role.COORDINATOR: _l("Municipal training coordinator"),
    Role.TRAINER: _l("Trainer"),
    Role.ADMIN: _l("Administrator"),
}


class Position(enum.StrEnum):
    MAYOR = "mayor"
    DEPUTY_MAYOR = "deputy_mayor"
    COUNCIL_MEMBER = "council_member"
    COMMITTEE_MEMBER = "committee_member"
    UNIT_HEAD = "unit_head"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return str(POSITION_LABELS[self])


POSITION_LABELS = {
    Position.MAYOR: _l("Mayor"),
    Position.DEPUTY_MAYOR: _l("Deputy mayor"),
    Position.COUNCIL_MEMBER: _l("Council member"),
    Position.COMMITTEE_MEMBER: _l("Executive committee member"),
    Position.UNIT_HEAD: _l("Head of unit"),
    Position.STAFF: _l("Staff"),
}


class EmploymentType(enum.StrEnum):
    CIVIL_SERVANT = "civil_servant"
    CONTRACT = "contract"
    WORKER = "worker"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(EMPLOYMENT_TYPE_LABELS[self])


EMPLOYMENT_TYPE_LABELS = {
    EmploymentType.CIVIL_SERVANT: _l("Civil servant (Law 657)"),
    EmploymentType.CONTRACT: _l("Contracted staff (657 4/B or 5393 art. 49)"),
    EmploymentType.WORKER: _l("Worker (Law 4857)"),
    EmploymentType.OTHER: _l("Other"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lowercased; the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Raised on logout, password change, deactivation and anonymisation: sessions (and remember
    #: cookies) carrying an older value end, wherever they were copied to.
    session_version: Mapped[int] = mapped_column(default=1)
    #: Registered by themselves and the e-mail address not confirmed yet: no login until the
    #: mailed link is opened. Accounts made by the office (invitation links) never wait.
    email_confirmation_pending: Mapped[bool] = mapped_column(
        default=False, server_default=sa_false()
    )
    #: Interface language chosen by the user ("tr" or "en").
    locale: Mapped[str] = mapped_column(String(5), default="tr")

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    person: Mapped["Person | None"] = relationship(back_populates="user", uselist=False)

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return value.strip().lower()

    def set_password(self, password: str) -> None:
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login: the session carries the version, so raising it logs out every other session.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def has_role(self, *roles: Role) -> bool:
        return any(assignment.role in roles for assignment in self.roles)

    @property
    def role_set(self) -> set[Role]:
        return {assignment.role for assignment in self.roles}

    @property
    def coordinated_municipality_ids(self) -> set[int]:
        return {
            a.municipality_id
            for a in self.roles
            if a.role == Role.COORDINATOR and a.municipality_id is not None
        }

    @property
    def display_name(self) -> str:
        return self.person.full_name if self.person else self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RoleAssignment(db.Model):
    """One role of a user; a coordinator's role names the municipality they coordinate."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint(
            "user_id", "role", "municipality_id", name="uq_role_assignments_user_role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, 20))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    municipality: Mapped[Municipality | None] = relationship()

    def __repr__(self) -> str:
        return f"<RoleAssignment {self.user_id} {self.role}>"


class Person(db.Model):
    """A person in the union's records: a participant, trainer, coordinator or administrator."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    #: Fernet-encrypted T.C. Kimlik No; never shown whole outside its owner's profile form.
    tckn_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: HMAC of the ID number: unique, and the way to look a person up by ID number.
    tckn_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Display form such as 123******50.
    tckn_masked: Mapped[str | None] = mapped_column(String(11))
    position: Mapped[Position | None] = mapped_column(str_enum(Position, 30))
    #: Görev / unvan as printed, e.g. "Bilgi İşlem Şefi"; optional.
    title: Mapped[str | None] = mapped_column(String(150))
    employment_type: Mapped[EmploymentType | None] = mapped_column(str_enum(EmploymentType, 30))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    #: A unit not in the municipality's list, typed by the person.
    unit_other: Mapped[str | None] = mapped_column(String(150))
    phone: Mapped[str | None] = mapped_column(String(30))
    #: Explicit consents (açık rıza) for optional processing; never a condition of service.
    consent_newsletter_at: Mapped[datetime | None]
    consent_photos_at: Mapped[datetime | None]
    sort_key: Mapped[str] = mapped_column(String(500), index=True, default="")
    search_key: Mapped[str] = mapped_column(String(250), index=True, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Set when a deletion request was carried out: name, ID number and contacts are gone.
    anonymised_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(back_populates="person")
    municipality: Mapped[Municipality | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @validates("first_name", "last_name")
    def _keep_keys(self, key, value):
        first = value if key == "first_name" else self.first_name
        last = value if key == "last_name" else self.last_name
        self.sort_key = tr_sort_key(last, first)
        self.search_key = search_key(first, last)
        return value

    def set_tckn(self, tckn: str | None) -> None:
        """Store the ID number protected: encrypted, keyed hash, masked copy."""
        if not tckn:
            self.tckn_encrypted = self.tckn_hash = self.tckn_masked = None
            return
        v = vault()
        self.tckn_encrypted = v.encrypt(tckn)
        self.tckn_hash = v.keyed_hash(tckn)
        self.tckn_masked = mask_tckn(tckn)

    def reveal_tckn(self) -> str | None:
        """The whole ID number, for its owner's own profile form only."""
        return vault().decrypt(self.tckn_encrypted) if self.tckn_encrypted else None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit else (self.unit_other or "")

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


class PrivacyNotice(db.Model):
    """A version of the privacy notice (aydınlatma metni); the newest is the current one."""

    __tablename__ = "privacy_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PrivacyNotice v{self.version}>"


class PrivacyAcknowledgement(db.Model):
    """That a user was shown and acknowledged one version of the privacy notice, and when."""

    __tablename__ = "privacy_acknowledgements"
    __table_args__ = (
        UniqueConstraint("user_id", "notice_id", name="uq_privacy_acknowledgements_user_notice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notices.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)

    notice: Mapped[PrivacyNotice] = relationship()

    def __repr__(self) -> str:
        return f"<PrivacyAcknowledgement user={self.user_id} notice={self.notice_id}>"
