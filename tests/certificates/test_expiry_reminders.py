"""Expiry reminders: 60 and 14 days before a document's last valid day, to the holder and their
municipality's coordinators, once each, with the open sessions that renew it; nothing for a
holder who renewed. Days are moved in the data (valid_until, the run's `today`)."""

from datetime import timedelta

from sqlalchemy import select

from training_app.accounts.models import Role
from training_app.catalog.models import SessionStatus
from training_app.certificates import services
from training_app.certificates.reminders import due_threshold, send_expiry_reminders
from training_app.core.models import OutboxMessage
from training_app.core.timeutil import local_today, utcnow
from training_app.core.turkish import format_date_short
from training_app.extensions import db

TODAY = local_today()


def _mails(kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    else:
        query = query.where(OutboxMessage.kind.like("expiry_reminder%"))
    return db.session.scalars(query).all()


def _document(closed_session, days_left=60, **fields):
    session, admin, regs = closed_session(people=1, document_validity_months=24, **fields)
    (certificate,) = services.issue_certificates(session, admin).issued
    certificate.valid_until = TODAY + timedelta(days=days_left)
    db.session.commit()
    return session, admin, regs[0], certificate


def test_thresholds_late_runs_send_the_60_day_one_until_day_15_and_never_both():
    assert [due_threshold(d) for d in (61, 60, 30, 15)] == [None, 60, 60, 60]
    assert [due_threshold(d) for d in (14, 7, 0, -1)] == [14, 14, 14, None]


def test_holder_and_own_coordinator_get_one_reminder_each_with_open_sessions(
    closed_session, make_user, make_session
):
    session, _admin, registration, certificate = _document(closed_session)
    coordinator = make_user(Role.COORDINATOR, email="koordinator@example.org")
    make_user(Role.COORDINATOR, email="meram@example.org", municipality_name="Meram")
    open_session = make_session(course=session.course, starts_on=TODAY + timedelta(days=20))
    make_session(course=session.course, status=SessionStatus.DRAFT)
    closed = make_session(course=session.course, starts_on=TODAY + timedelta(days=25))
    closed.enrolment_closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    assert send_expiry_reminders() == 2
    db.session.commit()
    person_mail, coordinator_mail = _mails()
    holder = registration.person.user
    assert person_mail.recipient == holder.email and person_mail.kind == "expiry_reminder"
    assert coordinator_mail.recipient == coordinator.email
    assert coordinator_mail.kind == "expiry_reminder_coordinator"
    until = format_date_short(certificate.valid_until)
    assert f"{until} tarihine kadar geçerlidir (60 gün kaldı)" in person_mail.body_text
    assert certificate.register_number in person_mail.body_text
    assert f"/catalogue/sessions/{open_session.id}" in person_mail.body_text
    assert f"/catalogue/sessions/{closed.id}" not in person_mail.body_text  # applications closed
    assert registration.person.full_name in coordinator_mail.body_text
    assert f"/catalogue/sessions/{open_session.id}" in coordinator_mail.body_text

    # Running again (the same day or any day before day 14) sends nothing new.
    assert send_expiry_reminders() == 0
    assert send_expiry_reminders(today=TODAY + timedelta(days=30)) == 0
    db.session.commit()
    assert len(_mails()) == 2
    # Day 14: the second reminder, once.
    assert send_expiry_reminders(today=TODAY + timedelta(days=46)) == 2
    assert send_expiry_reminders(today=TODAY + timedelta(days=50)) == 0
    db.session.commit()
    assert "(14 gün kaldı)" in _mails("expiry_reminder")[-1].body_text
    # After the last valid day: nothing.
    assert send_expiry_reminders(today=TODAY + timedelta(days=61)) == 0


def test_a_late_run_sends_only_the_14_day_reminder(closed_session):
    _session, _admin, _registration, _certificate = _document(closed_session, days_left=10)
    assert send_expiry_reminders() == 1  # the holder; no coordinator in Selçuklu here
    db.session.commit()
    (mail,) = _mails()
    assert "(10 gün kaldı)" in mail.body_text
    assert send_expiry_reminders() == 0


def test_a_run_missing_day_60_still_sends_the_first_reminder_on_day_20(closed_session):
    _document(closed_session, days_left=20)
    assert send_expiry_reminders() == 1
    db.session.commit()
    assert "(20 gün kaldı)" in _mails()[0].body_text


def test_nothing_for_documents_further_away_or_not_expiring(closed_session):
    _document(closed_session, days_left=61)
    session, admin, regs = closed_session(people=1)  # no validity
    services.issue_certificates(session, admin)
    db.session.commit()
    assert send_expiry_reminders() == 0


def test_a_renewed_holder_gets_nothing_and_renewal_sessions_are_offered(
    closed_session, make_course, make_session
):
    renewal = make_course(title="İlk Yardım Yenileme")
    _session, _admin, registration, certificate = _document(
        closed_session, title="İlk Yardım", renewal_course_id=renewal.id
    )
    renewal_session = make_session(course=renewal, starts_on=TODAY + timedelta(days=20))
    assert send_expiry_reminders() == 1
    db.session.commit()
    body = _mails()[0].body_text
    assert "İlk Yardım Yenileme" in body and f"/catalogue/sessions/{renewal_session.id}" in body

    # The holder renews: a newer document of the renewal course, valid longer.
    second, admin2, regs2 = closed_session(people=1, course=renewal)
    # The renewal is taken by the same person: move the registration onto them.
    regs2[0].person_id = registration.person_id
    db.session.commit()
    (renewed,) = services.issue_certificates(second, admin2).issued
    renewed.valid_until = certificate.valid_until + timedelta(days=700)
    db.session.commit()
    assert send_expiry_reminders(today=TODAY + timedelta(days=46)) == 0


def test_a_holder_without_an_active_account_is_skipped_but_coordinators_are_told(
    closed_session, make_user
):
    _session, _admin, registration, _certificate = _document(closed_session)
    coordinator = make_user(Role.COORDINATOR, email="koordinator@example.org")
    registration.person.user.is_active_account = False
    db.session.commit()
    assert send_expiry_reminders() == 1
    db.session.commit()
    assert [m.recipient for m in _mails()] == [coordinator.email]


def test_cli_command_reports_what_it_queued(app, closed_session):
    _document(closed_session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-expiry-reminders"])
    assert result.exit_code == 0 and "Expiry reminders queued: 1" in result.output
    result = runner.invoke(args=["send-expiry-reminders"])
    assert "Expiry reminders queued: 0" in result.output


def test_demo_has_first_aid_documents_expiring_soon_and_one_expired(app):
    from training_app.certificates.expiry import expiring_documents
    from training_app.demo import load_demo_data

    load_demo_data()
    db.session.commit()
    soon = expiring_documents(TODAY, TODAY + timedelta(days=60))
    assert len(soon) >= 3 and {d.course.code for d in soon} == {"YNG-102"}
    assert {d.municipality_id for d in soon} - {None}
    expired = expiring_documents(None, TODAY - timedelta(days=1))
    assert expired
    assert send_expiry_reminders() >= len(soon)


def test_on_the_last_valid_day_the_reminder_says_so(closed_session):
    _document(closed_session, days_left=0)
    assert send_expiry_reminders() == 1
    db.session.commit()
    assert "tarihine kadar geçerlidir (Bugün son gün)" in _mails()[0].body_text
