"""A session ends on the server: a copy of the cookie taken earlier stops working after logout,
password change, deactivation or anonymisation (issue 12, security item 2)."""

from tests.conftest import PASSWORD, login
from training_app.accounts.models import Role
from training_app.extensions import db
from training_app.privacy import services as privacy


def _copy_of(app, client, *names):
    """A second browser holding a copy of the first one's cookies (as a thief would)."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def _profile_opens(browser) -> bool:
    response = browser.get("/profile")
    return response.status_code == 200 and "Şifre değiştir" in response.get_data(as_text=True)


def test_a_copied_session_cookie_stops_working_after_logout(app, client, make_user):
    user = make_user()
    login(client, user.email)
    thief = _copy_of(app, client, "session")
    assert _profile_opens(thief)
    client.post("/logout")
    assert not _profile_opens(thief)
    assert thief.get("/profile").status_code == 302  # to the login page
    # The owner can log in again, and their new session works.
    login(client, user.email)
    assert _profile_opens(client)


def test_a_copied_remember_cookie_stops_working_after_logout(app, client, make_user):
    user = make_user()
    client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    thief = _copy_of(app, client, "remember_token")  # no session cookie: the remember cookie alone
    assert _profile_opens(thief)
    client.post("/logout")
    fresh_thief = _copy_of(app, thief, "remember_token")
    assert not _profile_opens(fresh_thief)


def test_a_copied_cookie_stops_working_after_a_password_change(app, client, make_user):
    user = make_user()
    login(client, user.email)
    thief = _copy_of(app, client, "session")
    response = client.post(
        "/profile/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Yepyeni.Sifre.77",
            "new_password_confirm": "Yepyeni.Sifre.77",
        },
    )
    assert response.status_code == 302
    assert _profile_opens(client)
    assert not _profile_opens(thief)


def test_a_copied_cookie_stops_working_after_deactivation_by_an_admin(app, client, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    user = make_user(email="user@example.org")
    login(client, user.email)
    thief = _copy_of(app, client, "session")
    admin_browser = app.test_client()
    login(admin_browser, admin.email)
    admin_browser.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert not _profile_opens(client)
    assert not _profile_opens(thief)


def test_a_copied_cookie_stops_working_after_anonymisation(app, client, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    user = make_user(email="user@example.org")
    login(client, user.email)
    thief = _copy_of(app, client, "session")
    assert _profile_opens(thief)
    request = privacy.request_deletion(user.person, "Lütfen silin.")
    db.session.commit()
    privacy.carry_out_deletion(request, admin)
    db.session.commit()
    assert not _profile_opens(client)
    assert not _profile_opens(thief)
