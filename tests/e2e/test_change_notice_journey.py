"""An administrator moves a meeting of a published session in the browser: after the quiet
period the outbox holds one mail per person (confirmed, waitlisted, trainer) with a calendar file
whose SEQUENCE grew. The public union calendar shows the session, passes axe and fits a phone."""

import re
from datetime import timedelta

from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.test_accessibility import PHONE_WIDTH, blocking_violations, describe
from tests.e2e.test_catalogue_journey import _login, _person, _session
from training_app.accounts.models import Role
from training_app.catalog.models import Category, Course
from training_app.core.models import OutboxMessage
from training_app.core.timeutil import local_today, utcnow
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.enrollment.notices import send_due_change_notices
from training_app.extensions import db


def _published_session(live_app) -> dict:
    with live_app.app_context():
        admin = _person("ofis@kbb.example.org", "Elif", "Ofis", Role.ADMIN, "300000001")
        trainer = _person("egitmen@kbb.example.org", "İsmail", "Güneş", Role.TRAINER, "300000002")
        confirmed = _person("onayli@kbb.example.org", "Gül", "Şahin", Role.PARTICIPANT, "300000003")
        waiting = _person("yedek@kbb.example.org", "Ömer", "Çelik", Role.PARTICIPANT, "300000004")
        course = Course(
            code="IMR-01",
            title="İmar Uygulamaları",
            category=Category(name="Mevzuat"),
            is_published=True,
        )
        day = local_today() + timedelta(days=10)
        session = _session(course, day, "Konya", capacity=1, seats_taken=1, trainers=[trainer])
        for person, status in (
            (confirmed, RegistrationStatus.CONFIRMED),
            (waiting, RegistrationStatus.WAITLISTED),
        ):
            db.session.add(
                Registration(
                    session=session,
                    person=person,
                    municipality_id=person.municipality_id,
                    status=status,
                )
            )
        db.session.commit()
        details = {
            "admin": admin.user.email,
            "session_id": session.id,
            "meeting_id": session.meetings[0].id,
            "sequence": session.sequence,
            "day": day,
        }
        db.session.remove()
    return details


def test_moving_a_meeting_mails_everyone_once_with_a_newer_calendar_file(page: Page, live_app):
    data = _published_session(live_app)
    _login(page, data["admin"])
    page.goto(f"/admin/catalogue/meetings/{data['meeting_id']}")
    page.get_by_label("Başlangıç saati", exact=True).fill("13:00")
    page.get_by_label("Bitiş saati", exact=True).fill("16:00")
    page.get_by_role("button", name="Kaydet").click()
    expect(page.get_by_text("Oturum kaydedildi.")).to_be_visible()
    with live_app.app_context():
        assert send_due_change_notices(utcnow() + timedelta(minutes=1)) == 0
        assert send_due_change_notices(utcnow() + timedelta(minutes=6)) == 3
        db.session.commit()
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "session_changed")
        ).all()
        assert sorted(m.recipient for m in mails) == [
            "egitmen@kbb.example.org",
            "onayli@kbb.example.org",
            "yedek@kbb.example.org",
        ]
        label = data["day"].strftime("%d.%m.%Y")
        for message in mails:
            assert f"{label} 09:30–16:30 → {label} 13:00–16:00" in message.body_text
            (event,) = Calendar.from_ical(message.attachments[0].content).walk("VEVENT")
            assert str(event["UID"]).startswith(f"meeting-{data['meeting_id']}@")
            assert int(event["SEQUENCE"]) > data["sequence"]
        db.session.remove()


def test_union_calendar_passes_axe_and_fits_a_phone(page: Page, live_app):
    data = _published_session(live_app)
    month = data["day"].strftime("%Y-%m")
    page.goto(f"/calendar?month={month}")
    expect(page.locator("main h1")).to_have_text("Eğitim takvimi")
    expect(page.get_by_role("link", name="İmar Uygulamaları")).to_be_visible()
    violations = blocking_violations(page)
    assert not violations, f"axe on /calendar:\n{describe(violations)}"
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page.goto(f"/calendar?month={month}")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, f"/calendar is {scroll_width}px wide on a phone"
    page.locator('a[rel="next"]').click()
    expect(page).to_have_url(re.compile(r"month=\d{4}-\d{2}"))
    expect(page.get_by_role("link", name="İmar Uygulamaları")).to_have_count(0)
