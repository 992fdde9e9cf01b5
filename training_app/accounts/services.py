"""Account use cases: registration, login, password reset, profile, staff accounts, privacy."""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..core import audit
from ..core.errors import Conflict, DomainError, NotAllowed
from ..core.mail import queue_mail
from ..core.tckn import is_valid_tckn, vault
from ..core.timeutil import utcnow
from ..core.turkish import tr_lower, tr_title, tr_upper
from ..extensions import db
from ..municipalities.models import Municipality, Unit
from .models import (
    EmploymentType,
    Person,
    Position,
    PrivacyAcknowledgement,
    PrivacyNotice,
    Role,
    RoleAssignment,
    User,
)

MIN_PASSWORD_LENGTH = 10
_COMMON_PASSWORDS = frozenset(
    {"1234567890", "12345678910", "qwertyuiop", "password123", "sifre12345", "parola1234",
     "konya12345", "123456789a", "abcdefghij", "belediye123"}
)  # fmt: skip


@dataclass
class PersonDetails:
    """What a person tells about themselves on registration or in their profile."""

    first_name: str
    last_name: str
    tckn: str | None
    position: Position | None
    municipality_id: int | None
    employment_type: EmploymentType | None = None
    unit_id: int | None = None
    unit_other: str | None = None
    title: str | None = None
    phone: str | None = None


