"""Walk every URL rule of the app for every role and check the expected status code.

A new route without a row in EXPECTED fails this test: decide who may open it, then add the row.
Codes: 200 shown, 302 redirected (guests to the login page), 400 refused form, 403 forbidden,
404 hidden.
"""

import pytest
from flask import url_for

from tests.conftest import login
from training_app.accounts.models import Role

ROLES = ("guest", "participant", "coordinator", "trainer", "admin")


def row(guest, participant, coordinator, trainer, admin):
    return dict(zip(ROLES, (guest, participant, coordinator, trainer, admin), strict=True))


ALL_200 = row(200, 200, 200, 200, 200)
LOGGED_IN = row(302, 200, 200, 200, 200)
GUEST_ONLY = row(200, 302, 302, 302, 302)
ADMIN_ONLY = row(302, 403, 403, 403, 200)
ADMIN_ONLY_POST = row(302, 403, 403, 403, 302)

#: endpoint -> expected status per role (GET, or POST for POST-only routes).
EXPECTED = {
    "core.home": ALL_200,
    "core.set_language": row(302, 302, 302, 302, 302),
    "accounts.login": GUEST_ONLY,
    "accounts.logout": row(302, 302, 302, 302, 302),
    "accounts.register": GUEST_ONLY,
    "accounts.forgot_password": GUEST_ONLY,
    "accounts.reset_password": row(302, 302, 302, 302, 302),
    "accounts.profile": LOGGED_IN,
    "accounts.change_password": row(302, 400, 400, 400, 400),
    "accounts.privacy_notice": ALL_200,
    "accounts.acknowledge_privacy": row(302, 302, 302, 302, 302),
    "municipalities.unit_options": ALL_200,
    "admin.list_users": ADMIN_ONLY,
    "admin.create_user": ADMIN_ONLY,
    "admin.show_user": ADMIN_ONLY,
    "admin.add_role": ADMIN_ONLY_POST,
    "admin.remove_role": ADMIN_ONLY_POST,
    "admin.set_active": ADMIN_ONLY_POST,
}

#: Endpoints not walked here, with the reason.
NOT_WALKED = {"static": "files, not pages"}


@pytest.fixture
def url_args(make_user):
    """Values for the URL variables of every rule: real objects where a rule needs one."""
    someone = make_user(Role.PARTICIPANT, email="someone@example.org", first_name="Veli")
    return {
        "user_id": someone.id,
        "assignment_id": someone.roles[0].id,
        "token": "not-a-valid-token",
        "code": "tr",
    }


def test_every_rule_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - set(NOT_WALKED)
    assert sorted(endpoints - set(EXPECTED)) == [], "routes without a row in EXPECTED"
    assert sorted(set(EXPECTED) - endpoints) == [], "rows in EXPECTED for routes that are gone"


def _rules(app):
    """Every rule, with logging out last so that the walk stays logged in."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint not in NOT_WALKED]
    return sorted(rules, key=lambda rule: rule.endpoint == "accounts.logout")


@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role(app, client, make_user, url_args, role):
    if role != "guest":
        user = make_user(Role(role), email=f"{role}@example.org")
        assert login(client, user.email).status_code == 302
    failures = []
    for rule in _rules(app):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: url_args[arg] for arg in rule.arguments})
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        expected = EXPECTED[rule.endpoint][role]
        if response.status_code != expected:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected}")
        elif role == "guest" and expected == 302 and EXPECTED[rule.endpoint]["admin"] != 302 \
                and EXPECTED[rule.endpoint]["participant"] != 302:
            assert "/login" in response.headers["Location"], url
    assert failures == []
