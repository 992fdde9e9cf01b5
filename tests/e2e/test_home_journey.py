"""Each demo login lands on its own home page: the sections of its roles, every link opening
its work, no serious accessibility problem, on a desktop and on a 390 px phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import BLOCKING_IMPACTS, axe, describe
from training_app.demo import load_demo_data
from training_app.demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from training_app.extensions import db

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
#: login -> (the section its role shows, what that section must hold)
LOGINS = {
    "participant": ("katilimci", "#participant-home", "Eğitimlerim"),
    "trainer": ("egitmen", "#trainer-home", "Eğitmenlik"),
    "coordinator": ("koordinator.selcuklu", "#coordinator-home", "Belediyem"),
    "office": ("admin", "#office-home", "Eğitim biriminin işleri"),
}


@pytest.fixture
def demo(live_app):
    with live_app.app_context():
        load_demo_data()
        db.session.commit()
        db.session.remove()


def _log_in(page, login: str) -> None:
    page.goto("/login")
    page.get_by_label("E-posta adresi", exact=True).fill(f"{login}@{DEMO_DOMAIN}")
    page.get_by_label("Şifre", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("heading", name="Sizi bekleyenler")).to_be_visible()


def _links_land(context, page, selector: str) -> int:
    """Every same-site link of the section opens (200) for this person."""
    hrefs = page.locator(f"{selector} a[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    for href in dict.fromkeys(hrefs):
        response = context.request.get(href)
        assert response.status == 200, (href, response.status)
    return len(hrefs)


@pytest.mark.parametrize("role", list(LOGINS))
def test_each_demo_login_lands_on_its_home_page(browser, base_url, demo, role):
    login, selector, heading = LOGINS[role]
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(base_url=base_url, locale="tr-TR", viewport=viewport)
        page = context.new_page()
        try:
            _log_in(page, login)
            section = page.locator(selector)
            expect(section.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            if role == "trainer":
                # Today's meetings come first, each with its roll-call button.
                expect(section.get_by_role("heading", name="Bugün", exact=True)).to_be_visible()
            if role == "coordinator":
                expect(section).to_contain_text("Kararınızı bekleyen başvurular")
            assert _links_land(context, page, selector) > 0
            page.screenshot(path=f"/tmp/home-{role}-{name}.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{role} on {name} scrolls sideways ({width}px)"
            violations = [
                v
                for v in axe.run(page).response["violations"]
                if v.get("impact") in BLOCKING_IMPACTS
            ]
            assert violations == [], describe(violations)
        finally:
            context.close()


def test_visitors_home_shows_upcoming_trainings_and_the_search(browser, base_url, demo):
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(base_url=base_url, locale="tr-TR", viewport=viewport)
        page = context.new_page()
        try:
            page.goto("/")
            expect(page.locator("#upcoming-trainings article")).to_have_count(6)
            page.screenshot(path=f"/tmp/home-visitor-{name}.png", full_page=True)
            violations = [
                v
                for v in axe.run(page).response["violations"]
                if v.get("impact") in BLOCKING_IMPACTS
            ]
            assert violations == [], describe(violations)
            page.get_by_label("Katalogda ara").fill("imar")
            page.get_by_role("button", name="Katalogda ara").click()
            expect(page).to_have_url(f"{base_url}/catalogue?q=imar")
        finally:
            context.close()
