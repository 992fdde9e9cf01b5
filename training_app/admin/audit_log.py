"""The audit log for administrators: filtered, paginated in SQL, readable, exportable."""

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from werkzeug.routing import BuildError

from ..accounts.models import Person, User
from ..core import spreadsheets
from ..core.models import AuditEntry
from ..core.timeutil import local_to_utc, to_local
from ..core.turkish import format_datetime_short, format_number, search_key
from ..extensions import db

PER_PAGE = 50
#: An export holds at most this many entries (newest first); narrow the filters for more.
EXPORT_LIMIT = 50_000

#: Readable names of the actions the app records; an unknown action shows its code only.
ACTION_LABELS = {
    "user.register": _l("Registered"),
    "user.login": _l("Signed in"),
    "user.login_failed": _l("Failed sign-in"),
    "user.password_reset_requested": _l("Asked for a password reset"),
    "user.password_reset": _l("Reset the password"),
    "user.password_change": _l("Changed the password"),
    "user.create": _l("Account created"),
    "user.invite": _l("Invitation sent"),
    "user.role_add": _l("Role added"),
    "user.role_remove": _l("Role removed"),
    "user.activate": _l("Account activated"),
    "user.deactivate": _l("Account deactivated"),
    "privacy_notice.acknowledge": _l("Privacy notice acknowledged"),
    "person.update": _l("Personal details changed"),
    "person.consent": _l("Consent changed"),
    "calendar_token.create": _l("Calendar link created"),
    "calendar_token.reset": _l("Calendar link renewed"),
    "municipality.create": _l("Municipality added"),
    "municipality.update": _l("Municipality changed"),
    "membership.add": _l("Membership period added"),
    "membership.end": _l("Membership period ended"),
    "membership.remove": _l("Membership period removed"),
    "unit.create": _l("Unit added"),
    "unit.delete": _l("Unit removed"),
    "category.create": _l("Category added"),
    "category.update": _l("Category changed"),
    "venue.create": _l("Venue added"),
    "venue.update": _l("Venue changed"),
    "course.create": _l("Course added"),
    "course.update": _l("Course changed"),
    "course.publish": _l("Course published"),
    "course.unpublish": _l("Course unpublished"),
    "session.create": _l("Session added"),
    "session.update": _l("Session changed"),
    "session.publish": _l("Session published"),
    "session.unpublish": _l("Session back to draft"),
    "session.cancel": _l("Session cancelled"),
    "session.clone": _l("Session copied"),
    "session.complete": _l("Session completed"),
    "session.close": _l("Session closed"),
    "session.trainers": _l("Trainers changed"),
    "session.issue_certificates": _l("Documents issued for the session"),
    "meeting.create": _l("Meeting added"),
    "meeting.update": _l("Meeting changed"),
    "meeting.delete": _l("Meeting removed"),
    "registration.request": _l("Registration requested"),
    "registration.approve": _l("Registration approved"),
    "registration.refuse": _l("Registration refused"),
    "registration.cancel": _l("Registration cancelled"),
    "registration.promote": _l("Moved up from the waiting list"),
    "mail.retry": _l("Mail sent again"),
    "mail.retry_all": _l("All failed mail sent again"),
    "registration.import": _l("Registrations imported"),
    "roster.export": _l("Roster exported"),
    "attendance.sheet_pdf": _l("Sign-in sheet printed"),
    "attendance.export": _l("Attendance exported"),
    "attendance.change_after_close": _l("Attendance changed after closing"),
    "certificate.issue": _l("Document issued"),
    "certificate.revoke": _l("Document withdrawn"),
    "certificate.reissue": _l("Document reissued"),
    "certificate.download": _l("Document downloaded"),
    "print_job.start": _l("Print job started"),
    "print_job.retry": _l("Print job retried"),
    "print_job.download": _l("Print job downloaded"),
    "signatory.create": _l("Signatory added"),
    "signatory.update": _l("Signatory changed"),
    "attendance.score_corrected": _l("Exam score corrected"),
    "report.municipality_record_export": _l("Municipality training record exported"),
    "report.expiring_documents_export": _l("Expiring documents list exported"),
    "privacy.export": _l("Copy of personal data downloaded"),
    "privacy.deletion_request": _l("Deletion requested"),
    "privacy.deletion_withdraw": _l("Deletion request withdrawn"),
    "privacy.deletion_reject": _l("Deletion request rejected"),
    "privacy.deletion_carry_out": _l("Deletion carried out"),
    "person.anonymise": _l("Person anonymised"),
    "privacy_notice.publish": _l("Privacy notice published"),
    "audit.export": _l("Audit log exported"),
}

