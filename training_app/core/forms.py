"""What every view does with a service's refusal."""

from flask import flash

from ..extensions import db
from .errors import DomainError


def show_refusal(form, error: DomainError) -> None:
    """Roll back, then show the refusal next to its field, or as a flash when it has none."""
    db.session.rollback()
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")
