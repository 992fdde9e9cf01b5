"""Change notices: one mail per person after a burst of edits, with a calendar file that moves
the event (same UID, higher SEQUENCE) or removes it (METHOD:CANCEL); calendar files on the
approval, promotion and reminder mails."""

import email
from datetime import time, timedelta

from icalendar import Calendar
from sqlalchemy import select

from training_app.accounts.models import Role
from training_app.catalog.meetings import (
    MeetingDetails,
    add_meeting,
    delete_meeting,
    update_meeting,
)
from training_app.catalog.models import ChangeNotice
from training_app.core.mail import _send, deliver_outbox
from training_app.core.models import OutboxMessage
from training_app.core.timeutil import local_today, utcnow
from training_app.enrollment import services
from training_app.enrollment.notices import send_due_change_notices
from training_app.enrollment.reminders import send_reminders
from training_app.extensions import db

LATER = timedelta(minutes=6)


def changed_mails():
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "session_changed")
            .order_by(OutboxMessage.recipient)
        )
    )


def ics(message, cancel=False):
    wanted = [a for a in message.attachments if ("CANCEL" in a.content_type.upper()) == cancel]
    assert len(wanted) == 1, [a.content_type for a in message.attachments]
    return Calendar.from_ical(wanted[0].content)


def session_with_people(make_session, make_trainer, participant, enrol, capacity=1):
    trainer = make_trainer()
    day = local_today() + timedelta(days=10)
    session = make_session(
        starts_on=day,
        days=2,
        capacity=capacity,
        requires_approval=False,
        trainers=[trainer],
        meetings=[(day, time(9), time(12)), (day + timedelta(days=1), time(9), time(12))],
    )
    confirmed = enrol(participant(email="onayli@example.org"), session)
    waiting = enrol(participant(email="yedek@example.org"), session)
    return session, trainer, confirmed, waiting


def test_edited_meeting_mails_everyone_once_with_a_newer_calendar_file(
    make_session, make_trainer, participant, enrol, client
):
    session, trainer, confirmed, waiting = session_with_people(
        make_session, make_trainer, participant, enrol
    )
    assert (confirmed.status.value, waiting.status.value) == ("confirmed", "waitlisted")
    before = Calendar.from_ical(client.get(f"/catalogue/sessions/{session.id}/calendar.ics").data)
    old = before.walk("VEVENT")[0]
    day = session.meetings[0].day
    update_meeting(session.meetings[0], MeetingDetails(day, time(13), time(16)), by=None)
    db.session.commit()
    # Within the quiet period nothing is sent yet.
    assert send_due_change_notices(utcnow() + timedelta(minutes=1)) == 0
    assert changed_mails() == []
    assert send_due_change_notices(utcnow() + LATER) == 3
    db.session.commit()
    mails = changed_mails()
    assert sorted(m.recipient for m in mails) == sorted(
        ["onayli@example.org", "yedek@example.org", trainer.user.email]
    )
    body = mails[0].body_text
    assert "değişti" in mails[0].subject
    assert f"{day:%d.%m.%Y} 09:00–12:00 → {day:%d.%m.%Y} 13:00–16:00" in body
    for message in mails:
        event = ics(message).walk("VEVENT")[0]
        assert event["UID"] == old["UID"]
        assert int(event["SEQUENCE"]) > int(old["SEQUENCE"])
        assert event["DTSTART"].dt.hour == 13
        # The union organises; each person's file names them as its attendee.
        assert event["ORGANIZER"].params["CN"] == "Konya Belediyeler Birliği"
        assert str(event["ATTENDEE"]) == f"mailto:{message.recipient}"
    assert db.session.scalar(select(ChangeNotice)) is None


def test_edits_within_minutes_make_one_mail(make_session, make_trainer, participant, enrol):
    session, trainer, *_ = session_with_people(make_session, make_trainer, participant, enrol)
    first, second = session.meetings
    update_meeting(first, MeetingDetails(first.day, time(10), time(12)), by=None)
    db.session.commit()
    send_due_change_notices(utcnow() + timedelta(minutes=2))
    update_meeting(second, MeetingDetails(second.day, time(14), time(17)), by=None)
    db.session.commit()
    # Five minutes after the first edit but not after the second: still quiet.
    assert send_due_change_notices(utcnow() + timedelta(minutes=4)) == 0
    assert send_due_change_notices(utcnow() + LATER) == 3
    db.session.commit()
    mails = [m for m in changed_mails() if m.recipient == "onayli@example.org"]
    assert len(mails) == 1
    assert "09:00–12:00 → " in mails[0].body_text and "14:00–17:00" in mails[0].body_text
    # Nothing more is due: the next sweep sends nothing.
    assert send_due_change_notices(utcnow() + LATER * 2) == 0


def test_edit_undone_within_the_quiet_period_sends_nothing(
    make_session, make_trainer, participant, enrol
):
    session, *_ = session_with_people(make_session, make_trainer, participant, enrol)
    meeting = session.meetings[0]
    update_meeting(meeting, MeetingDetails(meeting.day, time(10), time(12)), by=None)
    update_meeting(meeting, MeetingDetails(meeting.day, time(9), time(12)), by=None)
    db.session.commit()
    assert send_due_change_notices(utcnow() + LATER) == 0
    assert changed_mails() == []


