import re

from sqlalchemy import select

from tests.conftest import municipality, next_tckn
from training_app.accounts.models import Person, PrivacyAcknowledgement, Role, User
from training_app.core.models import OutboxMessage
from training_app.extensions import db


def _last_mail(recipient: str) -> OutboxMessage | None:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    ).first()


def _confirmation_link(recipient: str) -> str:
    return re.search(r"(/register/confirm/\S+)", _last_mail(recipient).body_text).group(1)


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
    # Nobody is logged in until the mailed link confirms the address.
    assert user.email_confirmation_pending
    assert "Şükrü Işık" not in client.get("/").get_data(as_text=True)
    assert "/register/confirm/" in _last_mail(user.email).body_text


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
    client.post(_confirmation_link("sukru@example.org"))
    client.post("/register", data=form_data(tckn=tckn, email="other@example.org"))
    client.post("/register", data=form_data())
    assert db.session.query(Person).count() == 1
    assert db.session.query(User).count() == 1


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


# Registration tells a stranger nothing about who is registered (issue 12, security item 4).


def _answer(client, data):
    """What the visitor sees: the status, where they are sent and the page they land on, with
    the e-mail address they typed (shown back to them) taken out."""
    response = client.post("/register", data=data)
    page = client.get(response.headers.get("Location", "/register")).get_data(as_text=True)
    page = page.replace(data["email"], "ADDRESS")
    page = re.sub(r'name="csrf_token" [^>]*>', "", page)
    return response.status_code, response.headers.get("Location"), page


def test_an_id_number_already_registered_gets_the_answer_of_a_new_registration(app, make_user):
    owner = make_user(email="sahibi@ilgin.bel.tr")
    owner_tckn = owner.person.reveal_tckn()
    new = _answer(app.test_client(), form_data(email="yeni@example.org"))
    taken = _answer(app.test_client(), form_data(tckn=owner_tckn, email="baska@example.org"))
    assert taken == new
    assert "yeni@example.org" not in new[2]  # the address was taken out
    assert "Yeni hesap, ADDRESS adresine gönderdiğimiz bağlantıyla etkinleştirilir" in new[2]
    # The owner is told by mail, with no ID number in it; the stranger's address gets nothing.
    mail = _last_mail(owner.email)
    assert mail.subject == "Bilgilerinizle kayıt olunmaya çalışıldı"
    assert "T.C. Kimlik Numaranızla" in mail.body_text and owner_tckn not in mail.body_text
    assert "/password/forgot" in mail.body_text
    assert _last_mail("baska@example.org") is None
    assert db.session.scalar(select(User).where(User.email == "baska@example.org")) is None


def test_an_email_already_registered_gets_the_answer_of_a_new_registration(app, make_user):
    owner = make_user(email="sahibi@ilgin.bel.tr")
    new = _answer(app.test_client(), form_data(email="yeni@example.org"))
    taken = _answer(app.test_client(), form_data(email=owner.email))
    assert taken == new
    assert "bu e-posta adresiyle" in _last_mail(owner.email).body_text
    assert owner.person.user_id == owner.id
    assert db.session.query(User).count() == 2  # the owner and the new registration


def test_the_confirmation_link_activates_the_account(client):
    data = form_data()
    client.post("/register", data=data)
    # Before the link: no login, and a new link is sent to the right password only.
    page = client.post(
        "/login", data={"email": data["email"], "password": data["password"]}
    ).get_data(as_text=True)
    assert "Önce e-posta adresinizi doğrulayın: size yeni bir bağlantı gönderdik." in page
    link = _confirmation_link(data["email"])
    # Opening the link (as a mail scanner would) confirms nothing; the button does.
    page = client.get(link).get_data(as_text=True)
    assert "Hesabımı etkinleştir" in page
    user = db.session.scalar(select(User).where(User.email == data["email"]))
    assert user.email_confirmation_pending
    page = client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "Hesabınız etkinleştirildi. Şimdi giriş yapabilirsiniz." in page
    db.session.refresh(user)
    assert not user.email_confirmation_pending
    assert _last_mail(data["email"]).subject.startswith("Konya Belediyeler Birliği eğitim sistem")
    response = client.post("/login", data={"email": data["email"], "password": data["password"]})
    assert response.status_code == 302
    assert "Şükrü Işık" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "Bu bağlantı daha önce kullanılmış veya artık geçerli değil." in page


def test_registering_again_resends_the_link_of_an_unconfirmed_account(client):
    data = form_data()
    client.post("/register", data=data)
    first = _confirmation_link(data["email"])
    client.post("/register", data=form_data(password="Baska.Parola.99"))
    second = _confirmation_link(data["email"])
    assert db.session.query(User).count() == 1
    assert client.post(second).status_code == 302
    # The first password stays: the second form changed nothing.
    assert client.post(first).status_code == 302
    response = client.post("/login", data={"email": data["email"], "password": data["password"]})
    assert response.status_code == 302


def test_a_mistyped_address_does_not_hold_the_id_number_forever(client):
    tckn = next_tckn()
    client.post("/register", data=form_data(tckn=tckn, email="yanlis.adres@example.org"))
    client.post("/register", data=form_data(tckn=tckn, email="dogru.adres@example.org"))
    client.post(_confirmation_link("dogru.adres@example.org"))
    person = db.session.scalar(select(Person))
    assert person.user.email == "dogru.adres@example.org"
    assert db.session.query(Person).count() == 1
    stale = client.post(_confirmation_link("yanlis.adres@example.org"), follow_redirects=True)
    assert "artık geçerli değil" in stale.get_data(as_text=True)


def test_registration_is_rate_limited_per_address_counting_complete_forms_only(app, client):
    app.config["REGISTER_RATE_LIMIT"] = "3 per hour"
    for _ in range(5):  # mistakes in what was typed do not count
        assert client.post("/register", data=form_data(tckn="12345678901")).status_code == 200
    statuses = [
        client.post("/register", data=form_data(email=f"kisi{n}@example.org")).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    other = app.test_client()
    response = other.post(
        "/register",
        data=form_data(email="komsu@example.org"),
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    assert response.status_code == 302
