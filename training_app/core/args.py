"""One way to read numbers from the address and one filter for NUL characters: hostile values
(numbers beyond the database's range, NUL characters, bytes that are not UTF-8) end in a default,
a 404 or a 400 with a message, never a 500."""

from flask import abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter, ValidationError

#: The largest id the database holds (INTEGER columns: signed 32 bits on PostgreSQL).
MAX_ID = 2**31 - 1

#: The furthest page of a list one may ask for (the database still offsets it cheaply).
MAX_PAGE = 10_000

#: Digits accepted for a number: more than MAX_ID has cannot be in range anyway.
_MAX_DIGITS = 10


class BoundedIntConverter(BaseConverter):
    """Flask's `int` converter limited to what the database can hold: ASCII digits only (`\\d`
    would take Arabic-Indic digits), from `min` (0) to `max` (MAX_ID); anything else does not
    match, so the address is not found (404) instead of an overflow in the query (500)."""

    regex = rf"[0-9]{{1,{_MAX_DIGITS}}}"
    weight = 50

    def __init__(self, map, min: int = 0, max: int = MAX_ID) -> None:
        super().__init__(map)
        self.min = min
        self.max = max

    def to_python(self, value: str) -> int:
        number = int(value)
        if not self.min <= number <= self.max:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class BadArgument(BadRequest):
    """A 400 whose page says what was wrong with what was sent."""

    def __init__(self, message) -> None:
        super().__init__()
        self.message = message


def int_arg(name: str, default=None, *, min: int = 0, max: int = MAX_ID, clamp: bool = False):
    """The query argument `name` as an int within [min, max].

    Missing, empty or not a plain number (ASCII digits, an optional minus sign): `default`. A
    number out of range: clamped into the range when `clamp` (a page number past the end asks for
    the last possible page), else `default`.
    """
    return read_int(request.args.get(name, ""), default, min, max, clamp)


def page_arg() -> int:
    """The ?page= number of a list: 1 when missing or unreadable, kept within 1..MAX_PAGE."""
    return int_arg("page", 1, min=1, max=MAX_PAGE, clamp=True)


def read_int(raw: str | None, default, low: int, high: int, clamp: bool = False):
    """`raw` read as `int_arg` reads a query argument."""
    text = (raw or "").strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        return default
    if len(digits) > 18:  # beyond any range asked for; not worth parsing 5,000 digits
        return (low if text.startswith("-") else high) if clamp else default
    number = int(text)
    if low <= number <= high:
        return number
    if clamp:
        return low if number < low else high
    return default


#: Shown when a NUL character comes in a form or a file name.
NUL_MESSAGE = _l(
    "What you sent contains an invisible NUL character, which cannot be saved. Go back, "
    "remove it (retype the text instead of pasting it) and send again."
)


def refuse_nul_characters() -> None:
    """Before every request, one place for NUL characters (PostgreSQL cannot store one in text,
    and no legitimate input holds one): an address holding one names nothing (404); the query's
    are dropped, as a search or filter forgives odd input; a form field or an uploaded file's
    name holding one is refused with a message saying what to correct (400)."""
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        request.args = request.parameter_storage_class(
            [
                (k.replace("\x00", ""), v.replace("\x00", ""))
                for k, v in request.args.items(multi=True)
            ]
        )
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    for key, value in request.form.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise BadArgument(NUL_MESSAGE)
    for key, upload in request.files.items(multi=True):
        if "\x00" in key or "\x00" in (upload.filename or ""):
            raise BadArgument(NUL_MESSAGE)