#: Readable names of the record types.
OBJECT_TYPE_LABELS = {
    "User": _l("Account"),
    "Person": _l("Person"),
    "Municipality": _l("Municipality"),
    "MembershipPeriod": _l("Membership period"),
    "Unit": _l("Unit"),
    "Category": _l("Category"),
    "Venue": _l("Venue"),
    "Course": _l("Course"),
    "Session": _l("Session"),
    "Meeting": _l("Meeting"),
    "Registration": _l("Registration"),
    "Certificate": _l("Document"),
    "PrintJob": _l("Print job"),
    "OutboxMessage": _l("E-mail"),
    "Signatory": _l("Signatory"),
    "DeletionRequest": _l("Deletion request"),
    "PrivacyNotice": _l("Privacy notice"),
}

#: Readable names of the fields that changes mention most; others show their code.
FIELD_LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("E-mail address"),
    "tckn": _l("T.C. identity number"),
    "municipality_id": _l("Municipality"),
    "unit_id": _l("Unit"),
    "title": _l("Title"),
    "Person.title": _l("Job title"),
    "phone": _l("Phone"),
    "position": _l("Position"),
    "employment_type": _l("Employment type"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "province": _l("Province"),
    "is_member": _l("Member of the union"),
    "is_active": _l("Active"),
    "joined_on": _l("Joined on"),
    "left_on": _l("Last day of membership"),
    "note": _l("Note"),
    "role": _l("Role"),
    "format": _l("Format"),
    "rows": _l("Rows"),
    "reason": _l("Reason"),
    "status": _l("Status"),
    "result": _l("Result"),
    "exam_score": _l("Exam score"),
    "document_kind": _l("Document earned"),
    "session_id": _l("Session"),
    "nominated": _l("Nominated"),
}

