"""A hall holds one meeting at a time: overlapping bookings are refused with the other session
named, unless the venue allows parallel use or the meetings are online."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from tests.enrollment.test_concurrency import concurrent_app  # noqa: F401  (fixture)
from training_app.accounts.models import Role
from training_app.catalog.meetings import MeetingDetails, add_meeting, update_meeting
from training_app.catalog.models import Delivery, Session, SessionStatus, Venue
from training_app.catalog.sessions import (
    SessionDetails,
    cancel_session,
    clone_session,
    update_session,
)
from training_app.core.errors import DomainError
from training_app.core.timeutil import local_today
from training_app.extensions import db


@pytest.fixture
def day():
    return local_today() + timedelta(days=20)


@pytest.fixture
def booked_hall(make_session, make_course, make_venue, day):
    """The union's hall booked by a published two-day session, 09:00–12:00 each day."""
    hall = make_venue(name="Birlik Konferans Salonu")
    course = make_course(title="Zabıta Mevzuatı", code="ZBT-101")
    session = make_session(course=course, starts_on=day, days=2, venue=hall)
    return hall, session


def _refusal(error) -> str:
    return error.value.message


def test_overlapping_meeting_in_the_same_hall_is_refused_with_the_other_session_named(
    booked_hall, make_session, day
):
    hall, _booked = booked_hall
    draft = make_session(starts_on=day, days=1, status=SessionStatus.DRAFT, venue=hall, meetings=[])
    with pytest.raises(DomainError) as error:
        add_meeting(draft, MeetingDetails(day, time(11), time(13)), by=None)
    next_day = day + timedelta(days=1)
    assert _refusal(error) == (
        f"Birlik Konferans Salonu o saatte başka bir eğitim dönemi için ayrılmış: Zabıta "
        f"Mevzuatı ({day:%d}–{next_day:%d.%m.%Y}), {day:%d.%m.%Y} 09:00–12:00."
    )
    assert error.value.field == "starts_at"
    # Back to back is fine, and so is the afternoon; moving into the morning is refused.
    meeting = add_meeting(draft, MeetingDetails(day, time(12), time(15)), by=None)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        update_meeting(meeting, MeetingDetails(day, time(8), time(9, 30)), by=None)
    assert "Zabıta Mevzuatı" in _refusal(error)
    db.session.rollback()
    db.session.refresh(meeting)
    assert (meeting.starts_at, meeting.ends_at) == (time(12), time(15))


def test_a_draft_booking_holds_the_hall_too(make_session, make_venue, make_course, day):
    hall = make_venue()
    make_session(
        course=make_course(title="Taslak Eğitim"),
        starts_on=day,
        days=1,
        status=SessionStatus.DRAFT,
        venue=hall,
    )
    other = make_session(starts_on=day, days=1, venue=hall, meetings=[])
    with pytest.raises(DomainError) as error:
        add_meeting(other, MeetingDetails(day, time(10), time(11)), by=None)
    assert "Taslak Eğitim" in _refusal(error)


def test_another_hall_or_a_cancelled_booking_does_not_clash(
    booked_hall, make_session, make_venue, day
):
    hall, booked = booked_hall
    elsewhere = make_session(starts_on=day, days=1, venue=make_venue(), meetings=[])
    add_meeting(elsewhere, MeetingDetails(day, time(9), time(12)), by=None)
    cancel_session(booked, "Salon tadilatta", by=None)
    freed = make_session(starts_on=day, days=1, venue=hall, meetings=[])
    add_meeting(freed, MeetingDetails(day, time(9), time(12)), by=None)
    assert len(freed.meetings) == 1


def test_a_venue_that_allows_parallel_use_takes_overlapping_meetings(make_session, make_venue, day):
    grounds = make_venue(name="Kültür Parkı Açık Alan", allows_parallel_use=True)
    make_session(starts_on=day, days=1, venue=grounds)
    other = make_session(starts_on=day, days=1, venue=grounds, meetings=[])
    add_meeting(other, MeetingDetails(day, time(9), time(12)), by=None)
    assert len(other.meetings) == 1


def test_online_meetings_never_clash_on_a_venue(booked_hall, make_session, make_course, day):
    hall, _booked = booked_hall
    online = make_course(title="Çevrim İçi KVKK", delivery=Delivery.ONLINE)
    webinar = make_session(course=online, starts_on=day, days=1, venue=hall, meetings=[])
    add_meeting(webinar, MeetingDetails(day, time(9), time(12)), by=None)
    # ...and an online session's meeting does not keep a classroom session out of the hall.
    db.session.commit()
    classroom = make_session(starts_on=day, days=1, venue=hall, meetings=[])
    add_meeting(classroom, MeetingDetails(day, time(13), time(16)), by=None)
    second_online = make_session(course=online, starts_on=day, days=1, venue=hall, meetings=[])
    add_meeting(second_online, MeetingDetails(day, time(14), time(15)), by=None)
    assert len(webinar.meetings) == len(classroom.meetings) == len(second_online.meetings) == 1


def test_a_hybrid_session_takes_up_its_hall(booked_hall, make_session, make_course, day):
    hall, _booked = booked_hall
    hybrid = make_course(title="Hibrit Eğitim", delivery=Delivery.HYBRID)
    session = make_session(course=hybrid, starts_on=day, days=1, venue=hall, meetings=[])
    with pytest.raises(DomainError):
        add_meeting(session, MeetingDetails(day, time(9), time(10)), by=None)


def _details(session: Session, venue: Venue) -> SessionDetails:
    return SessionDetails(
        starts_on=session.starts_on,
        ends_on=session.ends_on,
        capacity=session.capacity,
        city=session.city,
        venue_id=venue.id,
    )


