from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import event, select

from training_app.accounts.models import Role
from training_app.attendance import checkin, services
from training_app.attendance.models import AttendanceMarkChange
from training_app.attendance.models import AttendanceStatus as A
from training_app.attendance.services import MarkInput
from training_app.catalog.models import DocumentKind, SessionStatus
from training_app.core.errors import DomainError
from training_app.core.timeutil import ISTANBUL, local_today
from training_app.enrollment.models import RegistrationStatus as S
from training_app.extensions import db


def _close(session, by, scores=None):
    session.starts_on = session.meetings[0].day = local_today() - timedelta(days=3)
    for i, meeting in enumerate(session.meetings):
        meeting.day = local_today() - timedelta(days=3 - i)
    session.ends_on = session.meetings[-1].day
    db.session.commit()
    completions = services.close_session(session, scores or {}, by)
    db.session.commit()
    return completions


def test_hours_count_present_fully_late_by_minutes_and_nothing_else(taught_session):
    session, trainer, regs = taught_session(people=4, hours=(3, 3))
    first, second = session.meetings
    services.record_marks(
        first,
        {
            regs[0].id: MarkInput(A.PRESENT),
            regs[1].id: MarkInput(A.LATE, 120),
            regs[2].id: MarkInput(A.EXCUSED),
            regs[3].id: MarkInput(A.LATE),
        },
        trainer,
    )
    services.record_marks(second, {regs[0].id: MarkInput(A.ABSENT)}, trainer)
    totals = services.attended_minutes_by_registration(session)
    assert totals[regs[0].id] == 180
    assert totals[regs[1].id] == 120
    assert totals.get(regs[2].id, 0) == 0
    assert totals[regs[3].id] == 180


def test_ten_hours_at_eighty_percent_eight_hours_qualify_seven_point_nine_do_not(
    taught_session, make_user
):
    session, trainer, regs = taught_session(people=2, hours=(5, 5), min_attendance_percent=80)
    first, second = session.meetings
    services.record_marks(first, {r.id: MarkInput(A.PRESENT) for r in regs}, trainer)
    services.record_marks(
        second, {regs[0].id: MarkInput(A.LATE, 180), regs[1].id: MarkInput(A.LATE, 174)}, trainer
    )
    admin = make_user(Role.ADMIN, email="admin@example.org")
    completions = {c.registration_id: c for c in _close(session, admin)}
    assert completions[regs[0].id].attended_minutes == 480 and regs[0].status == S.COMPLETED
    assert completions[regs[0].id].document_kind == DocumentKind.ATTENDANCE
    assert completions[regs[1].id].attended_minutes == 474 and regs[1].status == S.NO_SHOW
    assert completions[regs[1].id].attendance_percent == 79
    assert session.status == SessionStatus.COMPLETED


@pytest.mark.parametrize(
    "score, on_fail, expected",
    [
        (70, True, DocumentKind.ACHIEVEMENT),
        (69.5, True, DocumentKind.ATTENDANCE),
        (40, False, DocumentKind.NONE),
    ],
)
def test_exam_decides_between_achievement_and_attendance(
    taught_session, make_user, score, on_fail, expected
):
    session, trainer, regs = taught_session(
        people=1,
        hours=(2,),
        document_kind=DocumentKind.ACHIEVEMENT,
        has_exam=True,
        pass_mark=70,
        attendance_document_on_fail=on_fail,
    )
    services.record_marks(session.meetings[0], {regs[0].id: MarkInput(A.PRESENT)}, trainer)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    [completion] = _close(session, admin, {regs[0].id: score})
    assert completion.document_kind == expected and regs[0].status == S.COMPLETED


def test_exam_courses_need_every_score_and_closing_waits_for_the_last_meeting(
    taught_session, make_user
):
    from datetime import datetime

    session, trainer, regs = taught_session(
        people=2, hours=(2,), document_kind=DocumentKind.ACHIEVEMENT, has_exam=True, pass_mark=70
    )
    admin = make_user(Role.ADMIN, email="admin@example.org")
    meeting = session.meetings[0]
    during = datetime.combine(meeting.day, time(10))
    with pytest.raises(DomainError, match="son oturumu bittikten sonra kapatılabilir"):
        services.close_session(session, {}, admin, now=during)
    after = datetime.combine(meeting.day, time(12, 1))
    with pytest.raises(DomainError, match=regs[1].person.full_name):
        services.close_session(session, {regs[0].id: 80.0}, admin, today=meeting.day, now=after)
    completions = services.close_session(
        session, {regs[0].id: 80.0, regs[1].id: 0.0}, admin, today=meeting.day, now=after
    )
    assert len(completions) == 2


