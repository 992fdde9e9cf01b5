"""Each demo login lands on its own home page: the sections of its roles, every link opening
its work, no serious accessibility problem, on a desktop and on a 390 px phone."""

from datetime import time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_accessibility import BLOCKING_IMPACTS, axe, describe
from training_app.accounts.models import Person, User
from training_app.catalog.models import Session, SessionStatus
from training_app.core.timeutil import local_now
from training_app.demo import load_demo_data
from training_app.demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from training_app.enrollment import services as enrollment
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
    """The demo data, on a day when its trainer teaches and its participant has a seat: the
    office registers the participant for a session and a meeting moves to now."""
    with live_app.app_context():
        load_demo_data()
        db.session.commit()
        users = {
            u.email.split("@")[0]: u
            for u in db.session.scalars(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")))
        }
        person = users["katilimci"].person
        seat = next(
            s
            for s in db.session.scalars(
                select(Session)
                .where(Session.status == SessionStatus.PUBLISHED)
                .order_by(Session.starts_on, Session.id)
            )
            if enrollment.eligibility_problem(person, s, check_window=False) is None
        )
        enrollment.enroll(person, seat, by=users["admin"], nominated=True, check_window=False)
        taught = db.session.scalars(
            select(Session)
            .join(Session.trainers)
            .where(
                Person.id == users["egitmen"].person.id,
                Session.status == SessionStatus.PUBLISHED,
            )
            .order_by(Session.starts_on)
        ).first()
        now = local_now()
        meeting = taught.meetings[0]
        meeting.day = taught.starts_on = now.date()
        meeting.starts_at = max(time(0), (now - timedelta(minutes=30)).time()).replace(
            second=0, microsecond=0
        )
        meeting.ends_at = time(23, 59)
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
            if role == "participant":
                card = section.locator("#next-training")
                expect(card).to_contain_text("Sıradaki eğitiminiz")
                expect(card.get_by_role("link", name="Takvimime ekle")).to_be_visible()
            if role == "trainer":
                # Today's meetings come first, each with its roll-call button.
                expect(section.get_by_role("heading", name="Bugün", exact=True)).to_be_visible()
                button = section.locator("#todays-meetings").get_by_role("link").first
                expect(button).to_contain_text("Yoklama al")
            if role == "coordinator":
                expect(section).to_contain_text("Kararınızı bekleyen başvurular")
                expect(section.get_by_role("button", name="Onayla").first).to_be_visible()
            if role == "office":
                expect(section.locator("#office-tasks li").first).to_be_visible()
            assert _links_land(context, page, selector) > 0
            if role == "trainer":
                button.click()
                expect(page.get_by_role("heading", level=1)).to_contain_text("Yoklama")
                page.go_back()
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
