"""Hostile input never makes a server error: every GET route with hostile path and query values,
for every role; every upload form with hostile files; NUL characters typed into the main forms.

Hostile values: numbers beyond 64 bits and negative ones, NUL (%00), a byte that is not UTF-8
(%ff), a 5,000-character string, Turkish letters. A 5xx (or an exception escaping the view) is a
failure; 400, 404, a redirect or a page with a message are all fine.
"""

import html
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from tests.conftest import login
from tests.test_access import ROLES, make_url_args
from training_app.accounts.models import Role

#: Hostile values as they appear in a URL (already percent-encoded).
HOSTILE = {
    "2**64": str(2**64),
    "10**30": str(10**30),
    "-1": "-1",
    "-2**63-1": str(-(2**63) - 1),
    "NUL": "%00",
    "not UTF-8": "%FF",
    "5000 chars": "9" * 5000,
    "Turkish": quote("İşçiğüÖ"),
}

#: The values each argument a view reads also gets on its own (all of HOSTILE come with every
#: argument at once; NUL is refused before any view runs).
ALONE = ("2**64", "-2**63-1", "not UTF-8", "5000 chars")

#: Query arguments of the app (tests below check that none is missing), plus id-like ones that
#: a view might read one day.
QUERY_ARGS = {
    "page", "per_page", "q", "status", "role", "next", "municipality_id", "municipality",
    "category", "month", "city", "where", "delivery", "position", "year", "date_from", "date_to",
    "actor", "subject", "object_type", "object_id", "action",
    "id", "session_id", "user_id", "course_id", "limit", "offset",
    "state", "recipient", "kind", "t", "trainer", "expired",
}  # fmt: skip

#: Endpoints that write a file (PDF, XLSX, ZIP): each hostile request costs a rendering, so
#: they get the values one at a time only for the arguments they read.
SLOW = {
    "attendance.sheet_pdf",
    "certificates.download",
    "certificates.download_print_job",
    "privacy.download_archive",
    "reports.yearly_report",
}

SOURCE = Path(__file__).resolve().parent.parent / "training_app"


def _query_args_read_in_source() -> set[str]:
    """Names the code reads from request.args: .get("x"), ["x"], "x" in args, int_arg("x"), and
    the fields of every form built from request.args."""
    names: set[str] = set()
    form_classes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"args\.get\(\s*\"(\w+)\"", text))
        names |= set(re.findall(r"args\[\"(\w+)\"\]", text))
        names |= set(re.findall(r"\"(\w+)\" in (?:request\.)?args", text))
        names |= set(re.findall(r"int_arg\(\s*\"(\w+)\"", text))
        form_classes |= set(re.findall(r"(\w+Form)\(request\.args\)", text))
    from training_app.admin import forms as admin_forms
    from training_app.catalog import forms as catalog_forms
    from training_app.reports import forms as report_forms

    modules = (admin_forms, catalog_forms, report_forms)
    for class_name in form_classes:
        form_class = next(getattr(m, class_name) for m in modules if hasattr(m, class_name))
        names |= {
            name
            for name, value in vars(form_class).items()
            if hasattr(value, "field_class") or type(value).__name__ == "UnboundField"
        }
    return names


def test_every_query_argument_the_app_reads_is_walked(app):
    with app.test_request_context():
        read = _query_args_read_in_source()
    assert "page" in read and "municipality_id" in read and "q" in read
    assert sorted(read - QUERY_ARGS) == [], "add these to QUERY_ARGS"


class RecordingArgs(ImmutableMultiDict):
    """request.args that remembers which names a view asked for."""

    asked: set[str] = set()

    def __getitem__(self, key):
        RecordingArgs.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        RecordingArgs.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        RecordingArgs.asked.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        RecordingArgs.asked.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


PLACEHOLDER = re.compile(r"<(?:[^<>:]+:)?(\w+)>")


def _url(rule, url_args: dict, hostile_arg: str | None = None, value: str = "") -> str:
    def fill(match):
        name = match.group(1)
        if name == hostile_arg:
            return value
        return quote(str(url_args[name]), safe="")

    return PLACEHOLDER.sub(fill, rule.rule)


