import re

from sqlalchemy import select

from tests.conftest import PASSWORD, build_app, login
from training_app.accounts.models import PrivacyNotice, Role
from training_app.core.models import AuditEntry, OutboxMessage
from training_app.extensions import db


def test_login_and_logout(client, make_user):
    user = make_user(first_name="Ömer", last_name="Kaya")
    page = login(client, user.email, follow_redirects=True).get_data(as_text=True)
    assert "Hoş geldiniz, Ömer Kaya." in page
    page = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert "Çıkış yaptınız." in page
    assert client.get("/profile").status_code == 302


def test_wrong_password_gives_one_message_and_is_audited(client, make_user):
    user = make_user()
    page = login(client, user.email, "wrong-password1").get_data(as_text=True)
    assert "E-posta adresi veya şifre hatalı." in page
    page = login(client, "nobody@example.org").get_data(as_text=True)
    assert "E-posta adresi veya şifre hatalı." in page
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "user.login_failed" in actions


def test_email_is_case_insensitive(client, make_user):
    user = make_user(email="Buyuk.Harf@Example.org")
    assert login(client, "BUYUK.harf@example.ORG").status_code == 302
    assert user.email == "buyuk.harf@example.org"


def test_remember_me_sets_a_persistent_cookie(client, make_user):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert any("remember_token" in h for h in response.headers.getlist("Set-Cookie"))


def test_next_parameter_cannot_redirect_elsewhere(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    response = client.post("/logout")
    response = client.post("/login?next=/profile", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/profile"


def test_login_is_rate_limited_with_a_clear_message(client, make_user):
    user = make_user()
    for _ in range(5):
        login(client, user.email, "wrong-password1")
    response = login(client, user.email)
    assert response.status_code == 429
    assert "Çok fazla hatalı giriş denemesi yapıldı." in response.get_data(as_text=True)


def test_deactivated_account_cannot_log_in_and_loses_its_session(app, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    user = make_user(email="user@example.org")
    user_client, admin_client = app.test_client(), app.test_client()
    login(user_client, user.email)
    assert user_client.get("/profile").status_code == 200
    login(admin_client, admin.email)
    response = admin_client.post(
        f"/admin/users/{user.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "Hesap devre dışı bırakıldı." in response.get_data(as_text=True)
    assert user_client.get("/profile").status_code == 302
    page = login(user_client, user.email).get_data(as_text=True)
    assert "Bu hesap devre dışı bırakılmış." in page


def _reset_link(recipient: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"(/password/reset/\S+)", message.body_text).group(1)


def test_password_reset_by_mail_is_single_use(client, make_user):
    user = make_user()
    page = client.post(
        "/password/forgot", data={"email": user.email}, follow_redirects=True
    ).get_data(as_text=True)
    assert "yeni şifre belirleme bağlantısı gönderdik" in page
    link = _reset_link(user.email)
    assert client.get(link).status_code == 200
    page = client.post(link, data={"password": "kisa", "password_confirm": "kisa"}).get_data(
        as_text=True
    )
    assert "Şifre en az 10 karakter olmalıdır." in page
    response = client.post(
        link, data={"password": "Yeni.Sifre.2026", "password_confirm": "Yeni.Sifre.2026"}
    )
    assert response.status_code == 302
    assert login(client, user.email, "Yeni.Sifre.2026").status_code == 302
    client.post("/logout")
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "Bu bağlantı daha önce kullanılmış veya artık geçerli değil." in page


def test_password_reset_link_expires(app, client, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = _reset_link(user.email)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "Bu bağlantının süresi dolmuş. Yeni bir bağlantı isteyin." in page


def test_unknown_email_gets_the_same_answer_and_no_mail(client):
    page = client.post(
        "/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "yeni şifre belirleme bağlantısı gönderdik" in page
    assert (
        db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == "nobody@example.org")
        )
        is None
    )


def test_password_change_logs_out_other_sessions(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(first, user.email)
    login(second, user.email)
    page = first.post(
        "/profile/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Baska.Sifre.99",
            "new_password_confirm": "Baska.Sifre.99",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Şifreniz değiştirildi." in page
    assert first.get("/profile").status_code == 200
    assert second.get("/profile").status_code == 302


def test_wrong_current_password_is_refused(client, login_as):
    login_as()
    response = client.post(
        "/profile/password",
        data={
            "current_password": "yanlis-sifre-1",
            "new_password": "Baska.Sifre.99",
            "new_password_confirm": "Baska.Sifre.99",
        },
    )
    assert response.status_code == 400
    assert "Mevcut şifre hatalı." in response.get_data(as_text=True)


def test_new_privacy_notice_must_be_acknowledged_at_next_login(client, make_user):
    user = make_user()
    db.session.add(PrivacyNotice(version=2, title="Yeni Aydınlatma Metni", body="Değişen metin."))
    db.session.commit()
    response = login(client, user.email)
    response = client.get("/profile")
    assert response.status_code == 302 and "/privacy/acknowledge" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aydınlatma metni güncellendi" in page and "Değişen metin." in page
    page = client.post("/privacy/acknowledge", data={}).get_data(as_text=True)
    assert "Aydınlatma metnini okuduğunuzu onaylamalısınız." in page
    client.post("/privacy/acknowledge?next=/profile", data={"privacy_acknowledged": "y"})
    assert client.get("/profile").status_code == 200


def test_forms_require_a_csrf_token(make_user):
    app = build_app({"WTF_CSRF_ENABLED": True})
    with app.app_context():
        client = app.test_client()
        response = client.post("/login", data={"email": "a@example.org", "password": "x"})
        assert response.status_code == 400
        assert "Formun süresi doldu" in response.get_data(as_text=True)
