"""The registry of mail kinds: what each mail is, when it goes, and the {placeholders} its text
may use.

A placeholder maps a Turkish name the office types ({egitim}) to a value computed from the
context the service hands to `queue_mail` (course_title). Parts of a shipped mail that loop or
branch (the list of schedule changes, the waiting-list sentence that depends on the quota) are
one placeholder each, written by the system from a partial of templates/emails/, so the office
places them but never has to write a condition.

Registering a new kind is one call in kinds.py (a test fails until every mail is registered):

    register(MailKind("document_expiry", _l("..."), _l("..."), (AD_SOYAD, EGITIM, ...)))
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from flask import render_template
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Placeholder:
    """`{name}` in an office text, filled with `value(context)` as plain text."""

    name: str
    label: object
    value: Callable[[Mapping], object]
    #: Written by the system from the shipped wording (a list, a sentence chosen by a condition).
    system: bool = False

    def labelled(self, label) -> "Placeholder":
        """The same placeholder described differently for one kind (whose name {ad_soyad} is)."""
        return replace(self, label=label)

    @property
    def token(self) -> str:
        return "{" + self.name + "}"


@dataclass(frozen=True)
class MailKind:
    """One mail the system sends: templates/emails/<key>.subject.txt and <key>.txt."""

    key: str
    label: object
    #: When the mail is sent, for the office.
    description: object
    placeholders: tuple[Placeholder, ...]
    #: Placeholders a saved body must contain: the link or code the mail exists for.
    required: tuple[str, ...] = ()
    #: Context values for previews and for showing the shipped text, beside SAMPLE_CONTEXT.
    sample: Mapping = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.placeholders]

    def values(self, context: Mapping) -> dict[str, str]:
        """{placeholder name: plain text} for one mail's context."""
        values = {}
        for placeholder in self.placeholders:
            value = placeholder.value(context)
            values[placeholder.name] = "" if value is None else str(value).strip()
        return values

    def sample_context(self, base: Mapping) -> dict:
        return {**SAMPLE_CONTEXT, **base, **self.sample}


_KINDS: dict[str, MailKind] = {}


def register(kind: MailKind) -> MailKind:
    """Add a kind to the registry (the office can then edit its text)."""
    if kind.key in _KINDS:
        raise ValueError(f"Mail kind {kind.key!r} is registered twice")
    unknown = set(kind.required) - set(kind.names)
    if unknown:
        raise ValueError(f"Mail kind {kind.key!r} requires unknown placeholders {unknown}")
    _KINDS[kind.key] = kind
    return kind


def _load_shipped_kinds() -> None:
    from . import kinds  # noqa: F401 (registers them on first import)


def get_kind(key: str) -> MailKind | None:
    _load_shipped_kinds()
    return _KINDS.get(key)


def all_kinds() -> list[MailKind]:
    _load_shipped_kinds()
    return list(_KINDS.values())


# What a mail's context holds, as placeholders; kinds.py picks those each mail may use.


def context_value(key: str) -> Callable[[Mapping], object]:
    return lambda context: context.get(key)


def link(path: str) -> Callable[[Mapping], str]:
    """A link of the app: `path` filled from the context, e.g. "/my/trainings"."""
    return lambda context: context["base_url"] + path.format_map(context)


def partial(template: str) -> Callable[[Mapping], str]:
    """The text a shipped partial (templates/emails/_*.txt) renders for this mail."""
    return lambda context: render_template(f"emails/{template}", **context)


AD_SOYAD = Placeholder("ad_soyad", _l("The recipient's name"), context_value("person_name"))
EGITIM = Placeholder("egitim", _l("The training's title"), context_value("course_title"))
TARIH = Placeholder("tarih", _l("The dates of the session"), context_value("dates"))
YER = Placeholder("yer", _l("The place of the session"), context_value("place"))
BIRLIK = Placeholder("birlik", _l("The union's name"), context_value("union_name"))
GEREKCE = Placeholder("gerekce", _l("The reason given"), context_value("reason"))
OTURUM_BAGLANTISI = Placeholder(
    "baglanti", _l("Link to the session's page"), link("/catalogue/sessions/{session_id}")
)
EGITIMLERIM_BAGLANTISI = Placeholder(
    "baglanti", _l("Link to the person's trainings"), link("/my/trainings")
)

#: Sample values for previews; distinct enough that the shipped text can show them as tokens.
SAMPLE_CONTEXT = {
    "person_name": "Ayşe Yılmaz",
    "course_title": "Temel İlk Yardım Eğitimi",
    "dates": "12–16.05.2027",
    "place": "Birlik Eğitim Salonu, Konya",
    "session_id": 42,
    "reason": "Eğitmenin rahatsızlığı nedeniyle",
}
