"""The Turkish catalogue is complete and compiled: every message in the code has a translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "training_app" / "translations" / "tr" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [
    ("training_app/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]


def _source_messages() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords=KEYWORDS,
        options_map={
            "templates/**.html": {"extensions": "jinja2.ext.do"},
            "templates/**.txt": {"extensions": "jinja2.ext.do"},
        },
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue():
    with open(TRANSLATIONS / "messages.po", "rb") as handle:
        return read_po(handle, locale="tr")


def test_every_message_has_a_turkish_translation():
    catalogue = _catalogue()
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id
        and m.string
        and (all(m.string) if isinstance(m.string, tuple) else True)
        and not m.fuzzy
    }
    missing = sorted(_source_messages() - translated)
    assert missing == [], "run `make translations` and translate these in messages.po"


def test_compiled_catalogue_matches_the_po_file():
    with open(TRANSLATIONS / "messages.mo", "rb") as handle:
        compiled = read_mo(handle)
    po = {m.id: m.string for m in _catalogue() if m.id and m.string and not m.fuzzy}
    mo = {m.id: m.string for m in compiled if m.id}
    assert po == mo, "run `pybabel compile -d training_app/translations`"


def test_pages_are_turkish_by_default_and_english_on_request(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="tr">' in page and "Giriş yap" in page
    client.post("/language/en", data={"next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page and "Giriş yap" not in page
