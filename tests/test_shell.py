"""The UI shell: error pages, security headers, language, navigation by role."""

from tests.conftest import PASSWORD, login
from training_app.accounts.models import Role
from training_app.extensions import db


def test_not_found_page_is_turkish(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Sayfa bulunamadı" in page and '<html lang="tr">' in page


def test_favicon_ico_is_the_site_icon(client):
    """Browsers' PDF viewers ask for /favicon.ico even where the page links the SVG icon."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    # The same for everyone: browsers may keep it instead of asking on every page.
    assert "no-store" not in response.headers["Cache-Control"]
    assert "max-age" in response.headers["Cache-Control"]
    response.close()


def test_forbidden_page_is_turkish(client, login_as):
    login_as(Role.PARTICIPANT)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Bu sayfayı açma yetkiniz yok." in response.get_data(as_text=True)


def test_server_error_page_reveals_nothing(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("secret internal detail")

    app.view_functions["core.home"] = broken
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Beklenmeyen bir hata oluştu." in page
    assert "secret internal detail" not in page and "Traceback" not in page


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    https = client.get("/login", base_url="https://localhost")
    assert "max-age=" in https.headers["Strict-Transport-Security"]


def test_pages_have_one_h1_and_no_inline_scripts(client):
    for url in ("/", "/login", "/register", "/password/forgot", "/privacy"):
        page = client.get(url).get_data(as_text=True)
        assert page.count("<h1") == 1, url
        assert "<script>" not in page and " style=" not in page, url


def test_navigation_depends_on_role(client, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    participant = make_user(Role.PARTICIPANT, email="p@example.org")
    login(client, participant.email)
    assert 'href="/admin/users"' not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(client, admin.email)
    assert 'href="/admin/users"' in client.get("/").get_data(as_text=True)


def test_the_administration_menu_reaches_designs_and_mail_texts(client, make_user):
    """Yönetim lists the office's settings pages, document designs among them (before, they
    were reachable only from a course's page or the documents page)."""
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    page = client.get("/").get_data(as_text=True)
    menu = page.split('data-bs-toggle="dropdown"')[-1]
    assert 'href="/certificates/designs">Belge tasarımları</a>' in menu
    assert 'href="/admin/mail-texts/">E-posta metinleri</a>' in menu


def test_language_choice_is_remembered_on_the_account(app, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    client.post("/language/en")
    db.session.refresh(user)
    assert user.locale == "en"
    other_browser = app.test_client()
    login(other_browser, user.email)
    assert '<html lang="en">' in other_browser.get("/profile").get_data(as_text=True)


def test_english_browser_gets_english_and_others_turkish(client):
    page = client.get("/privacy", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page
    page = client.get("/privacy", headers={"Accept-Language": "de-DE,en;q=0.5"}).get_data(
        as_text=True
    )
    assert '<html lang="tr">' in page


def test_behind_a_trusted_proxy_the_client_address_and_https_are_honoured():
    from tests.conftest import build_app

    app = build_app({"TRUSTED_PROXIES": 1})
    seen = {}

    @app.after_request
    def remember(response):
        from flask import request

        seen["addr"], seen["secure"] = request.remote_addr, request.is_secure
        return response

    # A page that needs no database (this app has no tables).
    response = app.test_client().get(
        "/favicon.ico", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"addr": "203.0.113.7", "secure": True}
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_development_defaults_are_announced_outside_tests(caplog):
    import logging

    from training_app import create_app

    caplog.set_level(logging.WARNING, logger="training_app")
    create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "MAIL_WORKER": "off", "PRINT_WORKER": "off"}
    )
    assert "SECRET_KEY, TCKN_KEY, PUBLIC_BASE_URL" in caplog.text
    caplog.clear()
    create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "MAIL_WORKER": "off",
            "PRINT_WORKER": "off",
            "SECRET_KEY": "s3cret",
            "TCKN_KEY": "k3y",
            "PUBLIC_BASE_URL": "https://egitim.example.bel.tr",
        }
    )
    assert "Development settings" not in caplog.text


def test_keys_set_in_the_environment_are_not_announced_as_defaults(caplog, monkeypatch):
    """Config reads SECRET_KEY and TCKN_KEY from the environment: keys given there (as on a
    real server) are not the public development defaults."""
    import logging

    import config
    from training_app import create_app

    monkeypatch.setattr(config.Config, "SECRET_KEY", "from-the-environment")
    monkeypatch.setattr(config.Config, "TCKN_KEY", "also-from-the-environment")
    monkeypatch.setattr(config.Config, "PUBLIC_BASE_URL", "https://egitim.example.bel.tr")
    caplog.set_level(logging.WARNING, logger="training_app")
    create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "MAIL_WORKER": "off", "PRINT_WORKER": "off"}
    )
    assert "Development settings" not in caplog.text


def test_an_upload_over_the_size_limit_gets_a_turkish_413_page(app, client, make_user):
    import io

    from tests.test_access import _published_session

    app.config["MAX_CONTENT_LENGTH"] = 2_000
    session = _published_session(make_user)
    admin = make_user(Role.ADMIN, email="office@example.org")
    login(client, admin.email)
    response = client.post(
        f"/admin/sessions/{session.id}/roster/import",
        data={"file": (io.BytesIO(b"a;b\n" * 5_000), "liste.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Dosya çok büyük" in response.get_data(as_text=True)


def test_session_cookies_are_secure_httponly_and_samesite_in_production(app, make_user):
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    user = make_user(Role.PARTICIPANT, email="cookie@example.org")
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_the_production_configuration_refuses_the_development_keys(monkeypatch):
    import pytest

    import config
    from training_app import create_app

    monkeypatch.setattr(config.Config, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    monkeypatch.setattr(config.Config, "MAIL_WORKER", "off")
    monkeypatch.setattr(config.Config, "PRINT_WORKER", "off")
    monkeypatch.setattr(config.Config, "TCKN_KEY", "from-the-environment")
    with pytest.raises(RuntimeError, match="SECRET_KEY still have their public development"):
        create_app("production")
    monkeypatch.setattr(config.Config, "SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="at least 32 characters"):
        create_app("production")
    monkeypatch.setattr(config.Config, "SECRET_KEY", "k" * 32)
    monkeypatch.setattr(config.Config, "TCKN_KEY", "t" * 32)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
