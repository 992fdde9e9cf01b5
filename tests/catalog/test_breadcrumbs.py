"""Nested pages say where they are: breadcrumbs above the h1, the last item the page itself."""

import re

from training_app.accounts.models import Role


def crumbs(html: str) -> list[tuple[str | None, str]]:
    """(href or None, text) of each breadcrumb item."""
    nav = re.search(r'<nav aria-label="Bulunduğunuz yer">(.*?)</nav>', html, re.S).group(1)
    items = []
    for item in re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S):
        link = re.search(r'<a href="([^"]+)">(.*?)</a>', item, re.S)
        items.append((link.group(1), link.group(2)) if link else (None, item.strip()))
    return items


def test_a_session_page_shows_catalogue_then_course_then_itself(client, make_session):
    session = make_session()
    html = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    items = crumbs(html)
    assert items[0] == ("/catalogue", "Eğitim kataloğu")
    assert items[1] == (f"/catalogue/courses/{session.course.id}", session.course.title)
    assert items[2][0] is None and len(items) == 3
    assert 'class="breadcrumb-item active" aria-current="page"' in html


def test_a_session_s_attendance_goes_through_the_office_s_sessions(client, login_as, make_session):
    session = make_session()
    login_as(Role.ADMIN)
    html = client.get(f"/attendance/sessions/{session.id}").get_data(as_text=True)
    assert crumbs(html) == [
        ("/admin/catalogue/sessions", "Eğitim dönemleri"),
        (f"/admin/catalogue/sessions/{session.id}", session.course.title),
        (None, "Yoklama"),
    ]


def test_top_level_pages_have_no_breadcrumbs(client):
    assert 'aria-label="Bulunduğunuz yer"' not in client.get("/catalogue").get_data(as_text=True)


def test_catalogue_forms_say_where_they_are(client, login_as, make_session, make_venue):
    """The office's edit forms (course, session, meeting, venue) sit under their list and record;
    "Back" goes to the last of them."""
    session = make_session()
    course = session.course
    venue = make_venue()
    login_as(Role.ADMIN)
    html = client.get(f"/admin/catalogue/courses/{course.id}/edit").get_data(as_text=True)
    assert crumbs(html) == [
        ("/admin/catalogue/courses", "Eğitimler"),
        (f"/admin/catalogue/courses/{course.id}", course.title),
        (None, "Eğitimi düzenle"),
    ]
    html = client.get(f"/admin/catalogue/sessions/{session.id}/edit").get_data(as_text=True)
    assert crumbs(html)[:2] == [
        ("/admin/catalogue/sessions", "Eğitim dönemleri"),
        (f"/admin/catalogue/sessions/{session.id}", course.title),
    ]
    assert f'href="/admin/catalogue/sessions/{session.id}">Geri</a>' in html
    html = client.get(f"/admin/catalogue/venues/{venue.id}").get_data(as_text=True)
    assert crumbs(html)[0] == ("/admin/catalogue/venues", "Mekânlar")