def password_problem(password: str, email: str = "") -> str | None:
    """The reason a password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH)
    if not re.search(r"[^\W\d_]", password) or not re.search(r"[0-9]", password):
        return _("The password must contain both letters and digits.")
    lowered = password.lower()
    local_part = email.split("@")[0].lower() if email else ""
    if lowered in _COMMON_PASSWORDS or (len(local_part) >= 4 and local_part in lowered):
        return _("This password is too easy to guess; choose another one.")
    return None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def find_person_by_tckn(tckn: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.tckn_hash == vault().keyed_hash(tckn)))


def current_privacy_notice() -> PrivacyNotice | None:
    return db.session.scalar(select(PrivacyNotice).order_by(PrivacyNotice.version.desc()).limit(1))


def needs_privacy_acknowledgement(user: User) -> bool:
    """True when a newer privacy notice exists than the last one the user acknowledged."""
    latest = db.session.scalar(select(func.max(PrivacyNotice.version)))
    if latest is None:
        return False
    acknowledged = db.session.scalar(
        select(func.max(PrivacyNotice.version))
        .join(PrivacyAcknowledgement, PrivacyAcknowledgement.notice_id == PrivacyNotice.id)
        .where(PrivacyAcknowledgement.user_id == user.id)
    )
    return acknowledged is None or acknowledged < latest


def has_acknowledged_any(user: User) -> bool:
    return (
        db.session.scalar(
            select(PrivacyAcknowledgement.id)
            .where(PrivacyAcknowledgement.user_id == user.id)
            .limit(1)
        )
        is not None
    )


def acknowledge_privacy_notice(user: User, notice: PrivacyNotice) -> None:
    exists = db.session.scalar(
        select(PrivacyAcknowledgement.id).where(
            PrivacyAcknowledgement.user_id == user.id,
            PrivacyAcknowledgement.notice_id == notice.id,
        )
    )
    if not exists:
        db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=notice.id))
        audit.record("privacy_notice.acknowledge", user, {"version": notice.version}, actor=user)


def _check_person_details(
    details: PersonDetails, person: Person | None = None, check_duplicate: bool = True
) -> None:
    if details.tckn is not None:
        if not is_valid_tckn(details.tckn):
            raise DomainError(_("This is not a valid T.C. identity number."), field="tckn")
        other = find_person_by_tckn(details.tckn) if check_duplicate else None
        if other is not None and other is not person:
            raise Conflict(
                _("An account already exists for this T.C. identity number."), field="tckn"
            )
    if details.municipality_id is not None:
        municipality = db.session.get(Municipality, details.municipality_id)
        if municipality is None or not municipality.is_member or not municipality.is_active:
            raise DomainError(_("Choose a member municipality."), field="municipality_id")
    if details.unit_id is not None:
        unit = db.session.get(Unit, details.unit_id)
        if unit is None or unit.municipality_id != details.municipality_id:
            raise DomainError(
                _("This unit does not belong to the chosen municipality."), field="unit_id"
            )


def tidy_name(name: str) -> str:
    """Single spaces; a name typed all in lower or upper case gets Turkish capitals
    ("ayşe yılmaz" -> "Ayşe Yılmaz", "ILGIN" -> "Ilgın"); mixed case is kept as typed."""
    name = " ".join((name or "").split())
    if name and (name == tr_lower(name) or name == tr_upper(name)):
        return tr_title(name)
    return name


def _apply_person_details(person: Person, details: PersonDetails) -> None:
    person.first_name = tidy_name(details.first_name)
    person.last_name = tidy_name(details.last_name)
    person.position = details.position
    person.employment_type = details.employment_type
    person.municipality_id = details.municipality_id
    person.unit_id = details.unit_id
    other_unit = (details.unit_other or "").strip() or None
    person.unit_other = None if details.unit_id else other_unit
    person.title = (details.title or "").strip() or None
    person.phone = (details.phone or "").strip() or None


def register_participant(
    details: PersonDetails,
    email: str,
    password: str,
    notice: PrivacyNotice,
    consent_newsletter: bool = False,
    consent_photos: bool = False,
) -> User | None:
    """Open a participant account that waits for its e-mail address to be confirmed.

    The visitor is answered the same whether the ID number or the e-mail address is already
    registered or not: an existing account's owner is told by mail instead (nothing is created
    then, and None is returned), so the form confirms nothing to a stranger. Only mistakes in
    what was typed (an invalid number, a weak password) are reported on the form.
    """
    problem = password_problem(password, email)
    if problem:
        raise DomainError(problem, field="password")
    if details.municipality_id is None:
        raise DomainError(_("Choose a member municipality."), field="municipality_id")
    if details.position is None:
        raise DomainError(_("Choose your position."), field="position")
    _check_person_details(details, check_duplicate=False)

    by_email = find_user_by_email(email)
    existing = find_person_by_tckn(details.tckn) if details.tckn else None
    holder = existing.user if existing is not None else None
    if holder is not None and holder is not by_email and holder.email_confirmation_pending:
        # An earlier registration with this number never confirmed its address (a mistyped
        # one, say): the person record goes to this registration, the unconfirmed account ends.
        existing.user = None
        holder.is_active_account = False
        end_sessions(holder)
        audit.record("user.registration_superseded", holder, actor=holder)
        holder = None
    if by_email is not None or holder is not None:
        _tell_existing_owners(by_email, holder)
        # The same work as a new account (the password hash), so the time taken tells nothing.
        User(email=email).set_password(password)
        return None

    user = User(email=email, email_confirmation_pending=True)
    user.set_password(password)
    user.roles.append(RoleAssignment(role=Role.PARTICIPANT))
    # Someone registered by their municipality or an import before they had an account:
    # the account takes over that person record and its history.
    person = existing or Person()
    person.user = user
    _apply_person_details(person, details)
    person.set_tckn(details.tckn)
    now = utcnow()
    person.consent_newsletter_at = now if consent_newsletter else None
    person.consent_photos_at = now if consent_photos else None
    db.session.add_all([user, person])
    db.session.flush()
    db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=notice.id))
    audit.record(
        "user.register",
        user,
        {
            "privacy_notice_version": notice.version,
            "consent_newsletter": consent_newsletter,
            "consent_photos": consent_photos,
        },
        actor=user,
    )
    send_email_confirmation(user)
    return user


def _tell_existing_owners(by_email: User | None, by_tckn: User | None) -> None:
    """Someone registered with the e-mail address or ID number of an existing account: its owner
    hears of it by mail (an unconfirmed account gets its confirmation link again)."""
    for user, matched in ((by_email, "email"), (by_tckn, "tckn")):
        if user is None or (matched == "tckn" and user is by_email) or not user.is_active:
            continue
        if user.email_confirmation_pending:
            send_email_confirmation(user)
        else:
            queue_mail(user.email, "registration_attempt", locale=user.locale, matched=matched)
        audit.record("user.registration_attempt", user, {"matched": matched}, actor=None)


def _confirmation_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirmation")


def send_email_confirmation(user: User) -> None:
    """Mail the link that confirms a self-registered account's e-mail address."""
    token = _confirmation_serializer().dumps({"uid": user.id, "v": user.session_version})
    queue_mail(
        user.email,
        "confirm_email",
        locale=user.locale,
        token=token,
        person_name=user.display_name,
        days=max(1, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"] // 86400),
    )


def user_for_confirmation_token(token: str) -> User:
    """The unconfirmed account a valid, unexpired confirmation link belongs to."""
    try:
        data = _confirmation_serializer().loads(
            token, max_age=current_app.config["EMAIL_CONFIRMATION_MAX_AGE"]
        )
    except SignatureExpired as exc:
        raise DomainError(_("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise DomainError(_("This link is not valid.")) from exc
    user = db.session.get(User, data.get("uid"))
    if (
        user is None
        or not user.email_confirmation_pending
        or user.session_version != data.get("v")
        or not user.is_active
    ):
        raise DomainError(_("This link has already been used or is no longer valid."))
    return user


def confirm_email(token: str) -> User:
    """The owner of the address opened the link: the account can be used from now on."""
    user = user_for_confirmation_token(token)
    user.email_confirmation_pending = False
    audit.record("user.email_confirmed", user, actor=user)
    queue_mail(user.email, "welcome", locale=user.locale, person_name=user.display_name)
    return user


def authenticate(email: str, password: str) -> User:
    """The user with this e-mail and password; one message for both wrong cases."""
    user = find_user_by_email(email)
    if user is None or not user.check_password(password):
        if user is not None:
            audit.record("user.login_failed", user, actor=user)
        raise NotAllowed(_("E-mail address or password is wrong."))
    if not user.is_active:
        raise NotAllowed(
            _("This account has been deactivated. Contact the union's training office.")
        )
    if user.email_confirmation_pending:
        send_email_confirmation(user)
        raise NotAllowed(
            _(
                "Confirm your e-mail address first: we have sent you a new link. Open it, then "
                "log in."
            )
        )
    user.last_login_at = utcnow()
    audit.record("user.login", user, actor=user)
    return user


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every copy of their session or remember cookie stops working
    (the cookies carry the session version, see User.get_id). Also voids unused reset links."""
    user.session_version = (user.session_version or 0) + 1


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_password_reset_token(user: User) -> str:
    # The session version changes when the password does, so a used token stops working.
    return _reset_serializer().dumps({"uid": user.id, "v": user.session_version})


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = make_password_reset_token(user)
    queue_mail(
        user.email,
        "password_reset",
        locale=user.locale,
        token=token,
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )
    audit.record("user.password_reset_requested", user, actor=user)


def user_for_reset_token(token: str) -> User:
    """The user a valid, unexpired, unused token belongs to."""
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except SignatureExpired as exc:
        raise DomainError(_("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise DomainError(_("This link is not valid.")) from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or user.session_version != data.get("v") or not user.is_active:
        raise DomainError(_("This link has already been used or is no longer valid."))
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    problem = password_problem(new_password, user.email)
    if problem:
        raise DomainError(problem, field="password")
    user.set_password(new_password)
    user.email_confirmation_pending = False  # the mailed link proves the address too
    audit.record("user.password_reset", user, actor=user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise DomainError(_("The current password is wrong."), field="current_password")
    problem = password_problem(new_password, user.email)
    if problem:
        raise DomainError(problem, field="new_password")
    user.set_password(new_password)
    audit.record("user.password_change", user, actor=user)


def update_profile(user: User, details: PersonDetails, email: str) -> None:
    """The person edits their own data; changes are audited with the ID number masked."""
    person = user.person
    if person is None:
        person = Person(user=user, first_name=details.first_name, last_name=details.last_name)
        db.session.add(person)
    email = email.strip().lower()
    if email != user.email:
        other = find_user_by_email(email)
        if other is not None and other is not user:
            raise Conflict(_("An account already exists for this e-mail address."), field="email")
    _check_person_details(details, person)
    changes = audit.diff(
        person,
        {
            "first_name": details.first_name,
            "last_name": details.last_name,
            "position": details.position,
            "employment_type": details.employment_type,
            "municipality_id": details.municipality_id,
            "unit_id": details.unit_id,
            "title": details.title or None,
            "phone": details.phone or None,
        },
    )
    if details.tckn is not None and person.tckn_hash != vault().keyed_hash(details.tckn):
        old_masked = person.tckn_masked
        person.set_tckn(details.tckn)
        changes["tckn"] = [old_masked, person.tckn_masked]
    if email != user.email:
        changes["email"] = [user.email, email]
        user.email = email
    _apply_person_details(person, details)
    if changes:
        audit.record("person.update", person, changes, actor=user)


def set_consents(person: Person, newsletter: bool, photos: bool) -> None:
    now = utcnow()
    if bool(person.consent_newsletter_at) != newsletter:
        person.consent_newsletter_at = now if newsletter else None
        audit.record("person.consent", person, {"newsletter": newsletter})
    if bool(person.consent_photos_at) != photos:
        person.consent_photos_at = now if photos else None
        audit.record("person.consent", person, {"photos": photos})


def create_staff_user(
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    by: User,
    municipality_id: int | None = None,
    password: str | None = None,
) -> User:
    """An administrator creates a trainer, coordinator or administrator account.

    Without a password the new user gets an e-mail with a link to set one.
    """
    if find_user_by_email(email) is not None:
        raise Conflict(_("An account already exists for this e-mail address."), field="email")
    if role == Role.COORDINATOR and municipality_id is None:
        raise DomainError(
            _("A coordinator must be tied to a municipality."), field="municipality_id"
        )
    if municipality_id is not None and db.session.get(Municipality, municipality_id) is None:
        raise DomainError(_("Choose a member municipality."), field="municipality_id")
    if password:
        problem = password_problem(password, email)
        if problem:
            raise DomainError(problem, field="password")
    user = User(email=email)
    # An unusable random password until the invitation link sets a real one.
    user.set_password(password or _random_secret())
    user.roles.append(
        RoleAssignment(
            role=role, municipality_id=municipality_id if role == Role.COORDINATOR else None
        )
    )
    person = Person(
        user=user,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        municipality_id=municipality_id,
    )
    db.session.add_all([user, person])
    db.session.flush()
    audit.record(
        "user.create", user, {"role": role.value, "municipality_id": municipality_id}, actor=by
    )
    if not password:
        queue_mail(
            user.email,
            "invitation",
            token=make_password_reset_token(user),
            role_label=role.label,
            person_name=person.full_name,
            minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
        )
    return user


def invite_person(person: Person, email: str, by: User) -> User | None:
    """Give a person registered by the office (no account yet) an account and mail them a link
    to set their password. Nothing happens if the address already has an account."""
    if person.user is not None or find_user_by_email(email) is not None:
        return None
    user = User(email=email)
    user.set_password(_random_secret())
    user.roles.append(RoleAssignment(role=Role.PARTICIPANT))
    person.user = user
    db.session.add(user)
    db.session.flush()
    audit.record("user.invite", user, {"person_id": person.id}, actor=by)
    queue_mail(
        user.email,
        "invitation",
        token=make_password_reset_token(user),
        role_label=Role.PARTICIPANT.label,
        person_name=person.full_name,
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )
    return user


def _random_secret() -> str:
    import secrets

    return secrets.token_urlsafe(32)


def add_role(user: User, role: Role, by: User, municipality_id: int | None = None) -> None:
    if role == Role.COORDINATOR and municipality_id is None:
        raise DomainError(
            _("A coordinator must be tied to a municipality."), field="municipality_id"
        )
    if role != Role.COORDINATOR:
        municipality_id = None
    if any(a.role == role and a.municipality_id == municipality_id for a in user.roles):
        raise Conflict(_("The user already has this role."))
    user.roles.append(RoleAssignment(role=role, municipality_id=municipality_id))
    audit.record(
        "user.role_add", user, {"role": role.value, "municipality_id": municipality_id}, actor=by
    )


def remove_role(user: User, assignment: RoleAssignment, by: User) -> None:
    if assignment.user_id != user.id:
        raise NotAllowed(_("This role does not belong to this user."))
    if assignment.role == Role.ADMIN and user.id == by.id:
        raise NotAllowed(_("You cannot remove your own administrator role."))
    if len(user.roles) == 1:
        raise DomainError(_("A user must keep at least one role."))
    user.roles.remove(assignment)
    audit.record(
        "user.role_remove",
        user,
        {"role": assignment.role.value, "municipality_id": assignment.municipality_id},
        actor=by,
    )


def set_active(user: User, active: bool, by: User) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if not active and user.id == by.id:
        raise NotAllowed(_("You cannot deactivate your own account."))
    if user.is_active_account == active:
        return
    user.is_active_account = active
    end_sessions(user)
    audit.record("user.activate" if active else "user.deactivate", user, actor=by)
