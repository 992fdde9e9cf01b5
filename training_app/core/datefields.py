"""Date, time and date-time fields typed in Turkish order (gg.aa.yyyy, 24-hour ss:dd).

A native <input type="date"> shows the browser's locale order (mm/dd/yyyy in an English browser),
so these fields are text inputs that read and show Turkish order whatever the browser. They also
accept ISO (yyyy-mm-dd, yyyy-mm-ddThh:mm) for scripts and tests, any of . / - or a space between
the parts, and the digits alone (29112026, 0930), because a phone's numeric keypad may have no dot
or colon. A value that is not a date comes back as typed, with a Turkish message.
"""

import re
from datetime import date, datetime, time

import wtforms
from flask_babel import lazy_gettext as _l
from wtforms.widgets import TextInput

DATE_DISPLAY = "%d.%m.%Y"
TIME_DISPLAY = "%H:%M"

_SEP = r"[./ -]"
_DAY_FIRST = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{4}})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DIGITS = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_TIME = re.compile(r"([0-9]{1,2})[:.]?([0-9]{2})")
_DATE_TIME_SPLIT = re.compile(r"\s*(?:T|\s)\s*")

#: The browser's check before sending (the server checks again): the same shapes as above.
DATE_PATTERN = (
    r"[0-9]{1,2}[.\/ \-][0-9]{1,2}[.\/ \-][0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{8}"
)
TIME_PATTERN = r"[0-9]{1,2}[:.]?[0-9]{2}"
DATE_TIME_PATTERN = rf"({DATE_PATTERN})(T| +)({TIME_PATTERN})"


def parse_date(text: str) -> date:
    """The date typed as gg.aa.yyyy (or d.m.yyyy, ISO, 8 digits); ValueError otherwise."""
    text = text.strip()
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(text) or _DIGITS.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise ValueError(text)
    return date(int(year), int(month), int(day))


def parse_time(text: str) -> time:
    """The time typed as ss:dd, 24-hour (or 9:30, 09.30, 0930); ValueError otherwise."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    return time(int(match.group(1)), int(match.group(2)))


def parse_date_time(text: str) -> datetime:
    """A date and a time, separated by a space or ISO's T; ValueError otherwise."""
    parts = _DATE_TIME_SPLIT.split(text.strip(), maxsplit=1)
    if len(parts) != 2:
        raise ValueError(text)
    return datetime.combine(parse_date(parts[0]), parse_time(parts[1]))


class _TypedField(wtforms.Field):
    """A text input whose value is parsed by `parse` and shown back with `display`."""

    widget = TextInput()
    parse = staticmethod(parse_date)
    display = DATE_DISPLAY
    message = _l("Enter a valid date as gg.aa.yyyy, e.g. 29.11.2026.")
    input_attributes: dict = {}

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {**self.input_attributes, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)  # as typed, also when it was refused
        return self.data.strftime(self.display) if self.data else ""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError as error:
            self.data = None
            raise ValueError(self.message) from error


class TurkishDateField(_TypedField):
    """A day, shown and typed as gg.aa.yyyy (29.11.2026)."""

    input_attributes = {
        "placeholder": "gg.aa.yyyy",
        "inputmode": "numeric",
        "autocomplete": "off",
        "pattern": DATE_PATTERN,
        "maxlength": 10,
    }


class TurkishTimeField(_TypedField):
    """A time of day, 24-hour, shown and typed as ss:dd (09:30)."""

    parse = staticmethod(parse_time)
    display = TIME_DISPLAY
    message = _l("Enter a valid time as ss:dd, e.g. 09:30.")
    input_attributes = {
        "placeholder": "ss:dd",
        "inputmode": "numeric",
        "autocomplete": "off",
        "pattern": TIME_PATTERN,
        "maxlength": 5,
    }


class TurkishDateTimeField(_TypedField):
    """A date and time, shown and typed as gg.aa.yyyy ss:dd (29.11.2026 09:30)."""

    parse = staticmethod(parse_date_time)
    display = f"{DATE_DISPLAY} {TIME_DISPLAY}"
    message = _l("Enter a valid date and time as gg.aa.yyyy ss:dd, e.g. 29.11.2026 09:30.")
    input_attributes = {
        "placeholder": "gg.aa.yyyy ss:dd",
        "autocomplete": "off",
        "pattern": DATE_TIME_PATTERN,
        "maxlength": 16,
    }
