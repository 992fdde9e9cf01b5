"""The office's screens: the list of mails, the editor (shipped text with placeholders, refusals
that keep what was typed, preview, save, reset), and nobody else getting in."""

import pytest
from sqlalchemy import select

from tests.conftest import login
from training_app.accounts.models import Role
from training_app.core.models import AuditEntry
from training_app.extensions import db
from training_app.mailtexts.models import MailText

EDITOR = "/admin/mail-texts/registration_confirmed/tr"


@pytest.fixture
def office_client(client, office):
    assert login(client, office.email).status_code == 302
    return client


def test_the_list_names_every_mail_and_marks_the_edited_ones(office_client, office):
    db.session.add(MailText(kind="registration_confirmed", locale="en", subject="S", body="B"))
    db.session.commit()
    page = office_client.get("/admin/mail-texts/").get_data(as_text=True)
    assert "E-posta metinleri" in page
    assert "Kayıt onaylandı" in page and "Şifre sıfırlama" in page and "Program değişti" in page
    row = page.split('data-kind="registration_confirmed"')[1].split("</tr>")[0]
    assert row.count("Düzenlendi") == 1
    other = page.split('data-kind="registration_refused"')[1].split("</tr>")[0]
    assert "Düzenlendi" not in other


def test_the_editor_opens_with_the_shipped_wording_as_placeholders(office_client):
    page = office_client.get(EDITOR).get_data(as_text=True)
    assert 'value="Kayıt onaylandı: {egitim}"' in page
    assert "Sayın {ad_soyad},\n\n“{egitim}” ({tarih}, {yer}) eğitimine kaydınız onaylandı." in page
    assert 'data-insert="{baglanti}"' in page and "Eğitim dönemi sayfasına bağlantı" in page
    assert "sistemle gelen metin kullanılıyor" in page
    english = office_client.get("/admin/mail-texts/registration_confirmed/en").get_data(
        as_text=True
    )
    assert 'value="Registration confirmed: {egitim}"' in english


def test_an_unknown_placeholder_is_named_and_what_was_typed_stays(office_client):
    typed = "Sayın {ad_soyad}, {kurs} eğitimine kaydınız onaylandı. {{ config }}"
    response = office_client.post(
        EDITOR, data={"subject": "Onay: {egitim}", "body": typed, "save": "Kaydet"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Tanınmayan yer tutucu" in page and "{kurs}" in page
    assert "Sayın {ad_soyad}, {kurs} eğitimine kaydınız onaylandı. {{ config }}" in page
    assert 'value="Onay: {egitim}"' in page
    assert db.session.scalar(select(MailText)) is None


def test_preview_then_save_then_reset(office_client, office):
    data = {"subject": "Onay: {egitim}", "body": "Sayın {ad_soyad},\n{baglanti}"}
    fragment = office_client.post(f"{EDITOR}/preview", data=data, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert "<html" not in text
    assert "Onay: Temel İlk Yardım Eğitimi" in text
    assert "Sayın Ayşe Yılmaz," in text and "/catalogue/sessions/42" in text
    refused = office_client.post(f"{EDITOR}/preview", data={**data, "subject": "{x.__class__}"})
    assert "Tanınmayan yer tutucu" in refused.get_data(as_text=True)
    empty = office_client.post(f"{EDITOR}/preview", data={"subject": "", "body": ""})
    assert "Bir konu yazın." in empty.get_data(as_text=True)

    # Without JavaScript the same button previews in the page.
    page = office_client.post(EDITOR, data={**data, "preview": "Önizle"}).get_data(as_text=True)
    assert "Onay: Temel İlk Yardım Eğitimi" in page
    assert db.session.scalar(select(MailText)) is None

    response = office_client.post(EDITOR, data={**data, "save": "Kaydet"})
    assert response.status_code == 302
    text = db.session.scalar(select(MailText))
    assert (text.kind, text.locale, text.subject) == (
        "registration_confirmed",
        "tr",
        data["subject"],
    )
    assert text.updated_by_user_id == office.id
    page = office_client.get(EDITOR).get_data(as_text=True)
    assert "birimin yazdığı metin kullanılıyor" in page and "Varsayılana dön" in page
    assert "Bu e-postanın sistemle gelen metni" in page and "Kayıt onaylandı: {egitim}" in page

    response = office_client.post(f"{EDITOR}/reset", follow_redirects=True)
    assert "Yeniden sistemle gelen metin kullanılıyor." in response.get_data(as_text=True)
    assert db.session.scalar(select(MailText)) is None
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("mail_text.%"))
    )
    assert sorted(actions) == ["mail_text.reset", "mail_text.save"]


def test_unknown_kinds_and_languages_are_not_found(office_client):
    for url in ("/admin/mail-texts/no_such_mail/tr", "/admin/mail-texts/registration_confirmed/de"):
        assert office_client.get(url).status_code == 404
    assert office_client.post("/admin/mail-texts/nope/tr/reset").status_code == 404


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("K" * 5000, "Metin"),
        ("Konu", "M" * 20_000),
        ("Konu\r\nBcc: x@example.org", "Metin"),
        ("Konu {", "Metin }"),
        ("{{ ''.__class__.__mro__ }}", "{% for x in range(9) %}{% endfor %}"),
        ("İşçi ğüşö", "\u202eMetin\u200b {egitim}"),
    ],
)
def test_hostile_texts_are_refused_or_kept_as_plain_text(office_client, subject, body):
    for action in ("save", "preview"):
        response = office_client.post(EDITOR, data={"subject": subject, "body": body, action: "x"})
        assert response.status_code in (200, 302, 400), (action, response.status_code)
        fragment = office_client.post(f"{EDITOR}/preview", data={"subject": subject, "body": body})
        assert fragment.status_code == 200
    for text in db.session.scalars(select(MailText)):
        assert "\n" not in text.subject and len(text.subject) <= 200 and len(text.body) <= 10_000


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.COORDINATOR, Role.TRAINER])
def test_only_the_office_gets_in(client, make_user, role):
    user = make_user(role, email="x@example.org")
    login(client, user.email)
    assert client.get(EDITOR).status_code == 403
    assert client.post(EDITOR, data={"subject": "S", "body": "B", "save": "1"}).status_code == 403
    assert client.post(f"{EDITOR}/reset").status_code == 403
    assert db.session.scalar(select(MailText)) is None


def test_the_editor_is_never_stored_by_a_cache(office_client):
    for url in ("/admin/mail-texts/", EDITOR):
        assert "no-store" in office_client.get(url).headers["Cache-Control"]


def test_the_editor_says_where_it_is(office_client):
    """Breadcrumbs as on every other nested page, the last item the mail's name."""
    from tests.catalog.test_breadcrumbs import crumbs

    page = office_client.get(EDITOR).get_data(as_text=True)
    assert crumbs(page) == [("/admin/mail-texts/", "E-posta metinleri"), (None, "Kayıt onaylandı")]
