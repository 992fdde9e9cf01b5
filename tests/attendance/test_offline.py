"""Marks made on a device without a network, sent later (attendance/offline.py)."""

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.attendance.test_services import _count_queries
from tests.conftest import login
from training_app.accounts.models import Role
from training_app.attendance import offline, services
from training_app.attendance.models import AttendanceMark, AttendanceMarkChange, MarkSource
from training_app.attendance.models import AttendanceStatus as A
from training_app.attendance.services import MarkInput
from training_app.core.timeutil import local_today
from training_app.extensions import db


def _yesterday_session(taught_session, people=3, **kwargs):
    """A published session whose meeting took place yesterday: marks for it can be true."""
    session, trainer, regs = taught_session(people=people, hours=(3,), **kwargs)
    yesterday = local_today() - timedelta(days=1)
    session.starts_on = session.ends_on = session.meetings[0].day = yesterday
    db.session.commit()
    return session, trainer, regs


def _mark(meeting, registration, status="present", minutes_ago=5, **fields):
    made = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {
        "client_id": str(uuid.uuid4()),
        "meeting_id": meeting.id,
        "registration_id": registration.id,
        "status": status,
        "minutes": None,
        "made_at": made.isoformat(),
        **fields,
    }


def _counts(meeting):
    marks = db.session.scalar(
        select(func.count())
        .select_from(AttendanceMark)
        .where(AttendanceMark.meeting_id == meeting.id)
    )
    changes = db.session.scalar(
        select(func.count())
        .select_from(AttendanceMarkChange)
        .where(AttendanceMarkChange.meeting_id == meeting.id)
    )
    return marks, changes


def _sync(batch, by):
    results = offline.sync_marks(batch, by)
    db.session.commit()
    return results


def test_ten_marks_sent_twice_are_recorded_once(taught_session):
    session, trainer, regs = _yesterday_session(taught_session, people=10)
    meeting = session.meetings[0]
    batch = [
        _mark(meeting, r, "late" if i == 3 else "present", minutes=(45 if i == 3 else None))
        for i, r in enumerate(regs)
    ]
    results = _sync(batch, trainer)
    assert [r["result"] for r in results] == ["saved"] * 10
    assert results[0]["message"] == "Gönderildi: Katıldı."
    assert _counts(meeting) == (10, 10)
    late = db.session.scalar(
        select(AttendanceMark).where(AttendanceMark.registration_id == regs[3].id)
    )
    assert (late.status, late.minutes_attended, late.source) == (A.LATE, 45, MarkSource.OFFLINE)
    # The time the mark was made on the device is the time it carries.
    made = datetime.fromisoformat(batch[3]["made_at"]).astimezone(UTC).replace(tzinfo=None)
    assert late.marked_at == made

    again = _sync(batch, trainer)
    assert [r["result"] for r in again] == ["duplicate"] * 10
    assert _counts(meeting) == (10, 10)


def test_a_later_mark_made_on_the_server_wins_and_both_stay_in_the_history(taught_session):
    session, trainer, regs = _yesterday_session(taught_session, people=2)
    meeting = session.meetings[0]
    # The device marked both present 30 minutes ago; meanwhile the office marked them on the
    # server (now): the first as excused.
    services.record_marks(meeting, {regs[0].id: MarkInput(A.EXCUSED)}, trainer)
    db.session.commit()
    earlier = _mark(meeting, regs[0], "present", minutes_ago=30)
    results = _sync([earlier], trainer)
    assert results[0]["result"] == "superseded"
    assert results[0]["status"] == "excused"
    assert "sunucuda" in results[0]["message"] and "Mazeretli" in results[0]["message"]
    mark = db.session.scalar(
        select(AttendanceMark).where(AttendanceMark.registration_id == regs[0].id)
    )
    assert mark.status == A.EXCUSED
    history = services.history(meeting)
    assert [(c.new_status, c.applied, c.source) for c in history] == [
        (A.EXCUSED, True, MarkSource.TRAINER),
        (A.PRESENT, False, MarkSource.OFFLINE),
    ]

    # A device mark made after the server's one is applied.
    later = _mark(meeting, regs[0], "absent", minutes_ago=-1)
    assert _sync([later], trainer)[0]["result"] == "saved"
    db.session.expire_all()
    assert db.session.get(AttendanceMark, mark.id).status == A.ABSENT


def test_each_bad_mark_is_refused_on_its_own_and_the_others_are_saved(taught_session, make_user):
    session, trainer, regs = _yesterday_session(taught_session, people=3)
    other_session, other_trainer, other_regs = _yesterday_session(taught_session, people=1)
    meeting, other_meeting = session.meetings[0], other_session.meetings[0]
    reused = _mark(meeting, regs[1])
    _sync([reused], trainer)
    good = _mark(meeting, regs[0])
    batch = [
        good,
        _mark(meeting, other_regs[0]),  # not on this meeting's roster
        {**_mark(meeting, regs[2]), "client_id": reused["client_id"]},  # id used for another
        _mark(meeting, regs[2], minutes_ago=-10),  # in the future
        _mark(other_meeting, other_regs[0]),  # another trainer's meeting
        _mark(meeting, regs[2], "late", minutes=500),  # longer than the meeting
        _mark(meeting, regs[2], "asleep"),
        {"client_id": "not-a-uuid", "meeting_id": meeting.id},
    ]
    results = _sync(batch, trainer)
    assert [r["result"] for r in results] == ["saved"] + ["refused"] * 7
    messages = [r["message"] for r in results[1:]]
    assert messages == [
        "Bu kişi yoklama listesinde değil.",
        "Bu işaretin kimliği başka bir kişi için kullanılmış.",
        "İşaret ileri bir tarihli; cihazın saatini kontrol edin.",
        "Bu oturum verdiğiniz eğitimlerden birine ait değil.",
        "Katılınan dakika 0 ile 180 arasında olmalıdır.",
        "Bilinmeyen yoklama durumu.",
        "Bu işaret okunamadı.",
    ]
    assert _counts(meeting) == (2, 2)
    assert _counts(other_meeting) == (0, 0)


