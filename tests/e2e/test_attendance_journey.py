"""On a phone-sized screen a trainer marks a roster of 30 with taps; a reload shows every mark.
A participant checks in by opening the URL of the QR code the trainer shows."""

from datetime import datetime, time, timedelta

from playwright.sync_api import expect

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
from training_app.attendance import checkin
from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
from training_app.core.tckn import complete_tckn
from training_app.core.timeutil import ISTANBUL
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db

PHONE = {"width": 360, "height": 780}


def _user(email, first, last, role, n):
    user = User(email=email)
    user.set_password(root_conftest.PASSWORD)
    user.roles.append(RoleAssignment(role=role))
    person = Person(
        user=user,
        first_name=first,
        last_name=last,
        position=Position.STAFF,
        municipality=root_conftest.municipality("Meram"),
    )
    person.set_tckn(complete_tckn(f"{300000000 + n}"))
    db.session.add_all([user, person])
    db.session.flush()
    db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=current_privacy_notice().id))
    return person


def _setup(live_app, people=30):
    """A session happening now, its trainer and `people` confirmed participants."""
    with live_app.app_context():
        now = datetime.now(ISTANBUL)
        start = max(time(0, 0), (now - timedelta(hours=1)).time()) if now.hour >= 1 else time(0, 0)
        end = (
            min(time(23, 59), (now + timedelta(hours=2)).time()) if now.hour < 22 else time(23, 59)
        )
        trainer = _user("egitmen@kbb.example.org", "İsmail", "Güneş", Role.TRAINER, 0)
        course = Course(
            code="AFET-1", title="Afet Yönetimi", category=Category(name="Afet"), is_published=True
        )
        session = Session(
            course=course,
            starts_on=now.date(),
            ends_on=now.date(),
            city="Konya",
            capacity=people,
            status=SessionStatus.PUBLISHED,
            seats_taken=people,
            requires_approval=False,
        )
        session.meetings = [Meeting(day=now.date(), starts_at=start, ends_at=end)]
        session.trainers = [trainer]
        db.session.add(session)
        for n in range(1, people + 1):
            person = _user(
                f"p{n}@kbb.example.org", f"Katılımcı{n:02d}", "Öztürk", Role.PARTICIPANT, n
            )
            db.session.add(
                Registration(
                    session=session,
                    person=person,
                    municipality_id=person.municipality_id,
                    status=RegistrationStatus.CONFIRMED,
                )
            )
        db.session.commit()
        meeting_id = session.meetings[0].id
        with live_app.test_request_context():
            token = checkin.current_qr_token(session.meetings[0])
        db.session.remove()
    return meeting_id, token


def _login(page, email):
    page.goto("/login")
    page.get_by_label("E-posta adresi").fill(email)
    page.get_by_label("Şifre").fill(root_conftest.PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_text("Hoş geldiniz")).to_be_visible()


def test_trainer_marks_thirty_on_a_phone_and_a_participant_checks_in(browser, base_url, live_app):
    meeting_id, _token = _setup(live_app, people=31)
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="tr-TR")
    page = context.new_page()
    _login(page, "egitmen@kbb.example.org")
    page.goto(f"/attendance/meetings/{meeting_id}")
    rows = page.locator(".roster-row")
    expect(rows).to_have_count(31)
    for index in range(30):
        row = rows.nth(index)
        if index == 7:
            # Tap "late" first, then type the minutes: the minutes are saved on their own.
            row.get_by_role("button", name="Geç kaldı", exact=True).click()
            expect(row.locator(".row-state")).to_contain_text("Kaydedildi")
            rows.nth(index).get_by_label("Geç kaldıysa katıldığı dakika").fill("45")
            rows.nth(index).get_by_label("Geç kaldıysa katıldığı dakika").press("Tab")
            expect(rows.nth(index).locator(".row-state")).to_contain_text("45 dk")
            continue
        row.get_by_role("button", name="Katıldı", exact=True).click()
        expect(row.locator(".row-state")).to_contain_text("Kaydedildi")
    page.reload()
    pressed = page.locator('.roster-row button[aria-pressed="true"]')
    expect(pressed).to_have_count(30)  # the 31st person checks in by QR below
    expect(
        page.locator(".roster-row").nth(7).get_by_role("button", name="Geç kaldı", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    expect(
        page.locator(".roster-row").nth(7).get_by_label("Geç kaldıysa katıldığı dakika")
    ).to_have_value("45")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The QR page shows a code; a participant opens its URL (as the camera would).
    page.get_by_role("link", name="QR kodunu göster").click()
    expect(page.get_by_role("img", name="Bu oturumun yoklaması için QR kodu")).to_be_visible()
    context.close()

    with live_app.app_context(), live_app.test_request_context():
        from training_app.catalog.models import Meeting as MeetingModel

        token = checkin.current_qr_token(db.session.get(MeetingModel, meeting_id))
        db.session.remove()
    participant_context = browser.new_context(base_url=base_url, viewport=PHONE, locale="tr-TR")
    phone = participant_context.new_page()
    phone.goto(f"/checkin/{meeting_id}/{token}")
    expect(phone.get_by_text("Yoklamaya katılmak için giriş yapın")).to_be_visible()
    phone.get_by_label("E-posta adresi").fill("p31@kbb.example.org")
    phone.get_by_label("Şifre").fill(root_conftest.PASSWORD)
    phone.get_by_role("button", name="Giriş yap").click()
    expect(phone.get_by_text("Yoklamaya katıldınız. Hoş geldiniz!")).to_be_visible()
    participant_context.close()
    with live_app.app_context():
        from training_app.attendance.models import AttendanceMark

        assert db.session.query(AttendanceMark).count() == 31
        db.session.remove()


def test_roster_buttons_stay_on_one_row_on_a_360_px_phone(browser, base_url, live_app):
    meeting_id, _token = _setup(live_app, people=2)
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="tr-TR")
    page = context.new_page()
    _login(page, "egitmen@kbb.example.org")
    page.goto(f"/attendance/meetings/{meeting_id}")
    buttons = page.locator(".roster-row").first.locator("button[name=status]")
    expect(buttons).to_have_count(4)
    boxes = [buttons.nth(i).bounding_box() for i in range(4)]
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    assert all(box["height"] >= 40 and box["width"] >= 60 for box in boxes), boxes
    assert max(box["x"] + box["width"] for box in boxes) <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
