"""The report of expiring documents (reports/expiring-documents): per municipality, the
coordinator only their own, renewal booked or not, CSV/XLSX formula-safe, a fixed number of
queries; and the count on the office's and coordinators' home pages."""

import re
from datetime import timedelta

from sqlalchemy import event, select

from tests.conftest import login, municipality
from tests.enrollment.conftest import enrol  # noqa: F401
from tests.test_spreadsheet_formulas import _csv_texts, _xlsx_texts
from training_app.accounts.models import Role
from training_app.certificates import services
from training_app.core.models import AuditEntry
from training_app.core.timeutil import local_today
from training_app.core.turkish import format_date_short
from training_app.extensions import db

TODAY = local_today()
URL = "/reports/expiring-documents"


def _document(closed_session, days_left, muni="Selçuklu", first_name=None, **fields):
    session, admin, regs = closed_session(
        people=1,
        document_validity_months=24,
        first_names=[first_name] if first_name else None,
        **fields,
    )
    (certificate,) = services.issue_certificates(session, admin).issued
    certificate.valid_until = TODAY + timedelta(days=days_left)
    if muni != "Selçuklu":
        place = municipality(muni)
        certificate.municipality_id = regs[0].municipality_id = place.id
        certificate.municipality_name = place.display_name
    db.session.commit()
    return certificate, regs[0], admin


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-testid="expiring-row">(.*?)</tr>', page, re.S)


def test_office_sees_every_municipality_grouped_and_the_coordinator_only_theirs(
    client, closed_session, make_user
):
    soon, soon_reg, admin = _document(closed_session, 30, first_name="Selim")
    meram, _reg, _ = _document(closed_session, 45, muni="Meram", first_name="Mert")
    expired, _reg, _ = _document(closed_session, -10, first_name="Eski")
    later, _reg, _ = _document(closed_session, 200, first_name="Sonra")

    login(client, admin.email)
    page = client.get(URL).get_data(as_text=True)
    numbers = [n for n in (soon, meram, expired, later) if n.register_number in page]
    assert numbers == [soon, meram]
    assert page.index("Meram Belediyesi") < page.index("Selçuklu Belediyesi")  # Turkish order
    assert format_date_short(soon.valid_until) in page and "30 gün kaldı" in page
    page = client.get(URL, query_string={"expired": "y"}).get_data(as_text=True)
    assert expired.register_number in page and "Süresi doldu" in page
    assert later.register_number not in page
    to = (TODAY + timedelta(days=365)).isoformat()
    page = client.get(URL, query_string={"date_to": to}).get_data(as_text=True)
    assert later.register_number in page and expired.register_number not in page
    client.post("/logout")

    coordinator = make_user(Role.COORDINATOR, email="koordinator@example.org")
    login(client, coordinator.email)
    page = client.get(URL, query_string={"expired": "y"}).get_data(as_text=True)
    assert soon.register_number in page and expired.register_number in page
    assert meram.register_number not in page and "Meram" not in page
    other = municipality("Meram").id
    assert client.get(URL, query_string={"municipality": other}).status_code == 404
    csv = client.get(f"{URL}.csv", query_string={"municipality": other})
    assert csv.status_code == 404
    csv = client.get(f"{URL}.csv").get_data(as_text=True)
    assert soon.register_number in csv and meram.register_number not in csv


def test_renewal_booked_is_shown_and_a_renewed_holder_left_out(
    client,
    closed_session,
    make_session,
    enrol,  # noqa: F811
):
    certificate, registration, admin = _document(closed_session, 30)
    login(client, admin.email)
    (row,) = _rows(client.get(URL).get_data(as_text=True))
    assert "Hayır" in row and certificate.register_number in row
    coming = make_session(course=registration.session.course, starts_on=TODAY + timedelta(days=20))
    enrol(registration.person.user, coming)
    (row,) = _rows(client.get(URL).get_data(as_text=True))
    assert "Evet" in row

    # Renewed: a newer valid document of the same course, valid longer.
    _newer, newer_registration, _admin = _document(
        closed_session, 700, course=registration.session.course
    )
    newer_registration.person_id = registration.person_id
    db.session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert certificate.register_number not in page and _rows(page) == []


def test_export_is_formula_safe_and_audited(client, closed_session):
    certificate, registration, admin = _document(
        closed_session, 20, first_name='=HYPERLINK("http://x","tıkla")'
    )
    certificate.course_title = "=1+2"
    db.session.commit()
    login(client, admin.email)
    response = client.get(f"{URL}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    texts = "\n".join(_csv_texts(response.get_data(as_text=True)))
    assert '=HYPERLINK("http://x","tıkla")' in texts and "=1+2" in texts
    assert certificate.register_number in texts
    response = client.get(f"{URL}.xlsx")
    assert response.status_code == 200
    texts = "\n".join(_xlsx_texts(response.data))
    assert "=1+2" in texts and certificate.register_number in texts
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("report.expiring_documents_export") == 2
    assert client.get(f"{URL}.pdf").status_code == 404


def test_refused_dates_fall_back_to_the_next_90_days_with_a_message(client, closed_session):
    certificate, _registration, admin = _document(closed_session, 80)
    login(client, admin.email)
    response = client.get(URL, query_string={"date_from": "2027-05-01", "date_to": "2027-01-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and certificate.register_number in page
    assert "Bitiş tarihi başlangıç tarihinden önce olamaz." in page
    for hostile in ("2027-13-45", "x" * 500, "\x00"):
        assert client.get(URL, query_string={"date_to": hostile}).status_code == 200


def _count_queries(client, url) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_page_needs_a_fixed_number_of_queries(client, closed_session, make_session):
    certificate, registration, admin = _document(closed_session, 30)
    login(client, admin.email)
    client.get(URL)
    before = _count_queries(client, URL)
    for n, muni in enumerate(("Meram", "Karatay", "Selçuklu", "Meram")):
        _document(closed_session, 10 + n, muni=muni)
    assert _count_queries(client, URL) == before
    assert _count_queries(client, f"{URL}.csv") == _count_queries(client, f"{URL}.csv")


def test_home_pages_count_documents_expiring_within_60_days(client, closed_session, make_user):
    _document(closed_session, 30)
    _document(closed_session, 61)
    _certificate, _registration, admin = _document(closed_session, 45, muni="Meram")
    login(client, admin.email)
    page = client.get("/").get_data(as_text=True)
    assert 'id="task-expiring"' in page and "2 belge" in page
    client.post("/logout")
    coordinator = make_user(Role.COORDINATOR, email="koordinator@example.org")
    login(client, coordinator.email)
    page = client.get("/").get_data(as_text=True)
    assert 'id="expiring-link"' in page and "1 belge" in page


def test_the_home_link_lists_the_documents_it_counts(client, closed_session):
    """The home page says "within 60 days"; the report behind the link lists that period, not
    its own default of 90 days, so a document expiring in 75 days is not in the list."""
    _document(closed_session, 30, first_name="Otuz")
    _certificate, _registration, admin = _document(closed_session, 75, first_name="Yetmişbeş")
    login(client, admin.email)
    page = client.get("/").get_data(as_text=True)
    assert "1 belge" in page
    href = re.search(r'href="([^"]+)" id="task-expiring"', page).group(1).replace("&amp;", "&")
    listing = client.get(href).get_data(as_text=True)
    assert "Otuz" in listing
    assert "Yetmişbeş" not in listing
    until = format_date_short(TODAY + timedelta(days=60))
    assert f'value="{until}"' in listing
