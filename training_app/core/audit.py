"""The audit trail: one call per action, written in the caller's transaction."""

from flask import has_request_context, request
from flask_login import current_user

from ..extensions import db
from .models import AuditEntry


def _current_actor_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def record(action: str, obj=None, changes: dict | None = None, actor=None) -> AuditEntry:
    """Add an audit entry for `action` on `obj`; `changes` must never hold a raw ID number."""
    if hasattr(obj, "_get_current_object"):  # current_user: record the user, not the proxy
        obj = obj._get_current_object()
    entry = AuditEntry(
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        changes=changes or None,
        actor_user_id=actor.id if actor is not None else _current_actor_id(),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def diff(obj, values: dict, masked: dict | None = None) -> dict:
    """{field: [old, new]} for the fields of `values` that differ on `obj`; `masked` replaces
    sensitive values by their masked forms in the record."""
    masked = masked or {}
    changes = {}
    for field, new in values.items():
        old = getattr(obj, field, None)
        if old != new:
            changes[field] = masked.get(field, [_plain(old), _plain(new)])
    return changes


def _plain(value):
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
