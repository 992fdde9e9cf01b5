"""Material files on disk follow the database: removed only once a deletion is committed, and an
upload whose transaction rolls back leaves no file behind.

A deleted Material, or a deleted Session (whose materials the database removes by ON DELETE
CASCADE, out of the ORM's sight), queues its files in the SQLAlchemy session; after the commit
they are unlinked. A file that cannot be removed is logged and left: the page never fails for it.
"""

import logging
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session as OrmSession

from ..catalog.models import Session
from .models import Material

log = logging.getLogger(__name__)

_TO_REMOVE = "materials_to_remove"
_WRITTEN = "materials_written"


def _path(storage_name: str) -> Path:
    return Path(current_app.config["MATERIALS_DIR"]) / storage_name


def note_written(db_session: OrmSession, path: Path) -> None:
    """A file just stored for a material not yet committed: removed again on rollback."""
    db_session.info.setdefault(_WRITTEN, set()).add(path)


def _unlink(paths, why: str) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("Material file %s not removed (%s): %s", path.name, why, error)


@event.listens_for(OrmSession, "before_flush")
def _queue_deleted_files(db_session, _flush_context, _instances):
    names = {m.storage_name for m in db_session.deleted if isinstance(m, Material)}
    session_ids = [s.id for s in db_session.deleted if isinstance(s, Session)]
    if session_ids:
        with db_session.no_autoflush:
            names.update(
                db_session.scalars(
                    select(Material.storage_name).where(Material.session_id.in_(session_ids))
                )
            )
    names.discard(None)
    if names:
        db_session.info.setdefault(_TO_REMOVE, set()).update(_path(n) for n in names)


@event.listens_for(OrmSession, "after_commit")
def _remove_after_commit(db_session):
    db_session.info.pop(_WRITTEN, None)
    _unlink(db_session.info.pop(_TO_REMOVE, ()), "after the deletion")


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(db_session):
    db_session.info.pop(_TO_REMOVE, None)
    _unlink(db_session.info.pop(_WRITTEN, ()), "upload rolled back")
