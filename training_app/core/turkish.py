"""Turkish text: casing, alphabetical order, search keys and official formats.

Python's str.upper()/lower() get Turkish wrong ('i'.upper() is 'I', not 'İ'), and sorted() puts
Ç, İ, Ö, Ş, Ü after Z. Sort and search keys are stored in indexed columns so that SQLite and
PostgreSQL give the same answers without depending on a database collation.
"""

import unicodedata
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

_UPPER_MAP = str.maketrans({"i": "İ", "ı": "I"})
_LOWER_MAP = str.maketrans({"İ": "i", "I": "ı"})

#: The Turkish alphabet, with q, w, x where Turkish keyboards put them, for foreign names.
ALPHABET = "abcçdefgğhıijklmnoöpqrsştuüvwxyz"
_FOLD_FOR_SORT = str.maketrans({"â": "a", "î": "i", "û": "u", "ê": "e", "ô": "o"})
_ASCII_FOLD = str.maketrans(
    {"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u", "â": "a", "î": "i", "û": "u"}
)

# Two decimal digits per character: digit-only keys order the same under every collation.
_RANK: dict[str, str] = {" ": "01"}
_RANK.update({str(n): f"{n + 2:02d}" for n in range(10)})
_RANK.update({ch: f"{i + 12:02d}" for i, ch in enumerate(ALPHABET)})
_UNKNOWN_RANK = "99"


def tr_upper(text: str | None) -> str:
    """Uppercase the Turkish way: 'istanbul' -> 'İSTANBUL', 'ılgın' -> 'ILGIN'."""
    if not text:
        return ""
    return text.translate(_UPPER_MAP).upper()


def tr_lower(text: str | None) -> str:
    """Lowercase the Turkish way: 'ILGIN' -> 'ılgın', 'İ' -> 'i' (one character)."""
    if not text:
        return ""
    return text.translate(_LOWER_MAP).lower()


def tr_title(text: str | None) -> str:
    """Capitalise each word the Turkish way: 'ılgın ilçesi' -> 'Ilgın İlçesi'."""
    words = tr_lower(text).split(" ")
    return " ".join(tr_upper(w[:1]) + w[1:] for w in words)


def _normalise(text: str) -> str:
    # NFC first so that a decomposed 'ş' (s + cedilla) is one character.
    return " ".join(unicodedata.normalize("NFC", text).split())


def tr_sort_key(*parts: str | None) -> str:
    """A key that sorts in Turkish alphabetical order: a b c ç d ... ı i ... ö ... ş ... ü ... z.

    Several parts (last name, first name) are joined by a separator that sorts before any letter.
    """
    out = []
    for index, part in enumerate(parts):
        if index:
            out.append("00")
        text = tr_lower(_normalise(part or "")).translate(_FOLD_FOR_SORT)
        out.extend(_RANK.get(ch, _UNKNOWN_RANK) for ch in text)
    return "".join(out)


def search_key(*parts: str | None) -> str:
    """Turkish lowercase folded to ASCII: 'cumra' finds 'Çumra', 'ılgın' finds 'ILGIN'."""
    text = " ".join(_normalise(p) for p in parts if p)
    text = tr_lower(text).translate(_ASCII_FOLD)
    # Drop any remaining combining marks (é -> e).
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tr_sorted(items, key=lambda item: item):
    """Sort items in Turkish alphabetical order of key(item)."""
    return sorted(items, key=lambda item: tr_sort_key(key(item)))


def _locale() -> str:
    try:
        from flask_babel import get_locale

        loc = get_locale()
        return str(loc) if loc else "tr"
    except (RuntimeError, ImportError):  # outside a request
        return "tr"


def format_date_short(value: date | datetime | None) -> str:
    """Official short date: 29.11.2026 (the same in English, as printed on documents)."""
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y")


def format_date_long(value: date | datetime | None, locale: str | None = None) -> str:
    """Long date in the page's language: '29 Kasım 2026' / '29 November 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _babel_date(value, format="d MMMM y", locale=locale or _locale())


def format_datetime_short(value: datetime | None) -> str:
    """29.11.2026 14:05"""
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y %H:%M")


def format_datetime_long(value: datetime | None, locale: str | None = None) -> str:
    if value is None:
        return ""
    return _babel_datetime(value, format="d MMMM y HH:mm", locale=locale or _locale())


def format_number(value: float | int | Decimal | None, digits: int = 0) -> str:
    """Turkish number: 1.234,50 (digits fixes the decimals)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return _babel_decimal(value, format=pattern, locale=_locale())


def format_percent(value: float | Decimal | None, digits: int = 0) -> str:
    """Turkish percent with the sign first: %80 (value is a fraction, 0.8)."""
    if value is None:
        return ""
    pattern = "%#,##0" if _locale() == "tr" else "#,##0%"
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits)
    return _babel_percent(value, format=pattern, locale=_locale())


def format_local_datetime(value: datetime | None) -> str:
    """A stored instant (naive UTC) as Istanbul time: 29.11.2026 17:05."""
    from .timeutil import to_local

    return format_datetime_short(to_local(value))


def format_local_date(value: datetime | None) -> str:
    """The Istanbul day of a stored instant (naive UTC): 29.11.2026."""
    from .timeutil import to_local

    return format_date_short(to_local(value))


JINJA_FILTERS = {
    "tr_upper": tr_upper,
    "tr_lower": tr_lower,
    "date_short": format_date_short,
    "date_long": format_date_long,
    "datetime_short": format_datetime_short,
    "datetime_long": format_datetime_long,
    "local_datetime": format_local_datetime,
    "local_date": format_local_date,
    "number": format_number,
    "percent": format_percent,
}