def test_after_closing_only_an_admin_with_a_reason_changes_marks_and_completion_follows(
    taught_session, make_user
):
    session, trainer, regs = taught_session(people=1, hours=(2,))
    meeting = session.meetings[0]
    admin = make_user(Role.ADMIN, email="admin@example.org")
    _close(session, admin)
    assert regs[0].status == S.NO_SHOW
    with pytest.raises(DomainError, match="yalnızca bir yönetici"):
        services.record_marks(meeting, {regs[0].id: MarkInput(A.PRESENT)}, trainer)
    with pytest.raises(DomainError, match="gerekçesini yazın"):
        services.record_marks(meeting, {regs[0].id: MarkInput(A.PRESENT)}, admin)
    services.record_marks(
        meeting, {regs[0].id: MarkInput(A.PRESENT)}, admin, reason="Islak imzalı föy bulundu"
    )
    db.session.commit()
    assert regs[0].status == S.COMPLETED
    change = db.session.scalars(
        select(AttendanceMarkChange).order_by(AttendanceMarkChange.id.desc())
    ).first()
    assert (
        change.reason == "Islak imzalı föy bulundu"
        and change.old_status is None
        and change.by_user_id == admin.id
    )


def test_every_change_keeps_who_when_and_the_previous_value(taught_session):
    session, trainer, regs = taught_session(people=1, hours=(3,))
    meeting = session.meetings[0]
    services.record_marks(meeting, {regs[0].id: MarkInput(A.ABSENT)}, trainer)
    services.record_marks(meeting, {regs[0].id: MarkInput(A.LATE, 90)}, trainer)
    services.record_marks(meeting, {regs[0].id: MarkInput(A.LATE, 90)}, trainer)  # no change
    changes = services.history(meeting)
    assert [(c.old_status, c.new_status, c.new_minutes) for c in changes] == [
        (A.ABSENT, A.LATE, 90),
        (None, A.ABSENT, None),
    ]
    assert all(c.by_user_id == trainer.id for c in changes)


def test_minutes_beyond_the_meeting_are_refused(taught_session):
    session, trainer, regs = taught_session(people=1, hours=(2,))
    with pytest.raises(DomainError, match="0 ile 120 arasında"):
        services.record_marks(session.meetings[0], {regs[0].id: MarkInput(A.LATE, 121)}, trainer)


def _count_queries(run):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(statements)


def test_saving_a_roster_takes_the_same_number_of_queries_for_30_and_300(taught_session):
    counts = []
    for people in (30, 300):
        session, trainer, regs = taught_session(people=people, hours=(3,))
        meeting = session.meetings[0]
        marks = {
            r.id: MarkInput(A.PRESENT if i % 3 else A.LATE, 60 if i % 3 == 0 else None)
            for i, r in enumerate(regs)
        }
        db.session.expire_all()
        meeting = db.session.get(type(meeting), meeting.id)
        trainer = db.session.get(type(trainer), trainer.id)
        counts.append(
            _count_queries(
                lambda m=meeting, t=trainer, k=marks: (
                    services.record_marks(m, k, t),
                    db.session.flush(),
                )
            )
        )
        db.session.commit()
    assert counts[0] == counts[1], counts


def test_qr_codes_rotate_and_belong_to_one_meeting(taught_session):
    session, trainer, regs = taught_session(people=1, hours=(3, 3))
    first, second = session.meetings
    now = datetime.combine(first.day, time(9, 30), tzinfo=ISTANBUL)
    token = checkin.current_qr_token(first, now)
    assert checkin.token_is_fresh(first, token, now)
    assert checkin.token_is_fresh(first, token, now + timedelta(seconds=61))
    assert not checkin.token_is_fresh(first, token, now + timedelta(minutes=3))
    assert not checkin.token_is_fresh(second, token, now)


def test_check_in_only_during_the_meeting_and_only_for_the_registered(taught_session, participant):
    session, trainer, regs = taught_session(people=1, hours=(3,))
    meeting = session.meetings[0]
    user = regs[0].person.user
    during = datetime.combine(meeting.day, time(10), tzinfo=ISTANBUL)
    with pytest.raises(DomainError, match="yoklama şu anda açık değil"):
        checkin.check_in(meeting, user, during - timedelta(hours=2))
    with pytest.raises(DomainError, match="kayıtlı değilsiniz"):
        checkin.check_in(meeting, participant(), during)
    mark = checkin.check_in(meeting, user, during)
    assert mark.status == A.PRESENT and mark.source.value == "qr"
