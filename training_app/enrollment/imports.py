"""Bulk registration from a CSV file: a preview that reports every bad row, then one transaction.

Accepts what Excel in Turkish saves: UTF-8 with or without BOM (or Windows-1254), comma or
semicolon separated, headers in Turkish or English in any order; the file is read by
core.uploads, which refuses what is not such a text.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..accounts.models import Person, Position, User
from ..accounts.services import find_person_by_tckn, invite_person, tidy_name
from ..catalog.models import Session
from ..core import audit
from ..core.errors import DomainError
from ..core.tckn import is_valid_tckn, mask_tckn
from ..core.turkish import search_key
from ..core.uploads import MAX_CELL, UploadProblem, csv_rows, overlong_cell
from ..extensions import db
from ..municipalities.models import Municipality
from .models import RegistrationStatus
from .services import eligibility_problem, enroll, registration_of

#: An uploaded roster waiting for its preview to be confirmed is kept this long.
KEEP_UNCONFIRMED_IMPORT = timedelta(days=1)

MAX_ROWS = 2000

#: Header spellings (as search keys) -> field.
HEADERS = {
    "tc kimlik no": "tckn",
    "t.c. kimlik no": "tckn",
    "tckn": "tckn",
    "tc no": "tckn",
    "kimlik no": "tckn",
    "tc": "tckn",
    "id number": "tckn",
    "ad": "first_name",
    "adi": "first_name",
    "first name": "first_name",
    "isim": "first_name",
    "soyad": "last_name",
    "soyadi": "last_name",
    "last name": "last_name",
    "belediye": "municipality",
    "municipality": "municipality",
    "kurum": "municipality",
    "gorev": "position",
    "gorevi": "position",
    "position": "position",
    "unvan": "title",
    "e-posta": "email",
    "eposta": "email",
    "e-posta adresi": "email",
    "email": "email",
    "telefon": "phone",
    "phone": "phone",
}

POSITION_WORDS = {
    "belediye baskani": Position.MAYOR,
    "baskan": Position.MAYOR,
    "mayor": Position.MAYOR,
    "baskan yardimcisi": Position.DEPUTY_MAYOR,
    "deputy mayor": Position.DEPUTY_MAYOR,
    "meclis uyesi": Position.COUNCIL_MEMBER,
    "council member": Position.COUNCIL_MEMBER,
    "encumen uyesi": Position.COMMITTEE_MEMBER,
    "birim amiri": Position.UNIT_HEAD,
    "mudur": Position.UNIT_HEAD,
    "personel": Position.STAFF,
    "staff": Position.STAFF,
}


@dataclass
class ImportRow:
    line: int
    first_name: str = ""
    last_name: str = ""
    tckn: str = ""
    municipality_name: str = ""
    position_text: str = ""
    email: str = ""
    municipality: Municipality | None = None
    position: Position | None = None
    person: Person | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def masked_tckn(self) -> str:
        return mask_tckn(self.tckn) if is_valid_tckn(self.tckn) else _("(invalid)")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    file_problem: str | None = None

    @property
    def good(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]


def parse(text: str, session: Session) -> ImportPreview:
    """Check every row without writing anything."""
    reader = csv_rows(text)
    rows: list[ImportRow] = []
    try:
        header = next(reader)
    except StopIteration:
        return ImportPreview([], _("The file is empty."))
    except UploadProblem as problem:
        return ImportPreview([], problem.message)
    try:
        return _parse_rows(header, reader, session, rows)
    except UploadProblem as problem:
        return ImportPreview(rows, problem.message)


def _parse_rows(header, reader, session: Session, rows: list) -> ImportPreview:
    if overlong_cell(header):
        return ImportPreview(
            [],
            _(
                "The first row holds a cell longer than %(n)d characters; it must name the "
                "columns: T.C. Kimlik No, Ad, Soyad, Belediye.",
                n=MAX_CELL,
            ),
        )
    columns = [HEADERS.get(search_key(h).strip()) for h in header]
    needed = {"tckn", "first_name", "last_name", "municipality"}
    if not needed <= set(columns):
        return ImportPreview(
            [],
            _(
                "The first row must name the columns; these are required: "
                "T.C. Kimlik No, Ad, Soyad, Belediye."
            ),
        )
    municipalities = {m.search_key: m for m in db.session.scalars(select(Municipality))}
    seen: dict[str, int] = {}
    for line_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            return ImportPreview(rows, _("A file may hold at most %(n)d rows.", n=MAX_ROWS))
        too_long = overlong_cell(values)
        data = {
            col: (values[i].strip()[:MAX_CELL] if i < len(values) else "")
            for i, col in enumerate(columns)
            if col
        }
        row = ImportRow(
            line=line_number,
            first_name=tidy_name(data.get("first_name", "")),
            last_name=tidy_name(data.get("last_name", "")),
            tckn=data.get("tckn", ""),
            municipality_name=data.get("municipality", ""),
            position_text=data.get("position", ""),
            email=data.get("email", ""),
        )
        if too_long:
            row.problems.append(
                _("A cell is longer than %(n)d characters: check this row.", n=MAX_CELL)
            )
        else:
            _check_row(row, session, municipalities, seen)
        rows.append(row)
    return ImportPreview(rows)


def _find_municipality(name: str, municipalities: dict) -> Municipality | None:
    key = search_key(name)
    for suffix in (" belediyesi", " belediye"):
        key = key.removesuffix(suffix)
    return municipalities.get(key) or municipalities.get(key.replace(" buyuksehir", " buyuksehir"))


def _check_row(row: ImportRow, session: Session, municipalities: dict, seen: dict) -> None:
    if not row.first_name or not row.last_name:
        row.problems.append(_("First and last name are required."))
    if not is_valid_tckn(row.tckn):
        row.problems.append(_("Invalid T.C. identity number."))
    elif row.tckn in seen:
        row.problems.append(_("Duplicate of row %(line)d.", line=seen[row.tckn]))
    else:
        seen[row.tckn] = row.line
    if row.email:
        try:
            row.email = validate_email(row.email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            row.problems.append(_("Invalid e-mail address: “%(email)s”.", email=row.email))
    row.municipality = _find_municipality(row.municipality_name, municipalities)
    if row.municipality is None or not row.municipality.is_member:
        row.problems.append(_("Unknown municipality: “%(name)s”.", name=row.municipality_name))
    if row.position_text:
        row.position = POSITION_WORDS.get(search_key(row.position_text))
        if row.position is None:
            row.problems.append(_("Unknown position: “%(text)s”.", text=row.position_text))
    if row.problems:
        return
    row.person = find_person_by_tckn(row.tckn)
    if row.person is not None:
        existing = registration_of(row.person, session)
        if existing is not None and existing.status not in (
            RegistrationStatus.REFUSED,
            RegistrationStatus.CANCELLED,
        ):
            row.problems.append(_("Already registered for this session."))
            return
        candidate = row.person
    else:
        candidate = Person(
            first_name=row.first_name,
            last_name=row.last_name,
            municipality=row.municipality,
            position=row.position,
        )
    problem = eligibility_problem(candidate, session, check_window=False)
    if row.person is None and candidate in db.session:
        db.session.expunge(candidate)
    if problem:
        row.problems.append(problem)


def import_rows(text: str, session: Session, by: User) -> tuple[int, ImportPreview]:
    """Register every good row of a previewed file, in the caller's single transaction.

    The file is checked again (the data may have changed since the preview); rows with errors
    are left out, as the preview said they would be.
    """
    preview = parse(text, session)
    if preview.file_problem or not preview.good:
        raise DomainError(_("The file has no row that can be imported."))
    for row in preview.good:
        person = row.person
        if person is None:
            person = Person(
                first_name=row.first_name,
                last_name=row.last_name,
                municipality=row.municipality,
                position=row.position,
            )
            person.set_tckn(row.tckn)
            db.session.add(person)
            db.session.flush()
            if row.email:
                invite_person(person, row.email, by)
        enroll(person, session, by, nominated=True, check_window=False)
    audit.record(
        "registration.import",
        session,
        {"imported": len(preview.good), "skipped": len(preview.bad)},
        actor=by,
    )
    return len(preview.good), preview


def store_upload(session: Session, by: User, filename: str, text: str):
    """Keep an uploaded file (encrypted) until the administrator confirms the preview; previews
    left unconfirmed for a day go (they hold ID numbers)."""
    from ..core.tckn import vault
    from ..core.timeutil import utcnow
    from .models import PendingImport

    db.session.execute(
        delete(PendingImport).where(PendingImport.created_at < utcnow() - KEEP_UNCONFIRMED_IMPORT)
    )
    pending = PendingImport(
        session_id=session.id,
        created_by_id=by.id,
        filename=filename[:200],
        content_encrypted=vault().encrypt(text),
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def load_upload(pending) -> str:
    from ..core.tckn import vault

    return vault().decrypt(pending.content_encrypted)
