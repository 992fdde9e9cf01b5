"""Catalogue administration through the screens: create, edit, publish, cancel, clone."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from training_app.accounts.models import Role
from training_app.catalog.models import Category, Course, Session, SessionStatus, Venue
from training_app.core.timeutil import local_now, local_today
from training_app.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def test_admin_builds_a_course_and_a_two_day_session_and_publishes_it(
    client, login_as, make_trainer
):
    trainer = make_trainer("Ömer", "Kaya")
    login_as(Role.ADMIN)
    assert (
        client.post("/admin/catalogue/categories", data={"name": "Afet Yönetimi"}).status_code
        == 302
    )
    category = db.session.scalar(select(Category))
    response = client.post(
        "/admin/catalogue/venues/new",
        data={"name": "Birlik Eğitim Salonu", "city": "Konya", "capacity": "40", "is_active": "y"},
    )
    assert response.status_code == 302
    venue = db.session.scalar(select(Venue))
    response = client.post(
        "/admin/catalogue/courses/new",
        data={
            "code": "afet-201",
            "title": "Afet ve Acil Durum Yönetimi",
            "category_id": category.id,
            "kind": "seminar",
            "delivery": "classroom",
            "total_hours": "12",
            "document_kind": "attendance",
            "min_attendance_percent": "80",
            "target_positions": ["unit_head", "staff"],
        },
    )
    assert response.status_code == 302, text(response)
    course = db.session.scalar(select(Course))
    assert course.code == "AFET-201" and course.total_minutes == 720
    client.post(f"/admin/catalogue/courses/{course.id}/published", data={"published": "1"})
    start = local_today() + timedelta(days=21)
    response = client.post(
        f"/admin/catalogue/courses/{course.id}/sessions/new",
        data={
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=1)).isoformat(),
            "venue_id": venue.id,
            "capacity": "45",
            "requires_approval": "y",
        },
    )
    assert "Kontenjan, mekânın 40 kişilik kapasitesini aşamaz." in text(response)
    response = client.post(
        f"/admin/catalogue/courses/{course.id}/sessions/new",
        data={
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=1)).isoformat(),
            "venue_id": venue.id,
            "capacity": "35",
            "requires_approval": "y",
            "enrolment_closes_at": f"{(start - timedelta(days=3)).isoformat()}T17:00",
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(select(Session))
    assert session.city == "Konya" and session.status == SessionStatus.DRAFT
    # 17:00 in Istanbul is 14:00 UTC.
    assert session.enrolment_closes_at.hour == 14
    response = client.post(f"/admin/catalogue/sessions/{session.id}/publish", follow_redirects=True)
    assert "Yayımlamadan önce eğitim döneminin en az bir oturumu olmalıdır." in text(response)
    for offset in (0, 1):
        day = (start + timedelta(days=offset)).isoformat()
        response = client.post(
            f"/admin/catalogue/sessions/{session.id}/meetings",
            data={"day": day, "starts_at": "09:00", "ends_at": "16:00"},
        )
        assert response.status_code == 302
    client.post(
        f"/admin/catalogue/sessions/{session.id}/trainers", data={"trainer_ids": [trainer.id]}
    )
    response = client.post(f"/admin/catalogue/sessions/{session.id}/publish", follow_redirects=True)
    assert "Eğitim dönemi yayımlandı." in text(response)
    db.session.refresh(session)
    assert session.status == SessionStatus.PUBLISHED and len(session.meetings) == 2
    catalogue = text(client.get("/catalogue?q=afet"))
    assert "Afet ve Acil Durum Yönetimi" in catalogue


def test_meeting_outside_the_dates_is_refused_with_a_message(client, login_as, make_session):
    session = make_session(status=SessionStatus.DRAFT, meetings=[])
    login_as(Role.ADMIN)
    day = (session.ends_on + timedelta(days=3)).isoformat()
    response = client.post(
        f"/admin/catalogue/sessions/{session.id}/meetings",
        data={"day": day, "starts_at": "09:00", "ends_at": "12:00"},
        follow_redirects=True,
    )
    assert "Oturum, eğitim döneminin tarihleri içinde olmalıdır" in text(response)
    assert not session.meetings


def test_cancel_and_clone(client, login_as, make_session, make_trainer):
    session = make_session(trainers=[make_trainer()])
    login_as(Role.ADMIN)
    response = client.post(f"/admin/catalogue/sessions/{session.id}/cancel", data={"reason": ""})
    assert response.status_code == 200
    response = client.post(
        f"/admin/catalogue/sessions/{session.id}/cancel",
        data={"reason": "Salon tadilatta."},
        follow_redirects=True,
    )
    assert "Eğitim dönemi iptal edildi." in text(response)
    db.session.refresh(session)
    assert session.status == SessionStatus.CANCELLED
    response = client.post(f"/admin/catalogue/sessions/{session.id}/draft", follow_redirects=True)
    assert "İptal edilmiş veya tamamlanmış bir eğitim dönemi taslağa geri alınamaz." in text(
        response
    )
    new_start = session.starts_on + timedelta(days=180)
    response = client.post(
        f"/admin/catalogue/sessions/{session.id}/clone", data={"starts_on": new_start.isoformat()}
    )
    assert response.status_code == 302
    copy = db.session.scalar(select(Session).where(Session.id != session.id))
    assert copy.status == SessionStatus.DRAFT and copy.starts_on == new_start
    assert [m.day for m in copy.meetings] == [new_start, new_start + timedelta(days=1)]


def test_admin_pages_render(client, login_as, make_session, make_venue):
    session = make_session(venue=make_venue())
    login_as(Role.ADMIN)
    for url in (
        "/admin/catalogue/sessions",
        "/admin/catalogue/courses",
        "/admin/catalogue/categories",
        "/admin/catalogue/venues",
        f"/admin/catalogue/sessions/{session.id}",
        f"/admin/catalogue/sessions/{session.id}/edit",
        f"/admin/catalogue/courses/{session.course_id}",
        f"/admin/catalogue/courses/{session.course_id}/edit",
        f"/admin/catalogue/meetings/{session.meetings[0].id}",
        f"/admin/catalogue/sessions/{session.id}/cancel",
        f"/admin/catalogue/sessions/{session.id}/clone",
        f"/admin/catalogue/courses/{session.course_id}/sessions/new",
        f"/admin/catalogue/categories/{session.course.category_id}",
        f"/admin/catalogue/venues/{session.venue_id}",
        "/admin/catalogue/venues/new",
        "/admin/catalogue/courses/new",
        "/admin/catalogue/sessions?status=published&q=konya",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = text(response)
        assert page.count("<h1") == 1, url
        assert "style=" not in page and "<script>" not in page, url


def test_editing_a_course_keeps_its_audience(client, login_as, make_course):
    from training_app.accounts.models import Position

    course = make_course(positions={Position.MAYOR})
    login_as(Role.ADMIN)
    form = text(client.get(f"/admin/catalogue/courses/{course.id}/edit"))
    assert 'value="mayor" selected' in form or 'selected value="mayor"' in form


def test_close_the_session_is_offered_once_the_last_meeting_has_ended_not_the_day_after(
    client, login_as, make_session
):
    now = local_now()
    if not time(0, 2) <= now.time() <= time(23, 57):
        pytest.skip("needs a meeting that ended today and one still to come today")
    today = now.date()
    ended = make_session(starts_on=today, days=1, meetings=[(today, time(0, 0), time(0, 1))])
    later = make_session(starts_on=today, days=1, meetings=[(today, time(23, 58), time(23, 59))])
    login_as(Role.ADMIN)
    assert "Eğitim dönemini kapat" in text(client.get(f"/admin/catalogue/sessions/{ended.id}"))
    assert "Eğitim dönemini kapat" not in text(client.get(f"/admin/catalogue/sessions/{later.id}"))
    # What the page offers, closing accepts.
    assert client.post(f"/attendance/sessions/{ended.id}/close").status_code == 302
    db.session.refresh(ended)
    assert ended.status == SessionStatus.COMPLETED


def test_saving_trainers_says_when_nothing_was_chosen_and_what_changed(
    client, login_as, make_session, make_trainer
):
    session = make_session(status=SessionStatus.DRAFT)
    ayse, omer = make_trainer("Ayşe", "Demir"), make_trainer("Ömer", "Kaya")
    login_as(Role.ADMIN)
    url = f"/admin/catalogue/sessions/{session.id}/trainers"
    page = text(client.post(url, data={}, follow_redirects=True))
    assert "Eğitmen seçilmedi: hiçbir şey kaydedilmedi." in page
    assert "Eğitmenler kaydedildi" not in page
    page = text(client.post(url, data={"trainer_ids": [ayse.id, omer.id]}, follow_redirects=True))
    assert "Eğitmenler kaydedildi. Eklenen: Ayşe Demir, Ömer Kaya." in page
    page = text(client.post(url, data={"trainer_ids": [ayse.id, omer.id]}, follow_redirects=True))
    assert "Değişiklik yok" in page and "Eğitmenler kaydedildi" not in page
    page = text(client.post(url, data={"trainer_ids": [omer.id]}, follow_redirects=True))
    assert "Eğitmenler kaydedildi. Çıkarılan: Ayşe Demir." in page


def _primary_actions(page: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r'data-primary-action="(\w+)">([^<]+)<', page)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("draft", ("publish", "Yayımla")),
        ("coming", ("registrations", "Kayıtlar")),
        ("today", ("attendance", "Yoklama al")),
        ("ended", ("close", "Eğitim dönemini kapat")),
        ("completed", ("documents", "Belgeleri düzenle")),
        ("cancelled", None),
    ],
)
def test_session_page_shows_one_primary_action_for_its_state(
    client, login_as, make_session, make_trainer, state, expected
):
    login_as(Role.ADMIN)
    today = local_today()
    starts_on = {
        "today": today,
        "ended": today - timedelta(days=3),
        "completed": today - timedelta(days=3),
    }.get(state, today + timedelta(days=10))
    status = {
        "draft": SessionStatus.DRAFT,
        "completed": SessionStatus.COMPLETED,
        "cancelled": SessionStatus.CANCELLED,
    }.get(state, SessionStatus.PUBLISHED)
    meetings = [(starts_on, time(0, 0), time(23, 59))]
    session = make_session(
        starts_on=starts_on, days=1, meetings=meetings, status=status, trainers=[make_trainer()]
    )
    page = text(client.get(f"/admin/catalogue/sessions/{session.id}"))
    assert _primary_actions(page) == ([expected] if expected else [])
    assert page.count("btn btn-primary") == (1 if expected else 0)
    # The rest stay reachable, grouped below it.
    assert f"/sessions/{session.id}/materials" in page
    assert f"/admin/sessions/{session.id}/roster" in page
