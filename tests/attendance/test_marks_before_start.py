"""Marks only when they can be true: nobody attended a meeting that has not started.

One rule in the attendance service, 15 minutes before the start like the QR check-in, whatever
the source of the marks: a tap on the roster, "mark all present", QR check-in, a signed sheet,
and a batch from an import or a device (record_marks with its source).
"""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from training_app.accounts.models import Role
from training_app.attendance import checkin, services
from training_app.attendance.models import AttendanceMark, MarkSource
from training_app.attendance.models import AttendanceStatus as A
from training_app.attendance.services import MarkInput
from training_app.core.errors import DomainError
from training_app.core.timeutil import ISTANBUL
from training_app.extensions import db


def _marks() -> int:
    return db.session.scalar(select(func.count()).select_from(AttendanceMark))


def _refusal(meeting) -> str:
    opens = meeting.start - timedelta(minutes=15)
    return (
        "Bu oturum henüz başlamadı; bu nedenle kimse için yoklama işaretlenemez. Yoklama "
        f"{opens:%d.%m.%Y %H:%M} itibarıyla (başlangıçtan 15 dakika önce) alınabilir."
    )


@pytest.mark.parametrize("source", list(MarkSource))
def test_the_service_refuses_marks_until_fifteen_minutes_before_the_start(taught_session, source):
    session, trainer, regs = taught_session(people=2, hours=(3,), started=False)
    meeting = session.meetings[0]
    marks = {r.id: MarkInput(A.PRESENT) for r in regs}
    too_early = meeting.start - timedelta(minutes=16)
    with pytest.raises(DomainError) as error:
        services.record_marks(meeting, marks, trainer, source=source, now=too_early)
    assert error.value.message == _refusal(meeting)
    db.session.rollback()
    assert _marks() == 0
    in_margin = meeting.start - timedelta(minutes=15)
    assert services.record_marks(meeting, marks, trainer, source=source, now=in_margin) == 2
    assert _marks() == 2


def test_on_30_11_a_meeting_on_07_12_takes_no_mark_but_today_s_does(taught_session):
    """The reported case: the roster accepted marks for meetings a week and more ahead."""
    session, trainer, regs = taught_session(people=1, hours=(3, 3), started=False)
    today_s, next_week = session.meetings
    now = datetime.combine(today_s.day, time(9, 5))
    next_week.day = today_s.day + timedelta(days=7)
    session.ends_on = next_week.day
    db.session.commit()
    with pytest.raises(DomainError):
        services.record_marks(next_week, {regs[0].id: MarkInput(A.PRESENT)}, trainer, now=now)
    db.session.rollback()
    services.record_marks(today_s, {regs[0].id: MarkInput(A.PRESENT)}, trainer, now=now)
    assert _marks() == 1


def test_qr_check_in_goes_through_the_same_rule(taught_session):
    session, _trainer, regs = taught_session(people=1, hours=(3,), started=False)
    meeting = session.meetings[0]
    user = regs[0].person.user
    early = datetime.combine(meeting.day, time(8, 30), tzinfo=ISTANBUL)
    with pytest.raises(DomainError):
        checkin.check_in(meeting, user, now=early)
    db.session.rollback()
    assert _marks() == 0
    mark = checkin.check_in(meeting, user, now=early + timedelta(minutes=20))
    assert mark.status == A.PRESENT and mark.source == MarkSource.QR


def test_mark_all_present_is_refused_before_the_start(taught_session):
    session, trainer, _regs = taught_session(people=3, hours=(3,), started=False)
    with pytest.raises(DomainError) as error:
        services.mark_all_present(session.meetings[0], trainer)
    assert error.value.message == _refusal(session.meetings[0])
    assert _marks() == 0


# --- through the pages ------------------------------------------------------------------------


def test_the_roster_of_a_meeting_ahead_offers_no_mark_and_says_when_it_opens(
    client, taught_session
):
    session, trainer, regs = taught_session(people=2, hours=(3,), started=False)
    meeting = session.meetings[0]
    login(client, trainer.email)
    page = client.get(f"/attendance/meetings/{meeting.id}").get_data(as_text=True)
    opens = meeting.start - timedelta(minutes=15)
    assert f"Bu oturum henüz başlamadı. Yoklama {opens:%d.%m.%Y %H:%M} itibarıyla alınabilir." in (
        page
    )
    assert regs[0].person.full_name in page
    assert "/marks/" not in page and 'name="status"' not in page
    assert "/all-present" not in page and '/sheet"' not in page
    # A tap sent anyway (an old page, a crafted request) is refused by the service.
    response = client.post(
        f"/attendance/meetings/{meeting.id}/marks/{regs[0].id}",
        data={"status": "present"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert _refusal(meeting) in response.get_data(as_text=True)
    page = client.post(
        f"/attendance/meetings/{meeting.id}/all-present", follow_redirects=True
    ).get_data(as_text=True)
    assert _refusal(meeting) in page
    assert _marks() == 0


def test_a_started_meeting_offers_the_mark_buttons(client, taught_session):
    session, trainer, _regs = taught_session(people=1, hours=(3,))
    login(client, trainer.email)
    page = client.get(f"/attendance/meetings/{session.meetings[0].id}").get_data(as_text=True)
    assert 'name="status"' in page and "henüz başlamadı" not in page


def test_the_office_enters_a_signed_sheet_afterwards_but_not_ahead(
    client, taught_session, make_user
):
    ended, _trainer, regs = taught_session(people=2, hours=(3,))
    ahead, _other_trainer, ahead_regs = taught_session(people=1, hours=(3,), started=False)
    admin = make_user(Role.ADMIN, email="ofis@example.org")
    login(client, admin.email)
    meeting = ended.meetings[0]
    page = client.post(
        f"/attendance/meetings/{meeting.id}/sheet",
        data={f"status-{regs[0].id}": "present", f"status-{regs[1].id}": "absent"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "2 yoklama kaydedildi." in page
    future = ahead.meetings[0]
    page = client.get(f"/attendance/meetings/{future.id}/sheet").get_data(as_text=True)
    assert "Bu oturum henüz başlamadı." in page and 'name="status-' not in page
    page = client.post(
        f"/attendance/meetings/{future.id}/sheet",
        data={f"status-{ahead_regs[0].id}": "present"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert _refusal(future) in page
    marks = db.session.scalars(select(AttendanceMark)).all()
    assert {m.meeting_id for m in marks} == {meeting.id}
    assert {m.source for m in marks} == {MarkSource.SHEET}


def test_a_device_s_mark_made_before_the_meeting_opened_is_refused_when_sent_later(
    taught_session,
):
    """Offline sync: the service's rule on the time the mark was made, per mark."""
    import uuid

    from training_app.attendance import offline

    session, trainer, regs = taught_session(people=2, hours=(3,))
    meeting = session.meetings[0]
    opens = meeting.start.replace(tzinfo=ISTANBUL) - timedelta(minutes=15)

    def mark(registration, made_at):
        return {
            "client_id": str(uuid.uuid4()),
            "meeting_id": meeting.id,
            "registration_id": registration.id,
            "status": "present",
            "minutes": None,
            "made_at": made_at.isoformat(),
        }

    results = offline.sync_marks(
        [mark(regs[0], opens - timedelta(minutes=1)), mark(regs[1], opens + timedelta(minutes=1))],
        trainer,
    )
    assert results[0]["result"] == "refused" and results[0]["message"] == _refusal(meeting)
    assert results[1]["result"] != "refused"
    assert [m.registration_id for m in db.session.scalars(select(AttendanceMark))] == [regs[1].id]
