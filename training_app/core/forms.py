"""What every view does with a service's refusal."""

import wtforms
from flask import flash
from flask_babel import gettext as _

from ..extensions import db
from .args import MAX_ID, read_int
from .errors import DomainError


def show_refusal(form, error: DomainError) -> None:
    """Roll back, then show the refusal next to its field, or as a flash when it has none."""
    db.session.rollback()
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")


def db_int(value) -> int:
    """`coerce` of a choice holding an id: a number the database can hold, else ValueError
    (the field then says the choice is not valid, instead of an overflow in the query)."""
    number = read_int(str(value), None, 0, MAX_ID)
    if number is None:
        raise ValueError(value)
    return number


def db_int_or_none(value) -> int | None:
    """`db_int`, with "no choice" as None."""
    if value in (None, "", "None"):
        return None
    return db_int(value)


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField refusing what the database cannot store (INTEGER columns)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not -MAX_ID - 1 <= self.data <= MAX_ID:
            self.data = None
            raise ValueError(_("This number is out of the range that can be saved."))
