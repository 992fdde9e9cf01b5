"""The catalogue's rules, tested on the services with the Turkish messages users see."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from training_app.catalog import signals
from training_app.catalog.courses import (
    CourseDetails,
    VenueDetails,
    create_category,
    create_course,
    update_venue,
)
from training_app.catalog.meetings import MeetingDetails, add_meeting, delete_meeting
from training_app.catalog.models import Course, DocumentKind, Session, SessionStatus
from training_app.catalog.sessions import (
    SessionDetails,
    cancel_session,
    clone_session,
    complete_session,
    create_session,
    publish_session,
    session_back_to_draft,
    update_session,
)
from training_app.catalog.trainers import set_trainers
from training_app.core.errors import DomainError, InvalidTransition
from training_app.core.models import AuditEntry, OutboxMessage
from training_app.core.timeutil import local_today
from training_app.extensions import db


def details(**overrides):
    start = local_today() + timedelta(days=30)
    values = {
        "starts_on": start,
        "ends_on": start + timedelta(days=1),
        "capacity": 20,
        "city": "Konya",
    }
    values.update(overrides)
    return SessionDetails(**values)


def test_session_end_cannot_be_before_start(make_course):
    course = make_course()
    start = date(2027, 3, 10)
    with pytest.raises(DomainError) as error:
        create_session(course, details(starts_on=start, ends_on=start - timedelta(1)), by=None)
    assert error.value.message == "Son gün ilk günden önce olamaz."
    assert error.value.field == "ends_on"


def test_capacity_at_least_one_and_not_above_the_venue(make_course, make_venue):
    course, venue = make_course(), make_venue(capacity=25)
    with pytest.raises(DomainError) as error:
        create_session(course, details(capacity=0), by=None)
    assert error.value.message == "Kontenjan en az 1 olmalıdır."
    with pytest.raises(DomainError) as error:
        create_session(course, details(capacity=26, venue_id=venue.id), by=None)
    assert error.value.message == "Kontenjan, mekânın 25 kişilik kapasitesini aşamaz."
    session = create_session(course, details(capacity=25, venue_id=venue.id, city=""), by=None)
    assert session.city == "Konya" and session.country == "Türkiye"


def test_quota_cannot_exceed_capacity(make_course):
    with pytest.raises(DomainError) as error:
        create_session(make_course(), details(capacity=10, municipality_quota=11), by=None)
    assert error.value.message == "Belediye kontenjanı toplam kontenjandan fazla olamaz."


def test_enrolment_must_close_after_it_opens(make_course):
    opens = datetime_utc = None  # noqa: F841
    from datetime import datetime

    opens = datetime(2027, 1, 10, 9)
    with pytest.raises(DomainError) as error:
        create_session(
            make_course(), details(enrolment_opens_at=opens, enrolment_closes_at=opens), by=None
        )
    assert error.value.message == "Başvurular açıldıktan sonra kapanmalıdır."


def test_meeting_must_be_inside_the_session_dates_and_end_after_start(make_session):
    session = make_session(status=SessionStatus.DRAFT, meetings=[])
    outside = MeetingDetails(session.ends_on + timedelta(days=1), time(9), time(12))
    with pytest.raises(DomainError) as error:
        add_meeting(session, outside, by=None)
    assert error.value.message == (
        "Oturum, eğitim döneminin tarihleri içinde olmalıdır "
        f"({session.starts_on:%d.%m.%Y} – {session.ends_on:%d.%m.%Y})."
    )
    backwards = MeetingDetails(session.starts_on, time(12), time(9))
    with pytest.raises(DomainError) as error:
        add_meeting(session, backwards, by=None)
    assert error.value.message == "Bitiş saati başlangıç saatinden sonra olmalıdır."


def test_session_hours_are_the_sum_of_its_meetings(make_session):
    session = make_session(status=SessionStatus.DRAFT, meetings=[])
    add_meeting(session, MeetingDetails(session.starts_on, time(9), time(12)), by=None)
    add_meeting(session, MeetingDetails(session.starts_on, time(13, 30), time(17)), by=None)
    assert session.total_minutes == 390 and session.total_hours == 6.5


def test_trainer_cannot_be_in_two_overlapping_meetings(make_session, make_trainer):
    trainer = make_trainer()
    day = local_today() + timedelta(days=20)
    make_session(starts_on=day, days=1, trainers=[trainer], meetings=[(day, time(9), time(12))])
    other = make_session(
        starts_on=day, days=1, status=SessionStatus.DRAFT, meetings=[(day, time(11), time(13))]
    )
    with pytest.raises(DomainError) as error:
        set_trainers(other, [trainer], by=None)
    assert error.value.message == (
        f"İsmail Güneş o saatte başka bir oturumda ders veriyor: 4734 Sayılı Kamu İhale "
        f"Kanunu, {day:%d.%m.%Y} 09:00–12:00."
    )
    # Back to back is fine.
    later = make_session(
        starts_on=day, days=1, status=SessionStatus.DRAFT, meetings=[(day, time(12), time(15))]
    )
    set_trainers(later, [trainer], by=None)
    assert later.trainers == [trainer]
    # Adding an overlapping meeting to a session the trainer teaches is refused too.
    with pytest.raises(DomainError):
        add_meeting(later, MeetingDetails(day, time(8), time(9, 30)), by=None)


def test_cancelled_sessions_free_their_trainers(make_session, make_trainer):
    trainer = make_trainer()
    day = local_today() + timedelta(days=20)
    first = make_session(starts_on=day, days=1, trainers=[trainer])
    cancel_session(first, "Salon tadilatta", by=None)
    other = make_session(starts_on=day, days=1, status=SessionStatus.DRAFT)
    set_trainers(other, [trainer], by=None)
    assert other.trainers == [trainer]


def test_only_trainers_can_teach(make_session, make_user):
    participant = make_user(first_name="Veli", last_name="Kaya").person
    session = make_session(status=SessionStatus.DRAFT)
    with pytest.raises(DomainError) as error:
        set_trainers(session, [participant], by=None)
    assert error.value.message == "Veli Kaya bir eğitmen değil."


def test_publishing_needs_a_meeting_and_a_trainer(make_session, make_trainer):
    session = make_session(status=SessionStatus.DRAFT, meetings=[])
    with pytest.raises(InvalidTransition) as error:
        publish_session(session, by=None)
    assert error.value.message == "Yayımlamadan önce eğitim döneminin en az bir oturumu olmalıdır."
    add_meeting(session, MeetingDetails(session.starts_on, time(9), time(12)), by=None)
    with pytest.raises(InvalidTransition) as error:
        publish_session(session, by=None)
    assert error.value.message == "Yayımlamadan önce eğitim dönemine bir eğitmen atanmalıdır."
    set_trainers(session, [make_trainer()], by=None)
    sequence = session.sequence
    publish_session(session, by=None)
    assert session.status == SessionStatus.PUBLISHED and session.published_at is not None
    assert session.sequence > sequence
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_type == "Session", AuditEntry.object_id == session.id
        )
    ).all()
    assert "session.publish" in actions


def test_cancelled_or_completed_session_cannot_go_back_to_draft(make_session):
    session = make_session(starts_on=local_today() - timedelta(days=10))
    complete_session(session, local_today(), by=None)
    with pytest.raises(InvalidTransition) as error:
        session_back_to_draft(session, by=None)
    assert error.value.message == (
        "İptal edilmiş veya tamamlanmış bir eğitim dönemi taslağa geri alınamaz."
    )
    cancelled = make_session()
    cancel_session(cancelled, "Yeterli başvuru olmadı", by=None)
    with pytest.raises(InvalidTransition):
        session_back_to_draft(cancelled, by=None)
    with pytest.raises(InvalidTransition) as error:
        update_session(cancelled, details(), by=None)
    assert error.value.message == "İptal edilmiş veya tamamlanmış bir eğitim dönemi değiştirilemez."


def test_a_session_is_completed_only_after_its_last_day(make_session):
    session = make_session()
    with pytest.raises(InvalidTransition) as error:
        complete_session(session, local_today(), by=None)
    assert error.value.message == "Bir eğitim dönemi ancak son gününden sonra tamamlanabilir."


def test_cancelling_tells_the_trainers_and_sends_the_signal(make_session, make_trainer):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    received = []

    def listener(sender, **extra):
        received.append((sender, extra["reason"]))

    signals.session_cancelled.connect(listener)
    try:
        with pytest.raises(DomainError) as error:
            cancel_session(session, "  ", by=None)
        assert error.value.message == "İptal nedenini yazın."
        cancel_session(session, "Eğitmen rahatsızlandı", by=None)
    finally:
        signals.session_cancelled.disconnect(listener)
    assert session.status == SessionStatus.CANCELLED
    assert received == [(session, "Eğitmen rahatsızlandı")]
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.recipient == trainer.user.email
    assert mail.subject.startswith("İptal: 4734 Sayılı Kamu İhale Kanunu")
    assert "Eğitmen rahatsızlandı" in mail.body_text


def test_clone_shifts_meetings_and_windows(make_session, make_trainer):
    from datetime import datetime

    trainer = make_trainer()
    start = local_today() + timedelta(days=10)
    session = make_session(
        starts_on=start, days=2, trainers=[trainer], enrolment_closes_at=datetime(2030, 1, 1, 9)
    )
    copy = clone_session(session, start + timedelta(days=182), by=None)
    assert copy.status == SessionStatus.DRAFT
    assert [m.day for m in copy.meetings] == [
        start + timedelta(days=182),
        start + timedelta(days=183),
    ]
    assert copy.enrolment_closes_at == datetime(2030, 1, 1, 9) + timedelta(days=182)
    assert copy.trainers == [trainer] and copy.capacity == session.capacity


def test_last_meeting_of_a_published_session_cannot_be_deleted(make_session):
    session = make_session(days=1)
    with pytest.raises(DomainError) as error:
        delete_meeting(session.meetings[0], by=None)
    assert error.value.message == "Yayımlanmış bir eğitim döneminin son oturumu silinemez."


def test_changing_dates_cannot_strand_meetings(make_session):
    session = make_session(days=3)
    with pytest.raises(DomainError) as error:
        update_session(
            session, details(starts_on=session.starts_on, ends_on=session.starts_on), by=None
        )
    assert "yeni tarihlerin dışında kalır" in error.value.message


def test_update_raises_the_calendar_sequence(make_session):
    session = make_session()
    before = session.sequence
    update_session(
        session,
        details(starts_on=session.starts_on, ends_on=session.ends_on, city="Ilgın"),
        by=None,
    )
    assert session.sequence == before + 1 and session.city_key == "ilgin"


def test_course_rules(make_category):
    category = make_category()
    base = {"code": "ihl-101", "title": "Kamu İhale", "category_id": category.id}
    course = create_course(CourseDetails(**base), by=None)
    assert course.code == "İHL-101" and course.min_attendance_percent == 80
    with pytest.raises(DomainError) as error:
        create_course(CourseDetails(**base), by=None)
    assert error.value.message == "Bu kodla bir eğitim zaten var."
    with pytest.raises(DomainError) as error:
        create_course(
            CourseDetails(**{**base, "code": "X1"}, document_kind=DocumentKind.ACHIEVEMENT),
            by=None,
        )
    assert error.value.message.startswith("Başarı Belgesi için eğitimin bir sınavı olmalıdır")
    with pytest.raises(DomainError) as error:
        create_course(CourseDetails(**{**base, "code": "X2"}, has_exam=True), by=None)
    assert error.value.message == "Sınavın geçme notunu girin."


def test_category_names_are_unique_the_turkish_way(make_category):
    create_category("İmar ve Şehircilik", None, by=None)
    with pytest.raises(DomainError) as error:
        create_category("  İmar  ve Şehircilik ", None, by=None)
    assert error.value.message == "Bu adla bir kategori zaten var."


def test_venue_capacity_cannot_drop_below_a_session(make_session, make_venue):
    venue = make_venue(capacity=40)
    make_session(venue=venue, capacity=35)
    with pytest.raises(DomainError) as error:
        update_venue(venue, VenueDetails(name=venue.name, city="Konya", capacity=30), by=None)
    assert error.value.message == (
        "Bu mekândaki bir eğitim dönemi 35 kişilik; kapasite bundan az olamaz."
    )


def test_course_audience_and_eligibility(make_course):
    from training_app.accounts.models import Position

    seminar = make_course(positions={Position.MAYOR, Position.DEPUTY_MAYOR})
    assert seminar.is_open_to(Position.MAYOR)
    assert not seminar.is_open_to(Position.STAFF)
    assert make_course().is_open_to(None)
    assert db.session.get(Course, seminar.id).target_positions == {
        Position.MAYOR,
        Position.DEPUTY_MAYOR,
    }


def test_country_is_normalised(make_session):
    assert make_session(country="turkey").country == "Türkiye"
    abroad = make_session(country="Almanya", city="Köln")
    assert abroad.is_abroad and abroad.place_label == "Köln, Almanya"
    assert isinstance(abroad, Session)
