from datetime import timedelta

from sqlalchemy import select

from tests.conftest import municipality
from training_app.accounts.models import Person, Role
from training_app.core.models import AuditEntry
from training_app.core.timeutil import local_today
from training_app.extensions import db
from training_app.municipalities.models import Municipality


def test_admin_adds_a_member_outside_konya_and_it_can_be_chosen_at_registration(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/municipalities/new",
        data={
            "name": "Aksaray",
            "kind": "provincial",
            "province": "Aksaray",
            "is_member": "y",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    aksaray = db.session.scalar(select(Municipality).where(Municipality.name == "Aksaray"))
    assert aksaray.is_member and [u.name for u in aksaray.units][:1]
    page = client.get("/admin/municipalities").get_data(as_text=True)
    assert page.index("Aksaray") < page.index("Akşehir") < page.index("Çumra")  # s before ş
    client.post("/logout")
    assert "Aksaray" in client.get("/register").get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "municipality.create"))


def test_duplicate_names_are_refused_the_turkish_way_and_input_is_kept(client, login_as):
    login_as(Role.ADMIN)
    page = client.post(
        "/admin/municipalities/new", data={"name": "ILGIN", "kind": "district", "province": "Konya"}
    ).get_data(as_text=True)
    assert "Bu adla kayıtlı bir belediye zaten var." in page and 'value="ILGIN"' in page


def test_membership_can_end_and_units_are_managed(client, login_as, make_user):
    login_as(Role.ADMIN)
    meram = municipality("Meram")
    yesterday = local_today() - timedelta(days=1)
    period = meram.membership_periods[0]
    response = client.post(
        f"/admin/membership-periods/{period.id}/end", data={"left_on": yesterday.isoformat()}
    )
    assert response.status_code == 302
    db.session.refresh(meram)
    assert not meram.is_member
    # With periods recorded, the form's tick no longer decides membership.
    client.post(
        f"/admin/municipalities/{meram.id}",
        data={"name": "Meram", "kind": "district", "province": "Konya", "is_member": "y"},
    )
    db.session.refresh(meram)
    assert not meram.is_member and not meram.is_active
    client.post(
        f"/admin/municipalities/{meram.id}/units", data={"name": "Kültür ve Sosyal İşler Müdürlüğü"}
    )
    db.session.refresh(meram)
    unit = next(u for u in meram.units if u.name.startswith("Kültür"))
    person = make_user(municipality_name="Meram").person
    person.unit = unit
    db.session.commit()
    client.post(f"/admin/units/{unit.id}/remove")
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.unit_id is None and person.unit_other == "Kültür ve Sosyal İşler Müdürlüğü"
