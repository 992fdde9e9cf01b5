from sqlalchemy import select

from tests.conftest import municipality, next_tckn
from training_app.accounts.models import Person, PrivacyAcknowledgement, Role, User
from training_app.core.models import OutboxMessage
from training_app.extensions import db


def form_data(**overrides):
    data = {
        "first_name": "Şükrü",
        "last_name": "Işık",
        "tckn": next_tckn(),
        "municipality_id": str(municipality("Ilgın").id),
        "position": "staff",
        "employment_type": "civil_servant",
        "unit_id": "",
        "unit_other": "",
        "title": "Bilgisayar İşletmeni",
        "phone": "0332 111 22 33",
        "email": "sukru@example.org",
        "password": "Guclu.Parola.42",
        "password_confirm": "Guclu.Parola.42",
        "privacy_acknowledged": "y",
    }
    data.update(overrides)
    return data


def test_register_creates_participant_with_protected_id(client):
    data = form_data()
    response = client.post("/register", data=data)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "sukru@example.org"))
    assert user.has_role(Role.PARTICIPANT)
    person = user.person
    assert person.municipality.name == "Ilgın"
    assert person.tckn_masked == data["tckn"][:3] + "******" + data["tckn"][-2:]
    assert data["tckn"].encode() not in person.tckn_encrypted
    assert person.tckn_hash != data["tckn"] and len(person.tckn_hash) == 64
    assert person.reveal_tckn() == data["tckn"]
    ack = db.session.scalar(
        select(PrivacyAcknowledgement).where(PrivacyAcknowledgement.user_id == user.id)
    )
    assert ack.notice.version == 1 and ack.acknowledged_at is not None
    assert person.consent_newsletter_at is None
    # Registration logs the person in and sends a welcome mail through the outbox.
    assert "Şükrü Işık" in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))


def test_invalid_id_number_is_refused_in_turkish_and_form_keeps_input(client):
    response = client.post("/register", data=form_data(tckn="12345678901"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Geçerli bir T.C. Kimlik No değil." in page
    assert 'value="Şükrü"' in page and 'value="sukru@example.org"' in page
    assert db.session.scalar(select(User).where(User.email == "sukru@example.org")) is None


def test_non_ascii_digits_are_refused(client):
    response = client.post("/register", data=form_data(tckn="١٠٠٠٠٠٠٠١٤٦"))
    assert "T.C. Kimlik No tam 11 rakamdan (0–9) oluşmalıdır." in response.get_data(as_text=True)


def test_one_account_per_id_number_and_per_email(client):
    tckn = next_tckn()
    assert client.post("/register", data=form_data(tckn=tckn)).status_code == 302
    client.post("/logout")
    page = client.post("/register", data=form_data(tckn=tckn, email="other@example.org")).get_data(
        as_text=True
    )
    assert "Bu T.C. Kimlik No ile kayıtlı bir hesap zaten var." in page
    page = client.post("/register", data=form_data()).get_data(as_text=True)
    assert "Bu e-posta adresiyle kayıtlı bir hesap zaten var." in page
    assert db.session.query(Person).count() == 1


def test_weak_password_and_missing_acknowledgement(client):
    page = client.post(
        "/register", data=form_data(password="kisa1", password_confirm="kisa1")
    ).get_data(as_text=True)
    assert "Şifre en az 10 karakter olmalıdır." in page
    page = client.post(
        "/register", data=form_data(password="sadeceharfler", password_confirm="sadeceharfler")
    ).get_data(as_text=True)
    assert "Şifre hem harf hem rakam içermelidir." in page
    data = form_data()
    del data["privacy_acknowledged"]
    page = client.post("/register", data=data).get_data(as_text=True)
    assert "Aydınlatma metnini okuduğunuzu onaylamalısınız." in page


def test_unit_must_belong_to_the_chosen_municipality(client):
    other_unit = municipality("Meram").units[0]
    page = client.post("/register", data=form_data(unit_id=str(other_unit.id))).get_data(
        as_text=True
    )
    assert "Bu birim seçilen belediyeye ait değil." in page


def test_unit_options_follow_the_municipality(client):
    meram = municipality("Meram")
    page = client.get(f"/municipalities/units?municipality_id={meram.id}").get_data(as_text=True)
    assert "Zabıta Müdürlüğü" in page
    assert page.count("<option") == len(meram.units) + 1


def test_optional_consents_are_recorded_separately(client):
    client.post("/register", data=form_data(consent_photos="y"))
    person = db.session.scalar(select(Person))
    assert person.consent_photos_at is not None and person.consent_newsletter_at is None


def test_registration_page_shows_privacy_notice(client):
    page = client.get("/register").get_data(as_text=True)
    assert "Kişisel Verilerin Korunması Hakkında Aydınlatma Metni" in page
    assert "sürüm 1" in page


def test_registration_takes_over_a_person_record_made_before_the_account(client):
    tckn = next_tckn()
    imported = Person(first_name="Gülşen", last_name="Ünal", municipality=municipality("Çumra"))
    imported.set_tckn(tckn)
    db.session.add(imported)
    db.session.commit()
    assert client.post("/register", data=form_data(tckn=tckn)).status_code == 302
    person = db.session.scalar(select(Person).where(Person.tckn_hash == imported.tckn_hash))
    assert person.id == imported.id and person.user.email == "sukru@example.org"
    assert db.session.query(Person).count() == 1


def test_names_typed_in_one_case_get_turkish_capitals(client):
    client.post("/register", data=form_data(first_name="ayşe ılgın", last_name="İNCE"))
    person = db.session.scalar(select(Person))
    assert (person.first_name, person.last_name) == ("Ayşe Ilgın", "İnce")


def test_names_in_mixed_case_are_kept_as_typed(client):
    client.post("/register", data=form_data(first_name="McKenzie", last_name="de Souza"))
    person = db.session.scalar(select(Person))
    assert (person.first_name, person.last_name) == ("McKenzie", "de Souza")


def test_a_weak_password_is_reported_together_with_the_other_mistakes(client):
    page = client.post(
        "/register", data=form_data(tckn="12345678901", password="kisa1", password_confirm="kisa1")
    ).get_data(as_text=True)
    assert "Geçerli bir T.C. Kimlik No değil." in page
    assert "Şifre en az 10 karakter olmalıdır." in page
