"""The office rewrites the "registration confirmed" mail from its shipped wording, previews it,
saves it, approves an application, and the outgoing mail shows the new text. The editor passes
axe."""

from datetime import time, timedelta

from playwright.sync_api import expect

from tests.e2e.test_accessibility import blocking_violations, describe
from tests.e2e.test_attendance_journey import _login, _user
from training_app.accounts.models import Role
from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
from training_app.core.timeutil import local_today
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db

ADMIN = "egitim.birimi@kbb.example.org"
TITLE = "Belediyelerde Yangın Güvenliği"


def _setup(live_app) -> None:
    """An application waiting for a decision in a session that needs approval; the office."""
    with live_app.app_context():
        _user(ADMIN, "Şeyma", "Doğan", Role.ADMIN, 810)
        person = _user("gul.sahin@meram.bel.tr", "Gül", "Şahin", Role.PARTICIPANT, 811)
        day = local_today() + timedelta(days=20)
        session = Session(
            course=Course(
                code="YNG-1", title=TITLE, category=Category(name="İSG"), is_published=True
            ),
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=10,
            status=SessionStatus.PUBLISHED,
            requires_approval=True,
            meetings=[Meeting(day=day, starts_at=time(9), ends_at=time(12))],
        )
        db.session.add_all(
            [
                session,
                Registration(
                    session=session,
                    person=person,
                    municipality_id=person.municipality_id,
                    status=RegistrationStatus.PENDING_APPROVAL,
                ),
            ]
        )
        db.session.commit()
        db.session.remove()


def test_office_edits_previews_saves_and_the_next_mail_says_it(page, live_app):
    _setup(live_app)
    _login(page, ADMIN)
    page.get_by_role("button", name="Yönetim").click()
    page.get_by_role("link", name="E-posta metinleri").click()
    page.get_by_role("link", name="Düzenle: Kayıt onaylandı (Türkçe)").click()

    subject = page.get_by_label("Konu")
    body = page.get_by_label("Metin")
    # The editor starts from the shipped wording, with placeholders where the values go.
    expect(subject).to_have_value("Kayıt onaylandı: {egitim}")
    expect(body).to_have_value(
        "Sayın {ad_soyad},\n\n“{egitim}” ({tarih}, {yer}) eğitimine kaydınız onaylandı."
        "\n\nEğitim dönemi ayrıntıları ve takvim dosyası:\n{baglanti}\n\n{birlik}"
    )
    subject.fill("Kaydınız kesinleşti: {egitim}")
    body.fill("Sayın {ad_soyad},\n\n{egitim} eğitimine yeriniz ayrıldı. Ayrıntılar: ")
    page.get_by_role("button", name="{baglanti}").click()  # inserted where the cursor is
    body.press("End")
    body.type("\n\nBirlik Eğitim Birimi")
    page.get_by_role("button", name="Önizle").click()
    preview = page.get_by_test_id("preview")
    expect(preview.get_by_test_id("preview-subject")).to_have_text(
        "Kaydınız kesinleşti: Temel İlk Yardım Eğitimi"
    )
    expect(preview.get_by_test_id("preview-body")).to_contain_text(
        "Sayın Ayşe Yılmaz, Temel İlk Yardım Eğitimi eğitimine yeriniz ayrıldı. Ayrıntılar: http"
    )
    violations = blocking_violations(page)
    assert not violations, f"axe on the mail text editor:\n{describe(violations)}"

    # An unknown placeholder is refused and named; what was typed stays.
    subject.fill("Kaydınız kesinleşti: {kurs}")
    page.get_by_role("button", name="Kaydet").click()
    expect(page.get_by_text("Tanınmayan yer tutucu: {kurs}", exact=False).first).to_be_visible()
    expect(page.get_by_label("Metin")).to_contain_text("yeriniz ayrıldı")
    page.get_by_label("Konu").fill("Kaydınız kesinleşti: {egitim}")
    page.get_by_role("button", name="Kaydet").click()
    expect(page.get_by_text("Metin kaydedildi")).to_be_visible()
    violations = blocking_violations(page)
    assert not violations, f"axe on the saved mail text:\n{describe(violations)}"

    page.goto("/coordinator/requests")
    page.get_by_role("button", name="Gül Şahin: onayla").click()
    expect(page.get_by_text("1 başvuru onaylandı", exact=False)).to_be_visible()

    page.goto("/admin/outbox")
    page.get_by_role("link", name=f"Kaydınız kesinleşti: {TITLE}").click()
    expect(page.get_by_text("Sayın Gül Şahin,", exact=False)).to_be_visible()
    expect(page.get_by_text(f"{TITLE} eğitimine yeriniz ayrıldı.", exact=False)).to_be_visible()
    expect(page.get_by_text("Birlik Eğitim Birimi", exact=False)).to_be_visible()