def test_a_closed_session_refuses_the_meeting_s_marks_with_the_service_s_reason(taught_session):
    session, trainer, regs = _yesterday_session(taught_session, people=1)
    meeting = session.meetings[0]
    services.close_session(session, {}, trainer)
    db.session.commit()
    results = _sync([_mark(meeting, regs[0])], trainer)
    assert results[0]["result"] == "refused"
    assert "kapatıldı" in results[0]["message"]


def test_syncing_takes_the_same_number_of_queries_for_10_and_300_marks(taught_session):
    counts = []
    for people in (10, 300):
        session, trainer, regs = _yesterday_session(taught_session, people=people)
        meeting = session.meetings[0]
        services.record_marks(meeting, {regs[0].id: MarkInput(A.EXCUSED)}, trainer)
        db.session.commit()
        batch = [_mark(meeting, r, "present" if i % 4 else "absent") for i, r in enumerate(regs)]
        db.session.expire_all()
        trainer = db.session.get(type(trainer), trainer.id)
        counts.append(_count_queries(lambda b=batch, t=trainer: offline.sync_marks(b, t)))
        db.session.commit()
        assert _counts(meeting)[0] == people
    assert counts[0] == counts[1], counts


def test_the_sync_endpoint_answers_the_trainer_of_the_session_only(
    client, taught_session, make_user
):
    session, trainer, regs = _yesterday_session(taught_session, people=2)
    meeting = session.meetings[0]
    batch = [_mark(meeting, r) for r in regs]
    participant = make_user(Role.PARTICIPANT)
    login(client, participant.email)
    assert client.post("/attendance/sync", json={"marks": batch}).status_code == 403
    other = make_user(Role.TRAINER, municipality_name=None)
    client.post("/logout")
    login(client, other.email)
    answer = client.post("/attendance/sync", json={"marks": batch}).get_json()
    assert {r["result"] for r in answer["results"]} == {"refused"}
    client.post("/logout")
    login(client, trainer.email)
    assert client.post("/attendance/sync", json={"marks": "x"}).status_code == 400
    assert client.post("/attendance/sync", data="not json").status_code == 400
    answer = client.post("/attendance/sync", json={"marks": batch}).get_json()
    assert [r["result"] for r in answer["results"]] == ["saved", "saved"]
    assert _counts(meeting) == (2, 2)


def test_the_sync_endpoint_needs_the_csrf_token_in_a_header(app, client, taught_session):
    session, trainer, regs = _yesterday_session(taught_session, people=1)
    meeting = session.meetings[0]
    login(client, trainer.email)
    app.config["WTF_CSRF_ENABLED"] = True
    batch = [_mark(meeting, regs[0])]
    assert client.post("/attendance/sync", json={"marks": batch}).status_code == 400
    assert _counts(meeting) == (0, 0)
    roster = client.get(f"/attendance/meetings/{meeting.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', roster).group(1)
    response = client.post(
        "/attendance/sync", json={"marks": batch}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["results"][0]["result"] == "saved"


def test_the_roster_page_is_ready_for_offline_use_without_id_numbers(client, taught_session):
    session, trainer, regs = _yesterday_session(taught_session, people=2)
    meeting = session.meetings[0]
    login(client, trainer.email)
    page = client.get(f"/attendance/meetings/{meeting.id}").get_data(as_text=True)
    assert "data-offline-roster" in page
    assert "Şimdi gönder" in page
    assert 'data-msg-waiting="Cihazda, gönderilecek"' in page
    assert "/static/js/offline.js" in page
    for registration in regs:
        assert registration.person.tckn_masked not in page
    sw = client.get("/sw.js")
    assert sw.mimetype == "text/javascript"
    assert "/static/js/offline.js" in sw.get_data(as_text=True)


def test_the_device_keeps_the_rosters_of_today_and_the_coming_days(client, taught_session):
    today_session, trainer, _regs = taught_session(people=1, hours=(2,))
    today_session.starts_on = today_session.ends_on = local_today()
    today_session.meetings[0].day = local_today()
    past, _t, _r = _yesterday_session(taught_session, people=1)
    later, _t, _r = taught_session(people=1, hours=(2,))
    later.starts_on = later.ends_on = later.meetings[0].day = local_today() + timedelta(days=30)
    past.trainers = later.trainers = list(today_session.trainers)
    db.session.commit()
    login(client, trainer.email)
    urls = client.get("/attendance/offline/rosters").get_json()["urls"]
    assert urls == [f"/attendance/meetings/{today_session.meetings[0].id}"]


def test_logging_out_clears_the_device(client, make_user):
    user = make_user(Role.TRAINER)
    login(client, user.email)
    response = client.post("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
