"""Journeys through the catalogue: a visitor filters and searches it in Turkish typed on an
English keyboard and opens a session; an administrator creates a course and a two-day session
of it through the admin screens, publishes it, and finds it in the public catalogue."""

import re
from datetime import time, timedelta

from playwright.sync_api import Page, expect

from tests import conftest as root_conftest
from training_app.accounts.models import (
    Person,
    Position,
    PrivacyAcknowledgement,
    Role,
    RoleAssignment,
    User,
)
from training_app.accounts.services import current_privacy_notice
from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus, Venue
from training_app.catalog.services import session_dates_label
from training_app.core.tckn import complete_tckn
from training_app.core.timeutil import local_today
from training_app.core.turkish import format_date_long
from training_app.extensions import db


def _person(email, first, last, role, prefix, title=None) -> Person:
    user = User(email=email)
    user.set_password(root_conftest.PASSWORD)
    user.roles.append(RoleAssignment(role=role))
    person = Person(
        user=user,
        first_name=first,
        last_name=last,
        title=title,
        municipality=root_conftest.municipality("Selçuklu"),
        position=Position.STAFF,
    )
    person.set_tckn(complete_tckn(prefix))
    db.session.add_all([user, person])
    db.session.flush()
    db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=current_privacy_notice().id))
    return person


def _session(
    course,
    day,
    city,
    *,
    venue=None,
    status=SessionStatus.PUBLISHED,
    days=1,
    capacity=20,
    seats_taken=0,
    trainers=(),
) -> Session:
    session = Session(
        course=course,
        starts_on=day,
        ends_on=day + timedelta(days=days - 1),
        city=city,
        venue=venue,
        capacity=capacity,
        seats_taken=seats_taken,
        status=status,
        requires_approval=False,
        trainers=list(trainers),
    )
    session.meetings = [
        Meeting(day=day + timedelta(days=n), starts_at=time(9, 30), ends_at=time(16, 30))
        for n in range(days)
    ]
    db.session.add(session)
    return session