def test_removed_meeting_comes_as_method_cancel(make_session, make_trainer, participant, enrol):
    session, *_ = session_with_people(make_session, make_trainer, participant, enrol)
    removed = session.meetings[1]
    removed_id, removed_day = removed.id, removed.day
    delete_meeting(removed, by=None)
    db.session.commit()
    send_due_change_notices(utcnow() + LATER)
    db.session.commit()
    message = next(m for m in changed_mails() if m.recipient == "yedek@example.org")
    assert f"Oturum kaldırıldı: {removed_day:%d.%m.%Y} 09:00–12:00" in message.body_text
    cancel = ics(message, cancel=True)
    assert str(cancel["METHOD"]) == "CANCEL"
    (event,) = cancel.walk("VEVENT")
    assert str(event["UID"]).startswith(f"meeting-{removed_id}@")
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == session.sequence
    assert str(event["ATTENDEE"]) == "mailto:yedek@example.org"
    # The updated file holds the remaining meeting only.
    assert len(ics(message).walk("VEVENT")) == 1


def test_added_meeting_is_told_and_drafts_tell_nobody(
    make_session, make_trainer, participant, enrol
):
    session, *_ = session_with_people(make_session, make_trainer, participant, enrol)
    add_meeting(session, MeetingDetails(session.ends_on, time(14), time(16)), by=None)
    db.session.commit()
    send_due_change_notices(utcnow() + LATER)
    db.session.commit()
    message = next(m for m in changed_mails() if m.recipient == "onayli@example.org")
    assert f"Oturum eklendi: {session.ends_on:%d.%m.%Y} 14:00–16:00" in message.body_text
    assert len(ics(message).walk("VEVENT")) == 3
    from training_app.catalog.models import SessionStatus

    draft = make_session(status=SessionStatus.DRAFT)
    add_meeting(draft, MeetingDetails(draft.ends_on, time(14), time(16)), by=None)
    db.session.commit()
    assert db.session.scalar(select(ChangeNotice)) is None


def test_the_outbox_delivery_sends_due_notices_with_the_file_attached(
    app, make_session, make_trainer, participant, enrol, monkeypatch
):
    session, *_ = session_with_people(make_session, make_trainer, participant, enrol)
    meeting = session.meetings[0]
    update_meeting(meeting, MeetingDetails(meeting.day, time(10), time(12)), by=None)
    db.session.commit()
    deliver_outbox()
    assert changed_mails() == []
    notice = db.session.scalar(select(ChangeNotice))
    notice.due_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    deliver_outbox()
    mails = changed_mails()
    assert len(mails) == 3 and all(m.status == "sent" for m in mails)

    sent = []

    class FakeSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.config["MAIL_SERVER"] = "smtp.example.org"
    _send(mails[0])
    parsed = email.message_from_bytes(sent[0].as_bytes())
    parts = [p for p in parsed.walk() if p.get_filename()]
    assert [p.get_filename() for p in parts] == [f"egitim-{session.id}.ics"]
    assert parts[0].get_content_type() == "text/calendar"
    assert Calendar.from_ical(parts[0].get_payload(decode=True)).walk("VEVENT")


def test_approval_promotion_and_reminder_mails_carry_the_calendar_file(
    make_session, make_user, participant, enrol
):
    session = make_session(
        capacity=1, requires_approval=True, starts_on=local_today() + timedelta(days=2)
    )
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Selçuklu")
    first = enrol(participant(email="bir@example.org"), session)
    second = enrol(participant(email="iki@example.org"), session)
    services.approve(first, coordinator)
    services.approve(second, coordinator)
    db.session.commit()
    assert second.status.value == "waitlisted"

    def latest(kind, recipient):
        return db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == kind, OutboxMessage.recipient == recipient
            )
        ).one()

    confirmed = latest("registration_confirmed", "bir@example.org")
    event = ics(confirmed).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"meeting-{session.meetings[0].id}@")
    assert str(event["ATTENDEE"]) == "mailto:bir@example.org"
    services.cancel(first, by=coordinator, reason="Görevli")
    db.session.commit()
    promoted = latest("registration_promoted", "iki@example.org")
    assert ics(promoted).walk("VEVENT")
    assert send_reminders(days_before=3) >= 1
    db.session.commit()
    reminder = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration_reminder")
    ).first()
    assert ics(reminder).walk("VEVENT")


def test_new_venue_and_link_are_told_without_the_link_itself(
    make_session, make_trainer, make_venue, participant, enrol
):
    from training_app.catalog.sessions import SessionDetails, update_session

    session, *_ = session_with_people(make_session, make_trainer, participant, enrol)
    venue = make_venue()
    update_session(
        session,
        SessionDetails(
            starts_on=session.starts_on,
            ends_on=session.ends_on,
            capacity=session.capacity,
            city="Konya",
            venue_id=venue.id,
            online_url="https://meet.example.org/yeni-oda",
            requires_approval=False,
        ),
        by=None,
    )
    db.session.commit()
    send_due_change_notices(utcnow() + LATER)
    db.session.commit()
    message = next(m for m in changed_mails() if m.recipient == "onayli@example.org")
    assert f"Yer: Konya → {venue.name}" in message.body_text
    assert "katılım bağlantısı değişti" in message.body_text
    assert "yeni-oda" not in message.body_text
    assert all(b"yeni-oda" not in a.content for a in message.attachments)
