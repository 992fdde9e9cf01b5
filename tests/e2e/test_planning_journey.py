"""The union's yearly cycle in a browser: the office opens a needs call, two coordinators
submit needs (one after saving a draft), the office builds and approves the plan from the
consolidated demand, creates a session from a plan line, and plan against delivery shows it."""

from datetime import timedelta

from playwright.sync_api import expect

from tests import conftest as root_conftest
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, axe, describe
from training_app.accounts.models import (
    Person,
    Position,
    PrivacyAcknowledgement,
    Role,
    RoleAssignment,
    User,
)
from training_app.accounts.services import current_privacy_notice
from training_app.catalog.models import Category, Course
from training_app.core.tckn import complete_tckn
from training_app.core.timeutil import local_today
from training_app.extensions import db

COURSE = "Afet ve Acil Durum Yönetimi"


def _user(email, role, municipality_name, n):
    user = User(email=email)
    user.set_password(root_conftest.PASSWORD)
    municipality = root_conftest.municipality(municipality_name) if municipality_name else None
    user.roles.append(
        RoleAssignment(
            role=role, municipality_id=municipality.id if role == Role.COORDINATOR else None
        )
    )
    person = Person(
        user=user,
        first_name=f"Kişi{n}",
        last_name="Aydın",
        position=Position.UNIT_HEAD,
        municipality=municipality,
    )
    person.set_tckn(complete_tckn(f"{400000000 + n}"))
    db.session.add_all([user, person])
    db.session.flush()
    db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=current_privacy_notice().id))


def _setup(live_app):
    with live_app.app_context():
        _user("ofis@kbb.example.org", Role.ADMIN, None, 1)
        _user("ilgin@kbb.example.org", Role.COORDINATOR, "Ilgın", 2)
        _user("cumra@kbb.example.org", Role.COORDINATOR, "Çumra", 3)
        db.session.add(
            Course(code="AFET-101", title=COURSE, category=Category(name="Afet"), is_published=True)
        )
        db.session.commit()
        db.session.remove()


def _login(context, email):
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-posta adresi").fill(email)
    page.get_by_label("Şifre").fill(root_conftest.PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_text("Hoş geldiniz")).to_be_visible()
    return page


def _no_blocking_violations(page):
    results = axe.run(page, context="#main").response["violations"]
    violations = [v for v in results if v.get("impact") in BLOCKING_IMPACTS]
    assert violations == [], describe(violations)


def _need(page, people, button):
    page.get_by_role("link", name="İhtiyaç ekle").click()
    page.get_by_label("Katalogdaki eğitim").select_option(label=f"{COURSE} (AFET-101)")
    page.get_by_label("İlgili görevler").select_option(["unit_head", "staff"])
    page.get_by_label("Kişi sayısı").fill(str(people))
    page.get_by_label("Öncelik").select_option(label="Yüksek")
    page.get_by_role("button", name=button).click()


def test_needs_call_to_plan_to_session_to_delivery(browser, base_url, live_app):
    _setup(live_app)
    year = local_today().year + 1
    deadline = local_today() + timedelta(days=20)

    office = _login(browser.new_context(base_url=base_url, locale="tr-TR"), "ofis@kbb.example.org")
    office.goto("/admin/planning/calls")
    office.get_by_label("Plan yılı").fill(str(year))
    office.get_by_label("Son tarih").fill(deadline.isoformat())
    office.get_by_label("Belediyelere mesaj").fill("Birimlerinize danışarak doldurunuz.")
    office.get_by_role("button", name="Çağrıyı aç").click()
    expect(office.get_by_text("İhtiyaç analizi çağrısı açıldı")).to_be_visible()
    expect(office.get_by_text("32 belediyeden 0 tanesi yanıtladı.")).to_be_visible()

    # Ilgın saves a draft first, then submits it.
    ilgin = _login(browser.new_context(base_url=base_url, locale="tr-TR"), "ilgin@kbb.example.org")
    ilgin.get_by_role("link", name=f"{year} eğitim ihtiyaçlarını girin: Ilgın").click()
    _need(ilgin, 12, "Taslak olarak kaydet")
    expect(ilgin.get_by_text("İhtiyaç taslak olarak kaydedildi")).to_be_visible()
    expect(ilgin.get_by_role("cell", name="Taslak", exact=True)).to_be_visible()
    _no_blocking_violations(ilgin)
    ilgin.get_by_role("button", name="Taslakları gönder").click()
    expect(ilgin.get_by_text("1 ihtiyaç gönderildi.")).to_be_visible()

    # Çumra submits at once; a need without people is refused with the field named first.
    cumra = _login(browser.new_context(base_url=base_url, locale="tr-TR"), "cumra@kbb.example.org")
    cumra.get_by_role("link", name=f"{year} eğitim ihtiyaçlarını girin: Çumra").click()
    _need(cumra, 0, "Gönder")
    expect(
        cumra.get_by_text("Kişi sayısı: bu eğitime kaç kişinin ihtiyacı olduğunu girin")
    ).to_be_visible()
    cumra.get_by_label("Kişi sayısı").fill("8")
    cumra.get_by_role("button", name="Gönder").click()
    expect(cumra.get_by_text("İhtiyaç gönderildi.")).to_be_visible()

    # The office: who answered, the demand, the plan built from it and approved.
    office.reload()
    expect(office.get_by_text("32 belediyeden 2 tanesi yanıtladı.")).to_be_visible()
    office.goto("/admin/planning/plans")
    office.get_by_label("Plan yılı").fill(str(year))
    office.get_by_role("button", name="Taslak planı oluştur").click()
    office.get_by_role("link", name="Toplu ihtiyaç").click()
    topic = office.get_by_role("row").filter(has_text=COURSE)
    expect(topic).to_contain_text("20")  # 12 + 8 people of two municipalities
    _no_blocking_violations(office)
    office.get_by_role("button", name="Talepteki tüm eğitimleri taslak plana ekle").click()
    expect(office.get_by_text("Plana 1 eğitim eklendi.")).to_be_visible()
    office.get_by_label("Karar tarihi").fill(local_today().isoformat())
    office.get_by_label("Karar sayısı").fill("2026/45")
    office.get_by_role("button", name="Onayla", exact=True).click()
    expect(office.get_by_text("Plan onaylandı ve yayımlandı.")).to_be_visible()

    # A session from the plan line: the form comes pre-filled, the session is linked.
    office.get_by_role("link", name="Bu kalemden eğitim dönemi oluştur").click()
    expect(office.locator("#city")).to_have_value("Konya")
    first_day = office.locator("#starts_on").input_value()
    office.locator("#ends_on").fill(first_day)
    office.get_by_role("button", name="Ekle").click()
    expect(office.get_by_text("plana bağlandı")).to_be_visible()

    office.goto(f"/admin/planning/delivery?year={year}")
    row = (
        office.get_by_role("table", name="Plan ve gerçekleşme")
        .get_by_role("row")
        .filter(has_text=COURSE)
    )
    expect(row).to_contain_text("gerçekleşmedi")  # scheduled, not held yet
    expect(row.get_by_role("cell").nth(3)).to_have_text("1")  # one session scheduled
    _no_blocking_violations(office)
