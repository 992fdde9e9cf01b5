"""The office chooses a session's trainers from a searchable list: typing filters the names the
Turkish way ("ışı" finds Işık, "gunes" finds Güneş), chosen trainers show as removable chips,
the keyboard alone can choose and remove, and the page passes axe with the list open."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import blocking_violations, describe
from tests.e2e.test_catalogue_journey import _login, _person, _session
from training_app.accounts.models import Role
from training_app.catalog.models import Category, Course, SessionStatus
from training_app.core.timeutil import local_today
from training_app.extensions import db


def _draft_session(live_app) -> int:
    with live_app.app_context():
        _person("ofis@kbb.example.org", "Elif", "Ofis", Role.ADMIN, "310000001")
        _person("ayse@kbb.example.org", "Ayşe", "Işık", Role.TRAINER, "310000002")
        _person("ismail@kbb.example.org", "İsmail", "Güneş", Role.TRAINER, "310000003")
        _person("mehmet@kbb.example.org", "Mehmet", "Kaya", Role.TRAINER, "310000004")
        course = Course(code="IMR-02", title="İmar Mevzuatı", category=Category(name="Mevzuat"))
        session = _session(
            course, local_today() + timedelta(days=20), "Konya", status=SessionStatus.DRAFT
        )
        db.session.commit()
        session_id = session.id
        db.session.remove()
    return session_id


def test_trainers_are_chosen_from_a_list_filtered_the_turkish_way(page: Page, live_app):
    session_id = _draft_session(live_app)
    _login(page, "ofis@kbb.example.org")
    page.goto(f"/admin/catalogue/sessions/{session_id}")
    picker = page.get_by_role("combobox", name="Eğitmenler")
    expect(picker).to_be_visible()
    # The native select is taken out of the tab order: one control to type into.
    expect(page.locator("select#trainer_ids")).to_have_attribute("tabindex", "-1")

    picker.click()
    options = page.locator("#trainer_ids-ts-dropdown").get_by_role("option")
    expect(options).to_have_count(3)
    violations = blocking_violations(page)
    assert not violations, f"axe on the open trainer picker:\n{describe(violations)}"

    picker.press_sequentially("ışı")
    expect(options).to_have_text(["Ayşe Işık"])
    picker.press("Enter")
    chips = page.locator(".ts-control .item")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("Ayşe Işık")

    # ASCII typing forgives the Turkish letters; the keyboard alone picks the second one.
    picker.press_sequentially("GUNES")
    expect(options).to_have_text(["İsmail Güneş"])
    picker.press("Enter")
    expect(chips).to_have_count(2)
    picker.press_sequentially("zzz")
    expect(page.get_by_text("Bu adla eşleşen eğitmen yok.")).to_be_visible()
    picker.fill("")
    # Tab leaves the list for the save button, as a keyboard user would.
    picker.press("Tab")
    save = page.get_by_role("button", name="Eğitmenleri kaydet")
    expect(save).to_be_focused()
    save.press("Enter")
    expect(page.get_by_text("Eklenen: İsmail Güneş, Ayşe Işık.")).to_be_visible()
    expect(chips).to_have_count(2)

    # A chip's remove button takes the trainer off; Backspace in the box removes the last one.
    page.get_by_role("button", name="Kaldır: İsmail Güneş").click()
    expect(chips).to_have_count(1)
    picker.click()
    picker.press("Backspace")
    expect(chips).to_have_count(0)
    picker.press_sequentially("kaya")
    expect(options).to_have_text(["Mehmet Kaya"])
    picker.press("Enter")
    expect(chips).to_have_text(["Mehmet Kaya×"])
    picker.press("Tab")
    save.press("Enter")
    expect(page.get_by_text("Eklenen: Mehmet Kaya.")).to_be_visible()
    expect(page.get_by_text("Çıkarılan: İsmail Güneş, Ayşe Işık.")).to_be_visible()
    violations = blocking_violations(page)
    assert not violations, f"axe on the session page:\n{describe(violations)}"


def test_without_javascript_the_plain_select_still_saves(browser, base_url, live_app):
    session_id = _draft_session(live_app)
    context = browser.new_context(base_url=base_url, java_script_enabled=False, locale="tr-TR")
    page = context.new_page()
    try:
        _login(page, "ofis@kbb.example.org")
        page.goto(f"/admin/catalogue/sessions/{session_id}")
        page.locator("select#trainer_ids").select_option(label="Mehmet Kaya")
        page.get_by_role("button", name="Eğitmenleri kaydet").click()
        expect(page.get_by_text("Eklenen: Mehmet Kaya.")).to_be_visible()
    finally:
        context.close()
