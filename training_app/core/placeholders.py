"""Texts the office writes (document texts, mail subjects and bodies) with {placeholders}.

Such texts are never templates: a placeholder is a name in braces, replaced by a plain value, and
nothing else in the text is interpreted. `{ad_soyad}` becomes the person's name; `{{ x.__class__ }}`
or `{egitim.title}` is no placeholder the text may use, so saving it is refused with the names
shown. Being plain substitution, no attribute access, call or filter can ever run.
"""

import re
from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from .errors import DomainError

#: One pair of braces and what is between them (no nested braces).
_BRACED = re.compile(r"\{([^{}]*)\}")


class PlaceholderError(DomainError):
    """A text uses placeholders it may not use, or has a brace that opens nothing."""


def placeholders_in(text: str) -> list[str]:
    """The names in braces, in order of first appearance (as written, stripped of spaces)."""
    seen: dict[str, None] = {}
    for match in _BRACED.finditer(text or ""):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)


def unknown_placeholders(text: str, allowed: Iterable[str]) -> list[str]:
    """Names in braces that are not in `allowed`, in order of appearance."""
    allowed = set(allowed)
    return [name for name in placeholders_in(text) if name not in allowed]


def check_text(text: str, allowed: Iterable[str], field: str | None = None) -> None:
    """Refuse a text with unknown placeholders or stray braces, naming them for the user."""
    allowed = sorted(set(allowed))
    unknown = unknown_placeholders(text, allowed)
    if unknown:
        raise PlaceholderError(
            _(
                "Unknown placeholder(s): %(unknown)s. You may use: %(allowed)s.",
                unknown=", ".join("{" + name + "}" for name in unknown),
                allowed=", ".join("{" + name + "}" for name in allowed) or "-",
            ),
            field=field,
        )
    leftover = _BRACED.sub("", text or "")
    if "{" in leftover or "}" in leftover:
        raise PlaceholderError(
            _("A brace is not closed: write placeholders as {name}, e.g. {ad_soyad}."),
            field=field,
        )


def fill(text: str, values: Mapping[str, object]) -> str:
    """Replace each known {name} with its value as plain text; unknown ones stay as written."""

    def replace(match: re.Match) -> str:
        name = match.group(1).strip()
        if name in values:
            value = values[name]
            return "" if value is None else str(value)
        return match.group(0)

    return _BRACED.sub(replace, text or "")