def test_moving_a_session_to_a_booked_hall_rechecks_its_meetings(
    booked_hall, make_session, make_venue, day
):
    hall, _booked = booked_hall
    small_hall = make_venue(name="Meram Belediyesi Toplantı Salonu")
    session = make_session(
        starts_on=day - timedelta(days=1),
        days=2,
        venue=small_hall,
        meetings=[(day - timedelta(days=1), time(9), time(12)), (day, time(10), time(11))],
    )
    with pytest.raises(DomainError) as error:
        update_session(session, _details(session, hall), by=None)
    assert _refusal(error).startswith("Birlik Konferans Salonu o saatte başka bir eğitim dönemi")
    assert error.value.field == "venue_id"
    db.session.rollback()
    db.session.refresh(session)
    assert session.venue_id == small_hall.id
    # Staying in its own hall while editing other details is fine.
    details = _details(session, small_hall)
    details.capacity = 20
    update_session(session, details, by=None)
    assert session.capacity == 20


def test_copying_a_session_into_a_booked_hall_is_refused(booked_hall, make_session, day):
    hall, _booked = booked_hall
    earlier = make_session(starts_on=day - timedelta(days=7), days=1, venue=hall)
    with pytest.raises(DomainError) as error:
        clone_session(earlier, day, by=None)
    assert "Zabıta Mevzuatı" in _refusal(error)
    db.session.rollback()
    assert len(db.session.scalars(select(Session).where(Session.starts_on == day)).all()) == 1
    copy = clone_session(earlier, day + timedelta(days=2), by=None)
    assert copy.venue_id == hall.id


# --- through the screens ----------------------------------------------------------------------


def test_the_office_sees_the_refusal_and_the_halls_other_bookings(
    client, login_as, booked_hall, make_session, make_course, day
):
    hall, _booked = booked_hall
    draft = make_session(
        course=make_course(title="İmar Uygulamaları"),
        starts_on=day,
        days=1,
        status=SessionStatus.DRAFT,
        venue=hall,
        meetings=[(day, time(13), time(16))],
    )
    login_as(Role.ADMIN)
    page = client.get(f"/admin/catalogue/sessions/{draft.id}").get_data(as_text=True)
    assert "Salonun bu günlerdeki diğer kullanımları (Birlik Konferans Salonu)" in page
    assert f"{day:%d.%m.%Y} 09:00–12:00" in page and "Zabıta Mevzuatı" in page
    # The booked session's second day is not one of this session's days.
    assert f"{day + timedelta(days=1):%d.%m.%Y} 09:00" not in page
    response = client.post(
        f"/admin/catalogue/sessions/{draft.id}/meetings",
        data={"day": day.isoformat(), "starts_at": "11:30", "ends_at": "12:30"},
        follow_redirects=True,
    )
    assert "Birlik Konferans Salonu o saatte başka bir eğitim dönemi için ayrılmış" in (
        response.get_data(as_text=True)
    )
    assert len(draft.meetings) == 1


def test_parallel_use_is_set_in_the_venue_form(client, login_as, make_venue):
    venue = make_venue(name="Selçuklu Kongre Merkezi")
    login_as(Role.ADMIN)
    page = client.get(f"/admin/catalogue/venues/{venue.id}").get_data(as_text=True)
    assert "Aynı anda birden fazla oturum yapılabilir" in page
    response = client.post(
        f"/admin/catalogue/venues/{venue.id}",
        data={
            "name": venue.name,
            "city": "Konya",
            "country": "Türkiye",
            "capacity": "400",
            "is_active": "y",
            "allows_parallel_use": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(venue)
    assert venue.allows_parallel_use is True
    listing = client.get("/admin/catalogue/venues").get_data(as_text=True)
    assert "Paralel kullanım" in listing


# --- at the same moment -----------------------------------------------------------------------


def test_offices_booking_one_hall_at_the_same_moment_get_it_once(concurrent_app):  # noqa: F811
    """Real concurrent connections (a SQLite file, or PostgreSQL): six drafts in one hall each
    add a meeting at 09:00 at once; one gets the hall, the others are told who has it."""
    import threading

    from training_app.catalog.models import Category, Course, Meeting

    calls = 6
    with concurrent_app.app_context():
        day = local_today() + timedelta(days=30)
        hall = Venue(name="Karatay Belediyesi Meclis Salonu", city="Konya", capacity=50)
        category = Category(name="Eşzamanlı Salon")
        drafts = [
            Session(
                course=Course(code=f"SLN-{n}", title=f"Salon Eğitimi {n}", category=category),
                starts_on=day,
                ends_on=day,
                city="Konya",
                capacity=20,
                venue=hall,
                status=SessionStatus.DRAFT,
            )
            for n in range(calls)
        ]
        db.session.add_all(drafts)
        db.session.commit()
        session_ids = [s.id for s in drafts]
    barrier = threading.Barrier(calls)
    outcomes: list[str] = []

    def book(session_id):
        barrier.wait(timeout=60)
        with concurrent_app.app_context():
            try:
                add_meeting(
                    db.session.get(Session, session_id),
                    MeetingDetails(day, time(9), time(12)),
                    by=None,
                )
                db.session.commit()
                outcomes.append("booked")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(f"refused: {error.message}")
            except Exception as error:  # noqa: BLE001 - any other failure is what we look for
                db.session.rollback()
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=(sid,)) for sid in session_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes.count("booked") == 1, outcomes
    assert all(
        o.startswith("refused: Karatay Belediyesi Meclis Salonu o saatte")
        for o in outcomes
        if o != "booked"
    ), outcomes
    with concurrent_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
