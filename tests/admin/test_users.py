import re

from sqlalchemy import select

from tests.conftest import login, municipality
from training_app.accounts.models import Role, User
from training_app.core.models import AuditEntry, OutboxMessage
from training_app.extensions import db


def test_admin_creates_a_coordinator_who_sets_a_password_by_mail(client, login_as):
    login_as(Role.ADMIN)
    ilgin = municipality("Ilgın")
    response = client.post(
        "/admin/users/new",
        data={
            "email": "egitim@ilgin.bel.tr",
            "first_name": "Hatice",
            "last_name": "Öz",
            "role": "coordinator",
            "municipality_id": str(ilgin.id),
            "password": "",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "egitim@ilgin.bel.tr"))
    assert user.coordinated_municipality_ids == {ilgin.id}
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    assert "Belediye eğitim sorumlusu" in mail.body_text
    link = re.search(r"(/password/reset/\S+)", mail.body_text).group(1)
    client.post("/logout")
    client.post(link, data={"password": "Kurs.Planla.77", "password_confirm": "Kurs.Planla.77"})
    assert login(client, user.email, "Kurs.Planla.77").status_code == 302
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))


def test_coordinator_needs_a_municipality(client, login_as):
    login_as(Role.ADMIN)
    page = client.post(
        "/admin/users/new",
        data={
            "email": "x@example.org",
            "first_name": "A",
            "last_name": "B",
            "role": "coordinator",
            "municipality_id": "",
        },
    ).get_data(as_text=True)
    assert "Belediye eğitim sorumlusu bir belediyeye bağlanmalıdır." in page
    assert 'value="x@example.org"' in page


def test_user_list_is_in_turkish_order_and_searchable(client, make_user, login_as):
    login_as(Role.ADMIN, first_name="Zeynep", last_name="Zorlu")
    for last in ("Şahin", "Çelik", "Sarı", "Işık", "İnce", "Cem"):
        make_user(last_name=last, email=f"{last}@example.org".lower())
    page = client.get("/admin/users").get_data(as_text=True)
    positions = [
        page.index(f"Ayşe {last}") for last in ("Cem", "Çelik", "Işık", "İnce", "Sarı", "Şahin")
    ]
    assert positions == sorted(positions)
    page = client.get("/admin/users?q=celik").get_data(as_text=True)
    assert "Ayşe Çelik" in page and "Ayşe Şahin" not in page


def test_roles_can_be_added_and_removed(client, make_user, login_as):
    admin = login_as(Role.ADMIN)
    user = make_user()
    client.post(f"/admin/users/{user.id}/roles", data={"role": "trainer"})
    db.session.refresh(user)
    assert user.has_role(Role.TRAINER)
    trainer_role = next(a for a in user.roles if a.role == Role.TRAINER)
    client.post(f"/admin/users/{user.id}/roles/{trainer_role.id}/remove")
    db.session.refresh(user)
    assert not user.has_role(Role.TRAINER)
    own = admin.roles[0]
    page = client.post(
        f"/admin/users/{admin.id}/roles/{own.id}/remove", follow_redirects=True
    ).get_data(as_text=True)
    assert "Kendi yönetici rolünüzü kaldıramazsınız." in page


def test_admin_cannot_deactivate_themselves(client, login_as):
    admin = login_as(Role.ADMIN)
    page = client.post(
        f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Kendi hesabınızı devre dışı bırakamazsınız." in page
