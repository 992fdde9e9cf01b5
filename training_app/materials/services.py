"""Who may see, add and remove a session's materials; storing and removing their files."""

import os
import secrets
import unicodedata
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..accounts.models import Role, User
from ..catalog.models import Session
from ..core import audit
from ..core.errors import DomainError, NotAllowed
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db
from . import content, storage
from .models import Material, MaterialKind

#: Registrations whose person has a seat (or had one): they see the session's materials.
SEEING_STATES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.COMPLETED,
    RegistrationStatus.NO_SHOW,
)


class MaterialRefused(DomainError):
    """An upload or link that cannot be added; the message says why."""


def is_trainer_of(user: User, session: Session) -> bool:
    person = user.person
    return (
        person is not None
        and user.has_role(Role.TRAINER)
        and any(t.id == person.id for t in session.trainers)
    )


def can_manage(user: User, session: Session) -> bool:
    """The office and the session's trainers add materials."""
    if not user.is_authenticated:
        return False
    return user.has_role(Role.ADMIN) or is_trainer_of(user, session)


def can_see(user: User, session: Session) -> bool:
    """Those who manage them, confirmed participants (also after the session), and the
    coordinators of a municipality that has a confirmed participant in it."""
    if not user.is_authenticated:
        return False
    if can_manage(user, session):
        return True
    person_id = user.person.id if user.person is not None else None
    coordinated = user.coordinated_municipality_ids if user.has_role(Role.COORDINATOR) else set()
    if person_id is None and not coordinated:
        return False
    query = select(Registration.id).where(
        Registration.session_id == session.id, Registration.status.in_(SEEING_STATES)
    )
    who = []
    if person_id is not None:
        who.append(Registration.person_id == person_id)
    if coordinated:
        who.append(Registration.municipality_id.in_(coordinated))
    return db.session.scalar(query.where(or_(*who)).limit(1)) is not None


def can_delete(user: User, material: Material) -> bool:
    """The office, or whoever added it while still managing the session."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return material.uploaded_by_id == user.id and can_manage(user, material.session)


def session_materials(session: Session) -> list[Material]:
    return list(
        db.session.scalars(
            select(Material)
            .where(Material.session_id == session.id)
            .order_by(Material.created_at, Material.id)
        )
    )


def materials_by_session(person_id: int) -> dict[int, list[Material]]:
    """Materials of every session where the person has (or had) a seat, in one query."""
    rows = db.session.scalars(
        select(Material)
        .join(Registration, Registration.session_id == Material.session_id)
        .where(Registration.person_id == person_id, Registration.status.in_(SEEING_STATES))
        .order_by(Material.created_at, Material.id)
    )
    result: dict[int, list[Material]] = {}
    for material in rows:
        result.setdefault(material.session_id, []).append(material)
    return result


def materials_dir() -> Path:
    return Path(current_app.config["MATERIALS_DIR"])


def file_path(material: Material) -> Path:
    return materials_dir() / material.storage_name


def max_bytes() -> int:
    return int(current_app.config["MATERIAL_MAX_BYTES"])


def _download_name(filename: str, extension: str) -> str:
    """The uploaded name without folders or control characters, ending in the real extension."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{(stem or 'materyal')[:150]}.{extension}"


def add_file(session: Session, data: bytes, filename: str, title: str | None, by: User) -> Material:
    """Store an uploaded file after checking its size and, by its content, its type."""
    if not can_manage(by, session):
        raise NotAllowed(_("Only the office and the session's trainers can add materials."))
    if not data:
        raise MaterialRefused(_("The file is empty."), "file")
    limit = max_bytes()
    if len(data) > limit:
        raise MaterialRefused(
            _(
                "The file is larger than %(mb)s MB: make it smaller or share it as a link.",
                mb=limit // (1024 * 1024),
            ),
            "file",
        )
    file_type = content.identify(data, filename)
    if file_type is None:
        raise MaterialRefused(
            _(
                "This file's content is not a PDF, an image, a Word, PowerPoint or Excel file or "
                "an OpenDocument file, whatever its name says: it cannot be added."
            ),
            "file",
        )
    download_name = _download_name(filename, file_type.extension)
    storage_name = f"{secrets.token_hex(16)}.{file_type.extension}"
    folder = materials_dir()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{storage_name}.part"
    partial.write_bytes(data)
    os.replace(partial, folder / storage_name)
    storage.note_written(db.session(), folder / storage_name)
    material = Material(
        session=session,
        kind=MaterialKind.FILE,
        title=(title or "").strip()[:200] or download_name[:200],
        filename=download_name,
        content_type=file_type.content_type,
        size=len(data),
        storage_name=storage_name,
        uploaded_by_id=by.id,
    )
    db.session.add(material)
    db.session.flush()
    audit.record(
        "material.add",
        material,
        {"session_id": session.id, "filename": download_name, "size": len(data)},
        actor=by,
    )
    return material


def add_link(session: Session, url: str, title: str, by: User) -> Material:
    """A link (a video, a law's text, a shared folder) given to the session's people."""
    if not can_manage(by, session):
        raise NotAllowed(_("Only the office and the session's trainers can add materials."))
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")) or any(ch.isspace() for ch in url):
        raise MaterialRefused(_("The address must start with https:// or http://."), "url")
    material = Material(
        session=session,
        kind=MaterialKind.LINK,
        title=title.strip()[:200],
        url=url[:500],
        uploaded_by_id=by.id,
    )
    db.session.add(material)
    db.session.flush()
    audit.record("material.add", material, {"session_id": session.id, "url": url}, actor=by)
    return material


def record_download(material: Material, by: User) -> None:
    """Who opened which material, for the office."""
    audit.record("material.download", material, {"session_id": material.session_id}, actor=by)


def delete(material: Material, by: User) -> None:
    """Remove a material; its file is removed from disk after the commit."""
    if not can_delete(by, material):
        raise NotAllowed(_("Only the office or whoever added it can remove this material."))
    audit.record(
        "material.delete",
        material,
        {"session_id": material.session_id, "title": material.title},
        actor=by,
    )
    # Its file goes once the deletion is committed (materials.storage).
    db.session.delete(material)
    db.session.flush()