def _get_rules(app):
    """Every GET rule, logging out last so that the walk stays logged in."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    ]
    return sorted(rules, key=lambda rule: rule.endpoint == "accounts.logout")


def _walk(app, client, url_args) -> list[str]:
    """Request every GET rule with hostile values; return what failed."""
    app.request_class = RecordingRequest
    failures: list[str] = []

    def get(url: str) -> int | None:
        try:
            status = client.get(url).status_code
        except Exception as error:  # an exception escaping a view is a 500 for a user
            failures.append(f"GET {url[:150]}: {type(error).__name__}: {str(error)[:150]}")
            return None
        # /healthz answers 503 by design here: the walk's database is built without migrations.
        if status >= 500 and not (status == 503 and url.startswith("/healthz")):
            failures.append(f"GET {url[:150]}: {status}")
        return status

    for rule in _get_rules(app):
        base = _url(rule, url_args)
        # Which arguments does the view read? Ask once with every one of them set to 1.
        RecordingArgs.asked = set()
        get(base + "?" + "&".join(f"{name}=1" for name in sorted(QUERY_ARGS)))
        read = RecordingArgs.asked & QUERY_ARGS
        for label, value in HOSTILE.items():
            for arg in rule.arguments:
                get(_url(rule, url_args, arg, value))
            if rule.endpoint not in SLOW:
                # Every argument at once, then each argument the view reads on its own (a
                # refusal of one must not hide an error in another).
                get(base + "?" + "&".join(f"{name}={value}" for name in sorted(QUERY_ARGS)))
            if label in ALONE:
                for name in sorted(read):
                    get(f"{base}?{name}={value}")
    print("\n".join(failures))  # shown when the test fails
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_survives_hostile_path_and_query_values(app, client, make_user, role):
    url_args = make_url_args(make_user)
    if role != "guest":
        email = f"{role}@example.org"
        if role != "trainer":  # the trainer exists already: they teach the walk's session
            make_user(Role(role), email=email)
        assert login(client, email).status_code == 302
    assert _walk(app, client, url_args) == []


def test_the_walk_sees_the_arguments_a_view_reads(app, client):
    """The recording request finds what a view reads (else the walk would skip arguments)."""
    app.request_class = RecordingRequest
    RecordingArgs.asked = set()
    client.get("/municipalities/units?municipality_id=1")
    assert "municipality_id" in RecordingArgs.asked


# --- specific causes ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [str(2**64), str(10**30), str(2**31), "-1", "١٢"])
def test_an_id_beyond_the_database_range_in_the_path_is_not_found(client, login_as, value):
    login_as(Role.ADMIN)
    assert client.get(f"/admin/users/{value}").status_code == 404
    assert client.get(f"/certificates/sessions/{value}").status_code == 404


@pytest.mark.parametrize(
    "value", [str(2**64), str(10**30), "-9223372036854775809", "x", "9" * 5000]
)
def test_a_hostile_page_or_municipality_number_shows_the_page(client, login_as, value):
    login_as(Role.ADMIN)
    assert client.get(f"/admin/users?page={value}").status_code == 200
    assert client.get(f"/municipalities/units?municipality_id={value}").status_code == 200
    assert client.get(f"/coordinator/registrations?page={value}").status_code == 200
    assert client.get(f"/catalogue?page={value}").status_code in (200, 302)


@pytest.mark.parametrize("code", ["%ff", "%C4%B0%C5%9F", "x" * 300])
def test_a_check_in_code_that_is_not_ascii_is_refused_not_an_error(client, make_user, code):
    from tests.test_access import _published_session

    meeting = _published_session(make_user).meetings[0]
    response = client.get(f"/checkin/{meeting.id}/{code}")
    assert response.status_code == 400
    assert "Bu kod artık geçerli değil." in response.get_data(as_text=True)


NUL_MESSAGE = "Gönderdiğiniz metinde kaydedilemeyen görünmez bir NUL karakteri var."


@pytest.mark.parametrize("url", ["/checkin/1/ab%00", "/verify/ABC%00", "/api/v1/certificates/A%00"])
def test_an_address_holding_a_nul_character_names_nothing(client, url):
    assert client.get(url).status_code == 404


# --- uploads -----------------------------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
HEADER = "T.C. Kimlik No;Ad;Soyad;Belediye\r\n"

#: name -> (file name, content, what the page must say)
HOSTILE_FILES = {
    "random bytes": (
        "liste.csv",
        bytes(range(128, 256)) * 8 + bytes(range(1, 128)) * 8,
        "Dosya metin içermiyor: CSV dosyası olamaz.",
    ),
    "PNG named .csv": ("liste.csv", PNG, "Bu bir CSV dosyası değil: bir görsel gibi görünüyor."),
    "200 KB single field": (
        "liste.csv",
        ("A" * 200_000).encode(),
        "İlk satırda 1000 karakterden uzun bir hücre var",
    ),
    "200 KB field in a row": (
        "liste.csv",
        (HEADER + "10000000146;" + "A" * 200_000 + ";Yılmaz;Meram\r\n").encode(),
        "1000 karakterden uzun bir hücre var: bu satırı kontrol edin.",
    ),
    "UTF-16 with BOM": (
        "liste.csv",
        HEADER.encode("utf-16"),
        "Dosya UTF-16 veya UTF-32 (“Unicode metin”) olarak kaydedilmiş",
    ),
    "UTF-16 without BOM": (
        "liste.csv",
        HEADER.encode("utf-16-le"),
        "Dosya UTF-16 veya UTF-32 (“Unicode metin”) olarak kaydedilmiş",
    ),
    "UTF-32 with BOM": (
        "liste.csv",
        HEADER.encode("utf-32"),
        "Dosya UTF-16 veya UTF-32 (“Unicode metin”) olarak kaydedilmiş",
    ),
    "empty file": ("liste.csv", b"", "Dosya boş."),
    "only blank lines": ("liste.csv", b"\r\n \r\n", "Dosya boş."),
    "XLSX that is really text": ("liste.xlsx", HEADER.encode(), "Yalnızca .csv dosyaları"),
    "real XLSX named .csv": (
        "liste.csv",
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),
        "Bu bir CSV dosyası değil: bir Excel çalışma kitabı",
    ),
    "PDF named .csv": ("liste.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "bir PDF belgesi gibi"),
    "old Mac line ends and a stray quote": (
        "liste.csv",
        'T.C. Kimlik No;Ad;Soyad;Belediye\r10000000146;"Ay\rşe;Yılmaz;Meram\r'.encode(),
        "",
    ),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_a_hostile_upload_is_refused_with_a_message_naming_the_problem(client, make_user, name):
    from tests.test_access import _published_session

    filename, content, message = HOSTILE_FILES[name]
    session = _published_session(make_user)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    response = client.post(
        f"/admin/sessions/{session.id}/roster/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500
    page = response.get_data(as_text=True)
    assert message in page
    assert "Traceback" not in page
    # The page lets one choose another file, or shows what could be read.
    assert 'type="file"' in page or "Önizleme" in page or "satır" in page


def test_a_file_in_windows_1254_is_still_read(client, make_user):
    """Turkish Excel's "CSV": the fallback that stays for text."""
    from tests.conftest import next_tckn
    from tests.test_access import _published_session

    session = _published_session(make_user)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    content = (HEADER + f"{next_tckn()};Şükrü;Öğüt;Çumra\r\n").encode("cp1254")
    response = client.post(
        f"/admin/sessions/{session.id}/roster/import",
        data={"file": (io.BytesIO(content), "liste.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "1 satırın tümü doğru." in page
    assert "Şükrü" in page


def test_a_nul_in_an_uploaded_file_name_is_refused(client, make_user):
    from tests.test_access import _published_session

    session = _published_session(make_user)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    response = client.post(
        f"/admin/sessions/{session.id}/roster/import",
        data={"file": (io.BytesIO(HEADER.encode()), "lis\x00te.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


# --- NUL characters typed into forms -----------------------------------------------------------

FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"', re.S)
POST_FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)


def _post_form_fields(page: str) -> list[str]:
    """The field names of the page's largest POST form."""
    forms = [FIELD.findall(body) for body in POST_FORM.findall(page)]
    return max(forms, key=len) if forms else []


#: (role that opens the page, page whose main form gets NUL in every field)
MAIN_FORMS = [
    (None, "/register"),
    (None, "/login"),
    (None, "/password/forgot"),
    (Role.PARTICIPANT, "/profile"),
    (Role.ADMIN, "/admin/catalogue/courses/new"),
    (Role.ADMIN, "/admin/catalogue/courses/{course_id}/sessions/new"),
    (Role.ADMIN, "/admin/catalogue/sessions/{session_id}/edit"),
    (Role.ADMIN, "/admin/catalogue/venues/new"),
    (Role.ADMIN, "/admin/users/new"),
    (Role.ADMIN, "/admin/municipalities/new"),
    (Role.ADMIN, "/attendance/meetings/{meeting_id}/sheet"),
    (Role.ADMIN, "/admin/mail-texts/registration_confirmed/tr"),
]


@pytest.mark.parametrize(("role", "page_url"), MAIN_FORMS)
def test_a_nul_character_typed_into_a_form_is_refused_with_a_message(
    client, make_user, login_as, role, page_url
):
    from tests.test_access import _published_session

    session = _published_session(make_user)
    if role is not None:
        login_as(role)
    url = page_url.format(
        course_id=session.course_id, session_id=session.id, meeting_id=session.meetings[0].id
    )
    fields = _post_form_fields(client.get(url).get_data(as_text=True))
    assert fields, url
    for name in fields:
        # One field at a time: each must be refused, not stored (PostgreSQL cannot) nor crash.
        data = {other: "Ayşe" for other in fields}
        data[name] = "Ay\x00şe"
        response = client.post(url, data=data)
        assert response.status_code == 400, (url, name, response.status_code)
        assert NUL_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users?q=Ay%00%C5%9Fe",
        "/admin/audit?actor=Ay%00%C5%9Fe",
        "/admin/people/search?q=Ay%00%C5%9Fe",
        "/catalogue?q=%00&city=%00",
    ],
)
def test_a_nul_character_typed_into_a_search_box_is_dropped(client, login_as, url):
    login_as(Role.ADMIN, first_name="Ayşe", email="ayse@example.org")
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "\x00" not in page
    if "q=Ay" in url and "people" not in url:
        assert "Ay\x00şe" not in page and 'value="Ayşe"' in page


# --- numbers beyond the database's range posted into every form -------------------------------

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
CONTROL = re.compile(r"<(?:input|textarea|select)\b([^>]*)>", re.S)


def _attribute(name: str, tag: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(found.group(1)) if found else None


def _post_forms(page: str, url: str) -> list[tuple[str, dict]]:
    """(action, {field: value shown}) of every POST form of a page, but logging out."""
    forms = []
    for attributes, body in FORM.findall(page):
        if (_attribute("method", attributes) or "get").lower() != "post":
            continue
        action = _attribute("action", attributes) or url
        if "/logout" in action or "/language" in action:
            continue
        fields = {}
        for tag in CONTROL.findall(body):
            name = _attribute("name", tag)
            if name and name != "csrf_token":
                fields[name] = _attribute("value", tag) or ""
        if fields:
            forms.append((action, fields))
    return forms


HOSTILE_NUMBERS = (str(2**31), str(-(10**30)))


@pytest.mark.parametrize("role", ("participant", "coordinator", "trainer", "admin"))
def test_every_form_survives_numbers_beyond_the_database_range(app, client, make_user, role):
    from training_app.extensions import db

    url_args = make_url_args(make_user)
    email = f"{role}@example.org"
    if role != "trainer":
        make_user(Role(role), email=email)
    assert login(client, email).status_code == 302
    forms: dict[str, tuple[str, dict]] = {}
    for rule in _get_rules(app):
        if rule.endpoint == "accounts.logout":
            continue
        url = _url(rule, url_args)
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            for action, fields in _post_forms(response.get_data(as_text=True), url):
                forms.setdefault(re.sub(r"\d+", "N", action.split("?")[0]), (action, fields))
    assert len(forms) > (10 if role == "admin" else 1)
    failures = []
    for action, fields in forms.values():
        for name in fields:
            for value in HOSTILE_NUMBERS:
                try:
                    status = client.post(action, data={**fields, name: value}).status_code
                except Exception as error:
                    db.session.rollback()
                    failures.append(f"{action} {name}={value[:20]}: {type(error).__name__}")
                    continue
                if status >= 500:
                    failures.append(f"{action} {name}={value[:20]}: {status}")
    print("\n".join(failures))
    assert failures == []


def test_a_capacity_beyond_the_database_range_is_refused_on_its_field(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/catalogue/venues/new",
        data={"name": "Salon", "city": "Konya", "country": "Türkiye", "capacity": str(2**31)},
    )
    assert response.status_code in (200, 400)
    assert "Bu sayı kaydedilebilecek aralığın dışında." in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["name", "city", "address"])
def test_a_valid_form_with_a_nul_character_is_refused_not_stored(client, login_as, field):
    """The form is otherwise valid: without the filter PostgreSQL refuses the text (a 500)."""
    from training_app.catalog.models import Venue
    from training_app.extensions import db

    login_as(Role.ADMIN)
    data = {"name": "Salon", "city": "Konya", "country": "Türkiye", "capacity": "40"}
    data[field] = "Kon\x00ya"
    response = client.post("/admin/catalogue/venues/new", data=data)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Venue)) is None
