"""The office's text is what the next mail says, in the recipient's language; resetting brings
the shipped text back; nothing the office types is ever evaluated."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from training_app.core.errors import DomainError
from training_app.core.models import AuditEntry, OutboxMessage
from training_app.core.timeutil import local_today
from training_app.extensions import db
from training_app.mailtexts import services
from training_app.mailtexts.models import MailText
from training_app.mailtexts.registry import get_kind

CONFIRMED = get_kind("registration_confirmed")
OUR_TEXT = (
    "Merhaba {ad_soyad},\n\n{egitim} eğitimine kaydınız kesinleşti: {tarih}, {yer}.\n"
    "Ayrıntılar: {baglanti}\n\nSaygılarımızla,\n{birlik} Eğitim Birimi"
)


def last_mail_to(user) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == user.email)
        .order_by(OutboxMessage.id.desc())
    ).first()


def save(kind, locale, subject, body, by):
    text = services.save_text(kind, locale, subject, body, by)
    db.session.commit()
    return text


def test_the_next_mail_uses_the_office_text_and_the_audit_trail_says_who(
    app, office, make_session, make_course, participant, enrol
):
    save(CONFIRMED, "tr", "Kaydınız kesinleşti – {egitim}", OUR_TEXT, office)
    session = make_session(course=make_course(title="Yangın Güvenliği"), requires_approval=False)
    user = participant(first_name="Zeynep", last_name="Çelik")
    enrol(user, session)
    mail = last_mail_to(user)
    assert mail.kind == "registration_confirmed"
    assert mail.subject == "Kaydınız kesinleşti – Yangın Güvenliği"
    assert mail.body_text.startswith("Merhaba Zeynep Çelik,\n\nYangın Güvenliği eğitimine")
    assert f"/catalogue/sessions/{session.id}" in mail.body_text
    assert mail.body_text.endswith("Saygılarımızla,\nKonya Belediyeler Birliği Eğitim Birimi")
    assert mail.attachments, "the calendar file still comes with it"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "mail_text.save")
    ).one()
    assert entry.actor_user_id == office.id
    assert entry.changes["kind"] == "registration_confirmed" and entry.changes["locale"] == "tr"
    assert entry.changes["subject"] == ["", "Kaydınız kesinleşti – {egitim}"]


def test_an_english_user_gets_the_english_text_and_never_the_turkish_one(
    app, office, make_session, participant, enrol
):
    save(CONFIRMED, "tr", "Türkçe konu {egitim}", OUR_TEXT, office)
    english = participant(email="en@example.org")
    english.locale = "en"
    db.session.commit()
    enrol(english, make_session(requires_approval=False))
    mail = last_mail_to(english)
    assert mail.subject.startswith("Registration confirmed: "), "the shipped English text"

    save(CONFIRMED, "en", "You are in: {egitim}", "Dear {ad_soyad}, see {baglanti}", office)
    later = local_today() + timedelta(days=40)
    enrol(english, make_session(requires_approval=False, starts_on=later, days=1))
    mail = last_mail_to(english)
    assert mail.subject.startswith("You are in: ")
    assert mail.body_text.startswith("Dear Kişi1 Yılmaz, see http")


def test_reset_brings_the_shipped_text_back(app, office, make_session, participant, enrol):
    save(CONFIRMED, "tr", "Özel konu {egitim}", OUR_TEXT, office)
    assert services.reset_text(CONFIRMED, "tr", office) is True
    db.session.commit()
    assert db.session.scalar(select(MailText)) is None
    assert services.reset_text(CONFIRMED, "tr", office) is False
    user = participant()
    enrol(user, make_session(requires_approval=False))
    assert last_mail_to(user).subject.startswith("Kayıt onaylandı: ")
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("mail_text.reset") == 1


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ ''.__class__ }}",
        "{{ config }}",
        "{% for x in range(3) %}x{% endfor %}",
        "{egitim.__class__}",
    ],
)
@pytest.mark.parametrize("field", ["subject", "body"])
def test_template_code_is_refused_on_save(app, office, hostile, field):
    texts = {"subject": "Konu {egitim}", "body": "Metin {baglanti}"}
    texts[field] += " " + hostile
    with pytest.raises(DomainError) as refused:
        services.save_text(CONFIRMED, "tr", texts["subject"], texts["body"], office)
    assert refused.value.field == field
    assert db.session.scalar(select(MailText)) is None


def test_template_code_stored_anyway_is_sent_as_written(
    app, office, make_session, participant, enrol
):
    """A text written to the database by other means is still only substituted, never run."""
    body = (
        "{{ config }} {{ ''.__class__ }} {% for x in range(3) %}x{% endfor %} "
        "{egitim.__class__} {baglanti}"
    )
    db.session.add(
        MailText(kind="registration_confirmed", locale="tr", subject="{{ config }}", body=body)
    )
    db.session.commit()
    user = participant()
    session = make_session(requires_approval=False)
    enrol(user, session)
    mail = last_mail_to(user)
    assert mail.subject == "{{ config }}"
    assert mail.body_text.startswith(
        "{{ config }} {{ ''.__class__ }} {% for x in range(3) %}x{% endfor %} {egitim.__class__} "
    )
    assert "SECRET_KEY" not in mail.body_text and "<class" not in mail.body_text


def test_the_subject_is_one_line_and_values_cannot_add_headers(app, office):
    for subject in ("Konu\r\nBcc: x@example.org", "Konu\nBcc: x@example.org"):
        with pytest.raises(DomainError, match="tek satır") as refused:
            services.save_text(CONFIRMED, "tr", subject, OUR_TEXT, office)
        assert refused.value.field == "subject"
    context = {**CONFIRMED.sample_context(services._base_context())}
    context["course_title"] = "Yangın\r\nBcc: x@example.org"
    subject, _body = services.fill_text(CONFIRMED, "Kayıt: {egitim}", OUR_TEXT, context)
    assert subject == "Kayıt: Yangın Bcc: x@example.org"


def test_sizes_emptiness_and_unknown_placeholders_are_refused_with_their_names(app, office):
    cases = [
        ("K" * 201, OUR_TEXT, "subject", "en fazla 200"),
        ("Konu", "x" * 10_001 + "{baglanti}", "body", "en fazla 10000"),
        ("  ", OUR_TEXT, "subject", "konu"),
        ("Konu", "  \n ", "body", "metnini"),
        ("Konu {kurs}", OUR_TEXT, "subject", "{kurs}"),
        ("Konu", OUR_TEXT + " {tckn} {ad soyad", "body", "{tckn}"),
    ]
    for subject, body, field, message in cases:
        with pytest.raises(DomainError) as refused:
            services.save_text(CONFIRMED, "tr", subject, body, office)
        assert refused.value.field == field, subject
        assert message in refused.value.message, refused.value.message


def test_the_link_of_a_password_reset_cannot_be_left_out(app, office):
    kind = get_kind("password_reset")
    with pytest.raises(DomainError, match=r"\{baglanti\}"):
        services.save_text(kind, "tr", "Şifre", "Yeni şifre için bize yazın.", office)
    text = save(kind, "tr", "Şifre", "Yeni şifre: {baglanti} ({sure_dakika} dk)", office)
    assert text.body == "Yeni şifre: {baglanti} ({sure_dakika} dk)"


def test_the_preview_fills_sample_data_and_keeps_system_parts(app):
    kind = get_kind("session_changed")
    with app.test_request_context():
        subject, body = services.preview(
            kind, "tr", "Değişiklik: {egitim}", "{ad_soyad}\n{degisiklikler}\n\n\n\n{baglanti}"
        )
    assert subject == "Değişiklik: Temel İlk Yardım Eğitimi"
    assert body.startswith("Ayşe Yılmaz\n- Oturum taşındı: 12.05.2027 09:30–12:30")
    assert "\n\n\n" not in body and body.endswith("/catalogue/sessions/42")


def test_a_text_that_cannot_be_filled_falls_back_to_the_shipped_mail(app, office):
    """A mail still goes when its office text cannot be filled (here: a context without the
    needs call's ids the link needs); the shipped template writes it."""
    from training_app.core.mail import queue_mail

    kind = get_kind("needs_call_reminder")
    save(kind, "tr", "Hatırlatma {belediye}", "Lütfen girin: {baglanti}", office)
    message = queue_mail(
        "sorumlu@example.org",
        "needs_call_reminder",
        locale="tr",
        person_name="Mehmet Kaya",
        municipality="Meram Belediyesi",
        year=2028,
        deadline="15 Aralık 2027",
    )
    assert message.subject == "Hatırlatma: 2028 eğitim ihtiyaçları (Meram Belediyesi)"
    assert "Lütfen girin" not in message.body_text


def test_two_first_saves_at_once_leave_one_text_the_later_one(app, office, monkeypatch):
    """The race: both saves found no text and insert; the unique (kind, language) refuses the
    second insert, which then updates the row the first one wrote."""
    save(CONFIRMED, "tr", "İlk kayıt {egitim}", OUR_TEXT, office)
    real_lookup = services.office_text
    looked_up = []

    def lookup_before_the_other_commit(kind, locale):
        looked_up.append(locale)
        return None if len(looked_up) == 1 else real_lookup(kind, locale)

    monkeypatch.setattr(services, "office_text", lookup_before_the_other_commit)
    save(CONFIRMED, "tr", "İkinci kayıt {egitim}", OUR_TEXT, office)
    texts = db.session.scalars(select(MailText)).all()
    assert [(t.locale, t.subject) for t in texts] == [("tr", "İkinci kayıt {egitim}")]
    assert len(looked_up) == 2, "the insert was refused and the row looked up again"
