"""On a phone a participant opens the evaluation link of their mail, logs in, answers with taps
and is thanked; the office's session page then counts one answer."""

import re
from datetime import time, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

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
from training_app.attendance import services as attendance
from training_app.attendance.models import AttendanceStatus
from training_app.attendance.services import MarkInput
from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus, Venue
from training_app.core.models import OutboxMessage
from training_app.core.tckn import complete_tckn
from training_app.core.timeutil import local_today
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.evaluation.default_questionnaire import ensure_default_questionnaire
from training_app.evaluation.models import Response
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
    person.set_tckn(complete_tckn(f"{400000000 + n}"))
    db.session.add_all([user, person])
    db.session.flush()
    db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=current_privacy_notice().id))
    return person


def _held_and_closed(live_app) -> str:
    """A session held yesterday, attended by one participant and closed: the mailed link."""
    with live_app.app_context():
        ensure_default_questionnaire()
        day = local_today() - timedelta(days=1)
        trainer = _user("egitmen@kbb.example.org", "İsmail", "Güneş", Role.TRAINER, 1)
        admin = _user("ofis@kbb.example.org", "Ofis", "Yöneticisi", Role.ADMIN, 2)
        participant = _user("ayse@kbb.example.org", "Ayşe", "Kaya", Role.PARTICIPANT, 3)
        session = Session(
            course=Course(
                code="KVKK-1", title="KVKK Uygulamaları", category=Category(name="Hukuk")
            ),
            venue=Venue(name="Birlik Eğitim Salonu", city="Konya", capacity=40),
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=20,
            seats_taken=1,
            status=SessionStatus.PUBLISHED,
        )
        session.meetings = [Meeting(day=day, starts_at=time(9), ends_at=time(12))]
        session.trainers = [trainer]
        registration = Registration(
            session=session,
            person=participant,
            municipality_id=participant.municipality_id,
            status=RegistrationStatus.CONFIRMED,
        )
        db.session.add_all([session, registration])
        db.session.flush()
        attendance.record_marks(
            session.meetings[0],
            {registration.id: MarkInput(AttendanceStatus.PRESENT)},
            trainer.user,
        )
        attendance.close_session(session, {}, admin.user)
        db.session.commit()
        body = db.session.scalar(
            select(OutboxMessage.body_text).where(
                OutboxMessage.recipient == "ayse@kbb.example.org",
                OutboxMessage.dedup_key.like("evaluation_invitation%"),
            )
        )
        session_id = session.id
        db.session.remove()
    link = re.search(r"https?://\S+(/evaluation/\S+)", body).group(1)
    assert link.startswith(f"/evaluation/{session_id}?t=")
    return link


def test_a_participant_answers_the_evaluation_from_the_mail_on_a_phone(browser, base_url, live_app):
    link = _held_and_closed(live_app)
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="tr-TR")
    page = context.new_page()
    page.goto(link)
    page.get_by_label("E-posta adresi").fill("ayse@kbb.example.org")
    page.get_by_label("Şifre").fill(root_conftest.PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()

    expect(page.get_by_role("heading", name="Eğitimi değerlendirin")).to_be_visible()
    expect(page.get_by_text("Yanıtlarınız anonimdir")).to_be_visible()
    # Every scale answered with a tap on "Katılıyorum" (4); each target is a full-width button.
    agree = page.locator("label.btn", has_text=re.compile(r"^\s*4 · Katılıyorum\s*$"))
    assert agree.count() >= 10
    box = agree.first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= PHONE["width"] * 0.7
    for n in range(agree.count()):
        agree.nth(n).click()
    page.get_by_text("Evet", exact=True).click()
    page.get_by_role("group", name=re.compile("önerileriniz")).get_by_role("textbox").fill(
        "Daha çok uygulama örneği olsun."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Değerlendirmemi gönder").click()
    expect(page.get_by_text("Değerlendirmeniz için teşekkür ederiz!")).to_be_visible()

    page.goto(link)
    expect(page.get_by_text("Bu eğitimi zaten değerlendirdiniz.")).to_be_visible()
    context.close()
    with live_app.app_context():
        (response,) = db.session.scalars(select(Response)).all()
        texts = [a.text for a in response.answers if a.text]
        assert texts == ["Daha çok uygulama örneği olsun."]
        db.session.remove()
