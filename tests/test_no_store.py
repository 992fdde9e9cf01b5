"""No browser, proxy or back button keeps a copy of a page or file with personal data: every
response of every route, for every role, is sent with Cache-Control: no-store, except static
files and the public resources marked @cacheable (the same for everyone, no personal data)."""

import pytest
from flask import url_for

from tests.conftest import login
from tests.test_access import EXPECTED, ROLES, _rules, url_args  # noqa: F401
from training_app.accounts.models import Role
from training_app.core.caching import is_cacheable

#: Public, the same for everyone: their own caching is kept.
CACHEABLE = {
    "api.list_sessions",
    "api.show_session",
    "api.openapi",
    "catalog.session_calendar",
    "catalog.union_calendar_feed",
    "core.favicon",
    "core.brand_css",
}


def test_only_public_resources_are_cacheable(app):
    with app.test_request_context():
        marked = {endpoint for endpoint in EXPECTED if is_cacheable(endpoint)}
    assert marked == CACHEABLE


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_file_is_sent_with_no_store(app, client, make_user, url_args, role):  # noqa: F811
    if role != "guest":
        email = f"{role}@example.org"
        if role != "trainer":  # the walk's trainer exists already
            make_user(Role(role), email=email)
        assert login(client, email).status_code == 302
    stored, shown = [], 0
    for rule in _rules(app):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: url_args[arg] for arg in rule.arguments})
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        if rule.endpoint in CACHEABLE:
            assert "no-store" not in response.headers.get("Cache-Control", ""), url
            continue
        shown += response.status_code == 200
        if "no-store" not in response.headers.get("Cache-Control", ""):
            stored.append(f"{method} {url}: {response.status_code}")
    assert shown > 10
    assert stored == []


def test_profile_and_error_pages_are_not_stored(app, client, login_as):
    login_as(Role.PARTICIPANT)
    for url in ("/profile", "/no-such-page"):
        assert client.get(url).headers["Cache-Control"] == "private, no-store", url
    with client.get("/static/css/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")
