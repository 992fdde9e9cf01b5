"""Journey: a municipal employee registers in Turkish, activates the account from the mailed
link, logs in, logs out, and logs in again."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from training_app.core.models import OutboxMessage
from training_app.core.tckn import complete_tckn
from training_app.extensions import db

FIRST_NAME = "Işıl Çağla"
LAST_NAME = "Güneşöz İnce"
EMAIL = "isil.gunesoz@ilgin.bel.tr"
PASSWORD = "Mevlana.Kapı.2026"
TCKN = complete_tckn("384019265")


def fill_registration(page: Page, *, first_name: str, last_name: str, tckn: str, email: str):
    """Fill the whole registration form as a person would, waiting for htmx to load the units."""
    page.get_by_label("Ad", exact=True).fill(first_name)
    page.get_by_label("Soyad", exact=True).fill(last_name)
    page.get_by_label("T.C. Kimlik No", exact=True).fill(tckn)
    page.get_by_label("Belediye", exact=True).select_option(label="Ilgın")
    unit = page.get_by_label("Birim (müdürlük)", exact=True)
    # htmx replaces the unit options once the municipality is chosen.
    expect(unit.get_by_role("option", name="Yazı İşleri Müdürlüğü")).to_be_attached()
    unit.select_option(label="Yazı İşleri Müdürlüğü")
    page.get_by_label("Görev", exact=True).select_option(label="Personel")
    page.get_by_label("E-posta adresi", exact=True).fill(email)
    page.get_by_label("Şifre", exact=True).fill(PASSWORD)
    page.get_by_label("Şifre (tekrar)", exact=True).fill(PASSWORD)
    page.get_by_label("Aydınlatma metnini okudum.").check()


def _mailed_link(live_app, recipient: str) -> str:
    with live_app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
        ).first()
        db.session.remove()
    return re.search(r"(/register/confirm/\S+)", body).group(1)


def _log_in(page: Page):
    page.get_by_label("E-posta adresi", exact=True).fill(EMAIL)
    page.get_by_label("Şifre", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()


def test_register_log_out_and_log_in_again(page: Page, base_url: str, live_app):
    full_name = f"{FIRST_NAME} {LAST_NAME}"
    menu = page.get_by_role("navigation", name="Ana menü")

    page.goto("/register")
    expect(page).to_have_title(re.compile("^Kayıt ol"))
    fill_registration(page, first_name=FIRST_NAME, last_name=LAST_NAME, tckn=TCKN, email=EMAIL)
    page.get_by_role("button", name="Hesap oluştur").click()

    sent = page.get_by_text(f"Yeni hesap, {EMAIL} adresine gönderdiğimiz bağlantıyla")
    expect(sent).to_be_visible()
    expect(menu.get_by_role("link", name=full_name)).to_have_count(0)

    page.goto(_mailed_link(live_app, EMAIL))
    page.get_by_role("button", name="Hesabımı etkinleştir").click()
    expect(
        page.get_by_text("Hesabınız etkinleştirildi. Şimdi giriş yapabilirsiniz.")
    ).to_be_visible()
    _log_in(page)
    expect(menu.get_by_role("link", name=full_name)).to_be_visible()
    expect(page).to_have_url(f"{base_url}/")

    menu.get_by_role("button", name="Çıkış yap").click()
    expect(page.get_by_text("Çıkış yaptınız.")).to_be_visible()
    expect(menu.get_by_role("link", name="Giriş yap")).to_be_visible()
    expect(menu.get_by_role("link", name=full_name)).to_have_count(0)

    # A second person mistypes their ID number: the Turkish message, and nothing typed is lost.
    page.goto("/register")
    fill_registration(
        page,
        first_name="Ömer Faruk",
        last_name="Kılıç",
        tckn="12345678901",
        email="omer.kilic@ilgin.bel.tr",
    )
    page.get_by_role("button", name="Hesap oluştur").click()

    tckn_field = page.get_by_label("T.C. Kimlik No", exact=True)
    expect(page.get_by_text("Geçerli bir T.C. Kimlik No değil.", exact=True)).to_be_visible()
    expect(tckn_field).to_have_attribute("aria-invalid", "true")
    expect(tckn_field).to_have_accessible_description("Geçerli bir T.C. Kimlik No değil.")
    expect(page.get_by_label("Ad", exact=True)).to_have_value("Ömer Faruk")
    expect(menu.get_by_role("button", name="Çıkış yap")).to_have_count(0)

    menu.get_by_role("link", name="Giriş yap").click()
    _log_in(page)

    expect(page.get_by_text(f"Hoş geldiniz, {full_name}.")).to_be_visible()
    expect(menu.get_by_role("link", name=full_name)).to_be_visible()
