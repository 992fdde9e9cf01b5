from sqlalchemy import select

from tests.conftest import municipality, next_tckn
from training_app.core.models import AuditEntry
from training_app.extensions import db


def profile_data(user, **overrides):
    person = user.person
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "tckn": person.reveal_tckn(),
        "email": user.email,
        "municipality_id": str(person.municipality_id),
        "position": person.position.value,
        "employment_type": "",
        "unit_id": "",
        "unit_other": "",
        "title": "",
        "phone": "",
    }
    data.update(overrides)
    return data


def test_profile_form_shows_own_whole_id_number(client, login_as):
    tckn = next_tckn()
    login_as(tckn=tckn)
    page = client.get("/profile").get_data(as_text=True)
    assert f'value="{tckn}"' in page


def test_profile_update_is_saved_and_audited_with_masked_id(client, login_as):
    user = login_as(first_name="Ali", last_name="Demir")
    old_tckn = user.person.reveal_tckn()
    new_tckn = next_tckn()
    meram = municipality("Meram")
    zabita = next(u for u in meram.units if u.name.startswith("Zabıta"))
    response = client.post(
        "/profile",
        data=profile_data(
            user,
            first_name="Ali Rıza",
            tckn=new_tckn,
            municipality_id=str(meram.id),
            unit_id=str(zabita.id),
            title="Zabıta Komiseri",
        ),
    )
    assert response.status_code == 302
    assert "Profiliniz kaydedildi." in client.get("/profile").get_data(as_text=True)
    db.session.refresh(user.person)
    person = user.person
    assert person.first_name == "Ali Rıza" and person.municipality.name == "Meram"
    assert person.unit_name.startswith("Zabıta") and person.title == "Zabıta Komiseri"
    assert person.reveal_tckn() == new_tckn
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.update")).one()
    assert entry.changes["tckn"] == [
        old_tckn[:3] + "******" + old_tckn[-2:],
        new_tckn[:3] + "******" + new_tckn[-2:],
    ]
    assert old_tckn not in str(entry.changes) and new_tckn not in str(entry.changes)


def test_profile_cannot_take_someone_elses_id_number(client, make_user, login_as):
    other = make_user(email="other@example.org")
    user = login_as()
    page = client.post(
        "/profile", data=profile_data(user, tckn=other.person.reveal_tckn())
    ).get_data(as_text=True)
    assert "Bu T.C. Kimlik No ile kayıtlı bir hesap zaten var." in page
    assert 'value="' + user.person.first_name + '"' in page


def test_consents_can_be_given_and_withdrawn(client, login_as):
    user = login_as()
    client.post("/profile", data=profile_data(user, consent_newsletter="y"))
    db.session.refresh(user.person)
    assert user.person.consent_newsletter_at is not None
    client.post("/profile", data=profile_data(user))
    db.session.refresh(user.person)
    assert user.person.consent_newsletter_at is None