def _login(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-posta adresi", exact=True).fill(email)
    page.get_by_label("Şifre", exact=True).fill(root_conftest.PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_text("Hoş geldiniz")).to_be_visible()


# --- 1. a visitor ---------------------------------------------------------------------------


def _visitor_catalogue(live_app):
    """Six sessions: four published that the filters and searches tell apart, and two hidden."""
    with live_app.app_context():
        trainer = _person(
            "hulya.aksoy@example.org", "Hülya", "Aksoy", Role.TRAINER, "141421356", title="Avukat"
        )
        law = Category(name="Mevzuat")
        it = Category(name="Bilgi Teknolojileri")
        procurement = Course(
            code="IHL-101", title="Kamu İhale Kanunu Uygulamaları", category=law, is_published=True
        )
        letters = Course(
            code="YAZ-110", title="Resmî Yazışma Kuralları", category=law, is_published=True
        )
        security = Course(
            code="BT-205", title="Siber Güvenlik Farkındalığı", category=it, is_published=True
        )
        hidden = Course(
            code="IHL-900", title="Çumra İhale Atölyesi", category=law, is_published=False
        )
        hall = Venue(
            name="Çumra Kültür Merkezi",
            address="Cumhuriyet Mah. İstasyon Cad. No: 4",
            city="Çumra",
            capacity=60,
        )
        first = local_today() + timedelta(days=14)
        target = _session(
            procurement,
            first,
            "Çumra",
            venue=hall,
            days=2,
            capacity=25,
            seats_taken=7,
            trainers=[trainer],
        )
        _session(procurement, first + timedelta(days=7), "Konya")
        _session(letters, first + timedelta(days=3), "ILGIN")
        _session(security, first + timedelta(days=5), "Çumra")
        # Neither a draft nor a session of a hidden course is ever shown.
        _session(procurement, first + timedelta(days=9), "Çumra", status=SessionStatus.DRAFT)
        _session(hidden, first + timedelta(days=10), "Çumra")
        db.session.commit()
        details = {
            "id": target.id,
            "days": [format_date_long(m.day, "tr") for m in target.meetings],
            "dates": session_dates_label(target),
        }
        db.session.remove()
    return details


def test_visitor_filters_searches_and_opens_a_session(page: Page, live_app):
    target = _visitor_catalogue(live_app)
    results = page.get_by_role("list").filter(has=page.locator(".session-item"))
    count = page.get_by_role("status")
    search = page.get_by_label("Ara", exact=True)
    show = page.get_by_role("button", name="Göster")

    def titles():
        return results.get_by_role("heading")

    page.goto("/")
    page.get_by_role("navigation", name="Ana menü").get_by_role(
        "link", name="Eğitim kataloğu"
    ).click()
    expect(page).to_have_title(re.compile("^Eğitim kataloğu"))
    expect(count).to_have_text("4 eğitim dönemi bulundu")
    expect(titles()).to_have_count(4)

    # The category and the city narrow the list down to one session.
    page.get_by_label("Kategori", exact=True).select_option(label="Mevzuat")
    page.get_by_label("Şehir", exact=True).select_option(label="Çumra")
    show.click()
    expect(count).to_have_text("1 eğitim dönemi bulundu")
    expect(titles()).to_have_text(["Kamu İhale Kanunu Uygulamaları"])
    expect(page.get_by_label("Kategori", exact=True)).to_have_value(re.compile(r"^\d+$"))
    page.get_by_role("link", name="Süzgeçleri temizle").click()
    expect(count).to_have_text("4 eğitim dönemi bulundu")

    # Typed without Turkish letters, "cumra" finds both sessions held in Çumra.
    search.fill("cumra")
    search.press("Enter")
    expect(count).to_have_text("2 eğitim dönemi bulundu")
    expect(titles()).to_have_text(["Kamu İhale Kanunu Uygulamaları", "Siber Güvenlik Farkındalığı"])
    expect(search).to_have_value("cumra")

    # "ılgın" finds the session whose city was entered as "ILGIN".
    search.fill("ılgın")
    show.click()
    expect(count).to_have_text("1 eğitim dönemi bulundu")
    expect(titles()).to_have_text(["Resmî Yazışma Kuralları"])
    expect(results).to_contain_text("ILGIN")

    # Every word must match: the course and the city together.
    search.fill("ihale cumra")
    show.click()
    expect(titles()).to_have_text(["Kamu İhale Kanunu Uygulamaları"])
    expect(results).to_contain_text("Boş yer: 18")

    search.fill("gurultu")
    show.click()
    expect(count).to_have_text("0 eğitim dönemi bulundu")
    expect(page.get_by_text("Eşleşen yaklaşan eğitim dönemi yok.")).to_be_visible()

    search.fill("ihale cumra")
    show.click()
    results.get_by_role("link", name="Kamu İhale Kanunu Uygulamaları").click()

    expect(page).to_have_url(re.compile(rf"/catalogue/sessions/{target['id']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kamu İhale Kanunu Uygulamaları")
    expect(page.get_by_text(f"{target['dates']} · Çumra", exact=True)).to_be_visible()
    schedule = page.get_by_role("region", name="Program")
    expect(schedule.get_by_role("listitem")).to_have_text(
        [f"{day}, 09:30–16:30" for day in target["days"]]
    )
    facts = page.locator("dl")
    expect(facts.locator("dt:text-is('Yer / mekân') + dd")).to_have_text(
        re.compile(r"Çumra Kültür Merkezi\s*Cumhuriyet Mah\. İstasyon Cad\. No: 4\s*Çumra")
    )
    expect(facts.locator("dt:text-is('Eğitmenler') + dd")).to_have_text("Hülya Aksoy (Avukat)")
    expect(facts.locator("dt:text-is('Kontenjan') + dd")).to_have_text("25")
    expect(facts.locator("dt:text-is('Boş yer') + dd")).to_have_text("18")
    expect(facts.locator("dt:text-is('Saat') + dd")).to_have_text("14")
    expect(page.get_by_text("Başvurular açık.")).to_be_visible()


# --- 2. an administrator --------------------------------------------------------------------


def _admin_setup(live_app) -> None:
    with live_app.app_context():
        _person("egitim.mudurlugu@example.org", "Serkan", "Doğan", Role.ADMIN, "173205080")
        _person(
            "ozlem.cinar@example.org",
            "Özlem",
            "Çınar",
            Role.TRAINER,
            "223606797",
            title="Bilgi İşlem Şefi",
        )
        db.session.add_all(
            [
                Category(name="Bilgi Teknolojileri"),
                Venue(
                    name="Birlik Eğitim Salonu",
                    address="Feritpaşa Mah. Kule Cad. No: 8",
                    city="Konya",
                    capacity=40,
                ),
            ]
        )
        db.session.commit()
        db.session.remove()


def test_admin_creates_and_publishes_a_session_that_appears_in_the_catalogue(page: Page, live_app):
    _admin_setup(live_app)
    first_day = local_today() + timedelta(days=20)
    second_day = first_day + timedelta(days=1)
    menu = page.get_by_role("navigation", name="Ana menü")
    flash = page.get_by_role("status")

    _login(page, "egitim.mudurlugu@example.org")
    menu.get_by_role("button", name="Yönetim").click()
    menu.get_by_role("link", name="Eğitimler", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eğitimler")
    page.get_by_role("link", name="Yeni eğitim", exact=True).click()

    page.get_by_label("Kod", exact=True).fill("BT-310")
    page.get_by_label("Eğitimin adı", exact=True).fill("Belediyelerde Coğrafi Bilgi Sistemleri")
    page.get_by_label("Kategori", exact=True).select_option(label="Bilgi Teknolojileri")
    page.get_by_label("Türü", exact=True).select_option(label="Kurs")
    page.get_by_label("Eğitim şekli", exact=True).select_option(label="Yüz yüze")
    page.get_by_label("Açıklama", exact=True).fill("İmar ve altyapı verisinin haritada yönetimi.")
    page.get_by_label("Toplam saat", exact=True).fill("12")
    page.get_by_label("Belge", exact=True).select_option(label="Katılım Belgesi")
    page.get_by_role("button", name="Ekle", exact=True).click()

    expect(flash).to_contain_text(
        "Eğitim eklendi. Katalogda görünmesi için “Katalogda göster” düğmesine basın."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Belediyelerde Coğrafi Bilgi Sistemleri"
    )
    page.get_by_role("button", name="Katalogda göster").click()
    expect(flash).to_contain_text("Eğitim artık katalogda gösteriliyor.")

    page.get_by_role("link", name="Yeni eğitim dönemi").click()
    page.get_by_label("İlk gün", exact=True).fill(first_day.isoformat())
    page.get_by_label("Son gün", exact=True).fill(second_day.isoformat())
    page.get_by_label("Yer / mekân", exact=True).select_option(label="Birlik Eğitim Salonu, Konya")
    page.get_by_label("Kontenjan", exact=True).fill("30")
    page.get_by_role("button", name="Ekle", exact=True).click()
    expect(flash).to_contain_text("Eğitim dönemi taslak olarak eklendi.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Taslak")

    meetings = page.get_by_role("region", name="Oturumlar")
    for day, starts, ends, topic in [
        (first_day, "09:30", "12:30", "Temel kavramlar"),
        (second_day, "13:30", "17:30", "Uygulama"),
    ]:
        meetings.get_by_label("Gün", exact=True).fill(day.isoformat())
        meetings.get_by_label("Başlangıç saati", exact=True).fill(starts)
        meetings.get_by_label("Bitiş saati", exact=True).fill(ends)
        meetings.get_by_label("Konu", exact=True).fill(topic)
        meetings.get_by_role("button", name="Oturumu ekle").click()
        expect(flash).to_contain_text("Oturum eklendi.")
    expect(meetings.get_by_role("row")).to_have_count(3)

    trainers = page.get_by_role("region", name="Eğitmenler")
    picker = trainers.get_by_role("combobox", name="Eğitmenler")
    picker.click()
    picker.press_sequentially("özlem")
    picker.press("Enter")
    trainers.get_by_role("button", name="Eğitmenleri kaydet").click()
    expect(flash).to_contain_text("Eğitmenler kaydedildi.")
    expect(trainers.get_by_role("listitem")).to_have_text(["Özlem Çınar"])

    page.get_by_role("button", name="Yayımla").click()
    expect(flash).to_contain_text("Eğitim dönemi yayımlandı.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Yayımlandı")

    menu.get_by_role("link", name="Eğitim kataloğu").click()
    results = page.get_by_role("list").filter(has=page.locator(".session-item"))
    expect(page.get_by_role("status")).to_have_text("1 eğitim dönemi bulundu")
    results.get_by_role("link", name="Belediyelerde Coğrafi Bilgi Sistemleri").click()
    expect(page.get_by_text("Ön izleme")).to_have_count(0)
    expect(page.get_by_role("region", name="Program").get_by_role("listitem")).to_have_text(
        [
            f"{format_date_long(first_day, 'tr')}, 09:30–12:30: Temel kavramlar",
            f"{format_date_long(second_day, 'tr')}, 13:30–17:30: Uygulama",
        ]
    )
    expect(page.locator("dt:text-is('Yer / mekân') + dd")).to_contain_text("Birlik Eğitim Salonu")
    expect(page.locator("dt:text-is('Eğitmenler') + dd")).to_have_text(
        "Özlem Çınar (Bilgi İşlem Şefi)"
    )
    expect(page.locator("dt:text-is('Boş yer') + dd")).to_have_text("30")


def test_on_a_phone_the_filters_fold_behind_one_button(page: Page, live_app):
    """At 360 px the search box comes first and the six other filters open with "Filtrele"."""
    _visitor_catalogue(live_app)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/catalogue")
    search = page.get_by_role("searchbox").or_(page.get_by_label("Ara", exact=False)).first
    expect(search).to_be_visible()
    city = page.locator("select[name=city]")
    expect(city).to_be_hidden()
    # The search box comes before the button, and nothing makes the page scroll sideways.
    filter_button = page.get_by_role("button", name="Filtrele")
    assert search.bounding_box()["y"] < filter_button.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    filter_button.click()
    expect(city).to_be_visible()
    city.select_option(label="Çumra")
    page.get_by_role("button", name="Göster").click()
    expect(page.get_by_role("status")).to_contain_text("2")
    # The filter in use stays in view after the search.
    expect(page.locator("select[name=city]")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/catalogue")
    expect(page.locator("select[name=delivery]")).to_be_visible()
    expect(page.get_by_role("button", name="Filtrele")).to_be_hidden()
