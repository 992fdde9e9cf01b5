"""A participant applies for a session that needs approval, the coordinator approves, a second
participant lands on the waiting list and is promoted when the first withdraws."""

from datetime import time, timedelta

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
from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
from training_app.core.tckn import complete_tckn
from training_app.core.timeutil import local_today
from training_app.extensions import db


def _account(email, first, last, role, prefix, coordinated=None):
    user = User(email=email)
    user.set_password(root_conftest.PASSWORD)
    municipality = root_conftest.municipality("Ilgın")
    user.roles.append(
        RoleAssignment(role=role, municipality_id=municipality.id if coordinated else None)
    )
    person = Person(
        user=user,
        first_name=first,
        last_name=last,
        municipality=municipality,
        position=Position.STAFF,
    )
    person.set_tckn(complete_tckn(prefix))
    db.session.add_all([user, person])
    db.session.flush()
    db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=current_privacy_notice().id))


def _setup(live_app) -> int:
    with live_app.app_context():
        _account("ilk@ilgin.bel.tr", "Ayşe", "Işık", Role.PARTICIPANT, "314159265")
        _account("ikinci@ilgin.bel.tr", "Çağrı", "Öztürk", Role.PARTICIPANT, "271828183")
        _account(
            "egitim@ilgin.bel.tr", "Şule", "Çelik", Role.COORDINATOR, "161803398", coordinated=True
        )
        day = local_today() + timedelta(days=21)
        course = Course(
            code="KVKK-201",
            title="Belediyelerde Kişisel Verilerin Korunması",
            category=Category(name="KVKK"),
            is_published=True,
        )
        session = Session(
            course=course,
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=1,
            status=SessionStatus.PUBLISHED,
            requires_approval=True,
        )
        session.meetings = [Meeting(day=day, starts_at=time(9), ends_at=time(16))]
        db.session.add(session)
        db.session.commit()
        session_id = session.id
        db.session.remove()
    return session_id


def _login(page, email):
    page.goto("/login")
    page.get_by_label("E-posta adresi").fill(email)
    page.get_by_label("Şifre").fill(root_conftest.PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_text("Hoş geldiniz")).to_be_visible()


def _logout(page):
    page.get_by_role("button", name="Çıkış yap").click()
    expect(page.get_by_text("Çıkış yaptınız.")).to_be_visible()


def test_apply_approve_waitlist_and_promotion(page, live_app):
    session_id = _setup(live_app)

    _login(page, "ilk@ilgin.bel.tr")
    page.goto(f"/catalogue/sessions/{session_id}")
    page.get_by_role("button", name="Başvur").click()
    expect(page.get_by_text("Başvurunuz alındı")).to_be_visible()
    _logout(page)

    _login(page, "egitim@ilgin.bel.tr")
    page.get_by_role("link", name="Onaylar").click()
    # The row's own button decides that application alone.
    page.get_by_role("button", name="Ayşe Işık: onayla").click()
    expect(page.get_by_text("1 başvuru onaylandı; kayıtları kesinleşti.")).to_be_visible()
    _logout(page)

    _login(page, "ilk@ilgin.bel.tr")
    page.get_by_role("link", name="Eğitimlerim").click()
    expect(page.get_by_text("Belediyelerde Kişisel Verilerin Korunması")).to_be_visible()
    expect(page.get_by_role("heading", name="Yaklaşan eğitimler")).to_be_visible()
    _logout(page)

    # The second applicant is approved too, but the only seat is taken: waiting list.
    _login(page, "ikinci@ilgin.bel.tr")
    page.goto(f"/catalogue/sessions/{session_id}")
    page.get_by_role("button", name="Başvur").click()
    # Each answer is awaited before logging out: a click that leaves the page at once would
    # abort the request still on its way.
    expect(page.get_by_text("Başvurunuz alındı")).to_be_visible()
    _logout(page)
    _login(page, "egitim@ilgin.bel.tr")
    page.goto("/coordinator/requests")
    page.get_by_role("checkbox", name="Çağrı Öztürk").check()
    page.get_by_role("button", name="Kararı uygula").click()
    expect(
        page.get_by_text("0 başvuru onaylandı, 1 başvuru yedek listeye alındı", exact=False)
    ).to_be_visible()
    _logout(page)
    _login(page, "ikinci@ilgin.bel.tr")
    page.goto("/my/trainings")
    expect(page.get_by_text("Yedek listede 1. sıradasınız.")).to_be_visible()
    _logout(page)

    # The first withdraws; the second is promoted at once.
    _login(page, "ilk@ilgin.bel.tr")
    page.goto("/my/trainings")
    page.once("dialog", lambda dialog: dialog.accept())  # "Are you sure?"
    page.get_by_role("button", name="Vazgeç").click()
    expect(page.get_by_text("Kayıt iptal edildi.")).to_be_visible()
    _logout(page)
    _login(page, "ikinci@ilgin.bel.tr")
    page.goto(f"/catalogue/sessions/{session_id}")
    expect(page.get_by_text("Onaylandı", exact=True)).to_be_visible()