#: Where a record type's page is: endpoint and the name of its id argument.
_PAGES = {
    "User": ("admin.show_user", "user_id"),
    "Municipality": ("admin.edit_municipality", "municipality_id"),
    "Category": ("catalog_admin.edit_category", "category_id"),
    "Venue": ("catalog_admin.edit_venue", "venue_id"),
    "Course": ("catalog_admin.show_course", "course_id"),
    "Session": ("catalog_admin.show_session", "session_id"),
    "Meeting": ("catalog_admin.edit_meeting", "meeting_id"),
    "Registration": ("enrollment.show_registration", "registration_id"),
    "Certificate": ("certificates.show", "certificate_id"),
    "PrintJob": ("certificates.show_print_job", "job_id"),
    "OutboxMessage": ("admin.show_outbox_message", "message_id"),
    "Signatory": ("certificates.edit_signatory", "signatory_id"),
    "DeletionRequest": ("privacy.admin_request", "request_id"),
    "PrivacyNotice": ("privacy.show_notice", "notice_id"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else ""


@dataclass
class AuditFilters:
    """What the administrator asked for; empty values do not filter."""

    #: Who did it: part of a name or e-mail address.
    actor: str = ""
    #: About whom: part of a name or e-mail address; matches entries on that person's account,
    #: person record, registrations, documents and deletion requests.
    subject: str = ""
    object_type: str = ""
    object_id: int | None = None
    #: An exact action ("person.update") or a prefix ending in a dot ("privacy.").
    action: str = ""
    #: Local (Istanbul) dates, both inclusive.
    date_from: date | None = None
    date_to: date | None = None

    def query_args(self) -> dict[str, str]:
        args = {
            "actor": self.actor,
            "subject": self.subject,
            "object_type": self.object_type,
            "object_id": str(self.object_id) if self.object_id else "",
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in args.items() if value}


def _people_matching(text: str):
    """Ids of people whose name or account e-mail contains `text` (a subquery)."""
    return (
        select(Person.id)
        .outerjoin(User, User.id == Person.user_id)
        .where(_name_or_email(text))
        .scalar_subquery()
    )


def _users_matching(text: str):
    return (
        select(User.id)
        .outerjoin(Person, Person.user_id == User.id)
        .where(_name_or_email(text))
        .scalar_subquery()
    )


def _name_or_email(text: str):
    conditions = [User.email.contains(text.strip().lower(), autoescape=True)]
    key = search_key(text)
    if key:
        conditions.append(Person.search_key.contains(key, autoescape=True))
    return or_(*conditions)


def _about_person(text: str):
    """Entries whose record is the person's account, person record, or one of their
    registrations, documents or deletion requests."""
    from ..certificates.models import Certificate
    from ..enrollment.models import Registration
    from ..privacy.models import DeletionRequest

    people = _people_matching(text)
    registrations = select(Registration.id).where(Registration.person_id.in_(people))
    return or_(
        and_(AuditEntry.object_type == "User", AuditEntry.object_id.in_(_users_matching(text))),
        and_(AuditEntry.object_type == "Person", AuditEntry.object_id.in_(people)),
        and_(
            AuditEntry.object_type == "Registration",
            AuditEntry.object_id.in_(registrations.scalar_subquery()),
        ),
        and_(
            AuditEntry.object_type == "Certificate",
            AuditEntry.object_id.in_(
                select(Certificate.id)
                .where(Certificate.registration_id.in_(registrations.scalar_subquery()))
                .scalar_subquery()
            ),
        ),
        and_(
            AuditEntry.object_type == "DeletionRequest",
            AuditEntry.object_id.in_(
                select(DeletionRequest.id)
                .where(DeletionRequest.person_id.in_(people))
                .scalar_subquery()
            ),
        ),
    )


def _start_of(day: date) -> datetime:
    """The stored (naive UTC) instant at which a local day starts."""
    return local_to_utc(datetime.combine(day, time.min))


def filtered_entries(filters: AuditFilters):
    """The entries matching `filters`, newest first, with the actor's e-mail and name."""
    query = (
        select(AuditEntry, User.email, Person.first_name, Person.last_name)
        .outerjoin(User, User.id == AuditEntry.actor_user_id)
        .outerjoin(Person, Person.user_id == User.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return query.where(*_conditions(filters))


def _conditions(filters: AuditFilters) -> list:
    conditions = []
    if filters.actor:
        conditions.append(AuditEntry.actor_user_id.in_(_users_matching(filters.actor)))
    if filters.subject:
        conditions.append(_about_person(filters.subject))
    if filters.object_type:
        conditions.append(AuditEntry.object_type == filters.object_type)
    if filters.object_id:
        conditions.append(AuditEntry.object_id == filters.object_id)
    if filters.action.endswith("."):
        conditions.append(AuditEntry.action.startswith(filters.action, autoescape=True))
    elif filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.date_from:
        conditions.append(AuditEntry.at >= _start_of(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEntry.at < _start_of(filters.date_to + timedelta(days=1)))
    return conditions


@dataclass
class AuditRow:
    """One entry as the page and the export show it."""

    id: int
    at: datetime
    actor_name: str
    actor_email: str
    actor_user_id: int | None
    action: str
    action_label: str
    object_type: str
    object_type_label: str
    object_id: int | None
    url: str | None
    changes: list[tuple[str, str, str | None]] = field(default_factory=list)
    ip_address: str = ""

    @property
    def at_text(self) -> str:
        return format_datetime_short(self.at)

    @property
    def changes_text(self) -> str:
        return "; ".join(
            f"{label}: {old} → {new}" if new is not None else f"{label}: {old}"
            for label, old, new in self.changes
        )


def _value_labels() -> dict[str, str]:
    """code -> label of the states and kinds the entries record ("confirmed" -> "Onaylandı")."""
    from ..accounts.models import EmploymentType, Position, Role
    from ..attendance.models import AttendanceStatus
    from ..catalog.models import DocumentKind
    from ..certificates.models import CertificateStatus
    from ..enrollment.models import RegistrationStatus
    from ..municipalities.models import MunicipalityKind

    labels = {}
    for kind in (
        MunicipalityKind,
        CertificateStatus,
        DocumentKind,
        AttendanceStatus,
        EmploymentType,
        Position,
        Role,
        RegistrationStatus,  # last: its labels win where codes are shared
    ):
        labels.update({member.value: member.label for member in kind})
    return labels


def _value(value, labels: dict[str, str] | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float):
        return format_number(value, digits=0 if value.is_integer() else 1)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if labels and isinstance(value, str) and value in labels:
        return labels[value]
    return str(value)


def readable_changes(
    changes, object_type: str | None = None, codes: dict[str, str] | None = None
) -> list[tuple[str, str, str | None]]:
    """(field, old, new) for an update's [old, new] pairs; (field, value, None) for a fact."""
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [("", _value(changes), None)]
    lines = []
    codes = _value_labels() if codes is None else codes
    for key, value in changes.items():
        label = str(FIELD_LABELS.get(f"{object_type}.{key}") or FIELD_LABELS.get(key, key))
        if isinstance(value, list) and len(value) == 2:
            lines.append((label, _value(value[0], codes), _value(value[1], codes)))
        else:
            lines.append((label, _value(value, codes), None))
    return lines


def _record_url(entry: AuditEntry, person_users: dict[int, int]) -> str | None:
    """A link to the record's page, where one exists; a removed unit or membership period links
    to its municipality."""
    if entry.object_id is None:
        return None
    removed = entry.action.endswith((".delete", ".remove"))
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    endpoint, arg, value = None, None, entry.object_id
    if entry.object_type in _PAGES and not removed:
        endpoint, arg = _PAGES[entry.object_type]
    elif entry.object_type == "Person" and entry.object_id in person_users:
        endpoint, arg, value = "admin.show_user", "user_id", person_users[entry.object_id]
    elif entry.object_type in ("Unit", "MembershipPeriod") and changes.get("municipality_id"):
        endpoint, arg = "admin.edit_municipality", "municipality_id"
        value = changes["municipality_id"]
    if endpoint is None:
        return None
    try:
        return url_for(endpoint, **{arg: value})
    except BuildError:
        return None


def describe(rows) -> list[AuditRow]:
    """Rows of (entry, actor e-mail, first name, last name) as readable lines; one extra query
    at most (the accounts of the people the entries are about, for links)."""
    rows = list(rows)
    person_ids = {e.object_id for e, *_ in rows if e.object_type == "Person" and e.object_id}
    person_users = {}
    if person_ids:
        person_users = dict(
            db.session.execute(
                select(Person.id, Person.user_id).where(
                    Person.id.in_(person_ids), Person.user_id.is_not(None)
                )
            ).all()
        )
    codes = _value_labels()
    result = []
    for entry, email, first_name, last_name in rows:
        name = f"{first_name} {last_name}" if first_name or last_name else ""
        result.append(
            AuditRow(
                id=entry.id,
                at=to_local(entry.at).replace(tzinfo=None),
                actor_name=name,
                actor_email=email or "",
                actor_user_id=entry.actor_user_id,
                action=entry.action,
                action_label=action_label(entry.action),
                object_type=entry.object_type or "",
                object_type_label=str(OBJECT_TYPE_LABELS.get(entry.object_type, ""))
                if entry.object_type
                else "",
                object_id=entry.object_id,
                url=_record_url(entry, person_users),
                changes=readable_changes(entry.changes, entry.object_type, codes),
                ip_address=entry.ip_address or "",
            )
        )
    return result


@dataclass
class AuditPage:
    """A page of the log; the same interface as Flask-SQLAlchemy's pagination for `pager`."""

    items: list[AuditRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def iter_pages(self, left_edge=2, left_current=2, right_current=4, right_edge=2):
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or self.page - left_current <= number <= self.page + right_current
                or number > self.pages - right_edge
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number


def audit_page(filters: AuditFilters, page: int = 1, per_page: int = PER_PAGE) -> AuditPage:
    """One page of matching entries: a count, the rows (LIMIT/OFFSET), and at most one lookup."""
    page = max(page, 1)
    total = db.session.scalar(select(func.count(AuditEntry.id)).where(*_conditions(filters)))
    rows = db.session.execute(
        filtered_entries(filters).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return AuditPage(describe(rows), page, per_page, total or 0)


def action_choices() -> list[tuple[str, str]]:
    """The actions present in the log, each group first as a prefix ("user." = every user.*)."""
    actions = db.session.scalars(select(AuditEntry.action).distinct()).all()
    choices = []
    groups: dict[str, list[str]] = {}
    for action in sorted(actions):
        groups.setdefault(action.split(".", 1)[0] + ".", []).append(action)
    for prefix, members in groups.items():
        choices.append((prefix, _("%(prefix)s* (all)", prefix=prefix)))
        for action in members:
            label = action_label(action)
            choices.append((action, f"{label} ({action})" if label else action))
    return choices


def object_type_choices() -> list[tuple[str, str]]:
    types = db.session.scalars(
        select(AuditEntry.object_type).where(AuditEntry.object_type.is_not(None)).distinct()
    ).all()
    return [
        (t, f"{OBJECT_TYPE_LABELS[t]} ({t})" if t in OBJECT_TYPE_LABELS else t)
        for t in sorted(types)
    ]


def export_csv(filters: AuditFilters) -> tuple[str, int]:
    """The matching entries (newest first, at most EXPORT_LIMIT) as CSV text for Excel
    (semicolons, BOM); returns the text and the number of entries."""
    rows = describe(db.session.execute(filtered_entries(filters).limit(EXPORT_LIMIT)).all())
    header = [
        _("Time"),
        _("Full name"),
        _("E-mail address"),
        _("Action"),
        _("Action code"),
        _("Record type"),
        _("Record number"),
        _("Changes"),
        _("IP address"),
    ]
    lines = [
        [
            row.at_text,
            row.actor_name,
            row.actor_email,
            row.action_label,
            row.action,
            row.object_type,
            row.object_id or "",
            row.changes_text,
            row.ip_address,
        ]
        for row in rows
    ]
    return spreadsheets.csv_text([header, *lines]), len(rows)
