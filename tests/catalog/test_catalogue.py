"""The public catalogue: filters, Turkish search, pages, session and course pages."""

from contextlib import contextmanager
from datetime import date, time, timedelta

import pytest
from sqlalchemy import event

from training_app.accounts.models import Position, Role
from training_app.catalog.models import Delivery, Meeting, Session, SessionStatus
from training_app.core.timeutil import local_today
from training_app.extensions import db


@contextmanager
def count_queries():
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def titles(response) -> str:
    return response.get_data(as_text=True)


def test_catalogue_lists_upcoming_published_sessions_by_date(client, make_session, make_course):
    today = local_today()
    make_session(course=make_course(title="Afet Yönetimi"), starts_on=today + timedelta(days=9))
    make_session(course=make_course(title="Protokol Kuralları"), starts_on=today + timedelta(3))
    make_session(course=make_course(title="Taslak Eğitim"), status=SessionStatus.DRAFT)
    make_session(course=make_course(title="Geçmiş Eğitim"), starts_on=today - timedelta(days=30))
    make_session(course=make_course(title="Gizli Eğitim", published=False))
    page = titles(client.get("/catalogue"))
    assert "Eğitim kataloğu" in page
    assert page.index("Protokol Kuralları") < page.index("Afet Yönetimi")
    for hidden in ("Taslak Eğitim", "Geçmiş Eğitim", "Gizli Eğitim"):
        assert hidden not in page
    assert "2 eğitim dönemi bulundu" in page


def test_a_running_session_is_still_listed(client, make_session, make_course):
    make_session(
        course=make_course(title="Sürmekte Olan"),
        starts_on=local_today() - timedelta(days=1),
        days=3,
    )
    assert "Sürmekte Olan" in titles(client.get("/catalogue"))


@pytest.mark.parametrize("query", ["cumra", "ÇUMRA", "çumra", "Cumra"])
def test_search_forgives_ascii_and_case_for_cities(client, make_session, make_course, query):
    make_session(course=make_course(title="Zabıta Mevzuatı"), city="Çumra")
    make_session(course=make_course(title="Bütçe Hazırlığı"), city="Konya")
    page = titles(client.get("/catalogue", query_string={"q": query}))
    assert "Zabıta Mevzuatı" in page and "Bütçe Hazırlığı" not in page


def test_search_is_turkish_case_insensitive(client, make_session, make_course, make_venue):
    make_session(course=make_course(title="ILGIN İLÇESİ YEREL DEMOKRASİ ATÖLYESİ"))
    make_session(
        course=make_course(title="İmar Planları"), venue=make_venue(name="Kadınhanı Kültür Merkezi")
    )
    assert "ILGIN" in titles(client.get("/catalogue?q=ılgın"))
    assert "ILGIN" in titles(client.get("/catalogue?q=ilgin demokrasi"))
    assert "İmar Planları" in titles(client.get("/catalogue?q=imar"))
    assert "İmar Planları" in titles(client.get("/catalogue?q=kadinhani"))
    assert "Eşleşen yaklaşan eğitim dönemi yok" in titles(client.get("/catalogue?q=100%"))


def test_filters(client, make_session, make_course, make_category):
    today = local_today()
    zoning = make_category("İmar ve Şehircilik")
    make_session(course=make_course(title="İmar Kanunu", category=zoning), city="Konya")
    make_session(
        course=make_course(title="Almanya Yerel Yönetimler Semineri", delivery=Delivery.HYBRID),
        city="Köln",
        country="Almanya",
    )
    make_session(
        course=make_course(
            title="Başkanlar Semineri", positions={Position.MAYOR, Position.DEPUTY_MAYOR}
        )
    )
    next_month = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    make_session(
        course=make_course(title="Gelecek Ay Eğitimi"), starts_on=next_month + timedelta(1)
    )

    def shown(**args):
        return titles(client.get("/catalogue", query_string=args))

    page = shown(category=zoning.id)
    assert "İmar Kanunu" in page and "Başkanlar Semineri" not in page
    page = shown(where="abroad")
    assert "Almanya Yerel" in page and "İmar Kanunu" not in page
    assert "Almanya Yerel" not in shown(where="tr")
    assert "Almanya Yerel" in shown(city="koln") and "İmar Kanunu" not in shown(city="koln")
    assert "Almanya Yerel" in shown(delivery="hybrid") and "İmar Kanunu" not in shown(
        delivery="hybrid"
    )
    page = shown(position="staff")
    assert "Başkanlar Semineri" not in page and "İmar Kanunu" in page
    assert "Başkanlar Semineri" in shown(position="mayor")
    page = shown(month=next_month.strftime("%Y-%m"))
    assert "Gelecek Ay Eğitimi" in page
    # Nonsense values are ignored rather than failing.
    assert client.get("/catalogue?month=abc&category=x&delivery=z&page=-3").status_code == 200
    huge = "9" * 30
    assert client.get(f"/catalogue?category={huge}&page={huge}").status_code == 200


def test_catalogue_is_paginated(client, make_session, make_course):
    course = make_course(title="Yangın Güvenliği ve İlk Yardım")
    for i in range(25):
        make_session(course=course, starts_on=local_today() + timedelta(days=i + 1), days=1)
    first, second = titles(client.get("/catalogue")), titles(client.get("/catalogue?page=2"))
    assert first.count('class="list-group-item session-item"') == 20
    assert second.count('class="list-group-item session-item"') == 5
    assert "25 eğitim dönemi bulundu" in first


def _many_sessions(make_course, make_trainer, make_venue, n: int) -> None:
    courses = [make_course(title=f"Eğitim {i}", positions={Position.STAFF}) for i in range(5)]
    trainer, venue = make_trainer(), make_venue(capacity=100)
    start = local_today() + timedelta(days=1)
    for i in range(n):
        day = start + timedelta(days=i % 200)
        session = Session(
            course=courses[i % 5],
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=20,
            status=SessionStatus.PUBLISHED,
            venue=venue,
            trainers=[trainer],
            meetings=[Meeting(day=day, starts_at=time(9), ends_at=time(12))],
        )
        db.session.add(session)
    db.session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/catalogue",
        "/catalogue?q=egitim&position=staff",
        "/api/v1/sessions",
        "/api/v1/sessions?per_page=100",
    ],
)
def test_catalogue_and_api_run_a_fixed_number_of_queries(
    app, client, make_course, make_trainer, make_venue, path
):
    app.config["CATALOGUE_CACHE_SIZE"] = 0  # measure the work behind the cache
    _many_sessions(make_course, make_trainer, make_venue, 10)
    client.get(path)  # warm up
    with count_queries() as few:
        assert client.get(path).status_code == 200
    _many_sessions(make_course, make_trainer, make_venue, 490)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many), (few, many)
    assert len(many) <= 10


def test_session_page_shows_schedule_trainers_seats_and_eligibility(
    client, make_session, make_course, make_trainer, make_venue, login_as
):
    course = make_course(
        title="Başkanlar için Kriz İletişimi", positions={Position.MAYOR, Position.DEPUTY_MAYOR}
    )
    day = local_today() + timedelta(days=5)
    session = make_session(
        course=course,
        starts_on=day,
        days=2,
        capacity=30,
        seats_taken=12,
        trainers=[make_trainer("Gülsüm", "Aydın")],
        venue=make_venue(name="Birlik Konferans Salonu", capacity=60),
        meetings=[(day, time(9), time(12)), (day + timedelta(days=1), time(13, 30), time(17))],
        online_url="https://meet.example.org/gizli",
    )
    page = titles(client.get(f"/catalogue/sessions/{session.id}"))
    assert "Başkanlar için Kriz İletişimi" in page
    assert "Gülsüm Aydın" in page and "Birlik Konferans Salonu" in page
    assert "09:00–12:00" in page and "13:30–17:00" in page
    assert "Boş yer" in page and ">18<" in page
    assert "Belediye Başkanı, Başkan Yardımcısı" in page
    assert "Başvurmak için giriş yapın" in page
    assert "meet.example.org" not in page
    assert "6,5" in page  # hours
    login_as(Role.PARTICIPANT, position=Position.STAFF)
    page = titles(client.get(f"/catalogue/sessions/{session.id}"))
    assert "Başvurular açık." in page
    assert ">Başvur</button>" not in page  # the course is not open to staff


def test_draft_session_and_hidden_course_are_not_found(client, make_session, make_course, login_as):
    draft = make_session(status=SessionStatus.DRAFT)
    hidden = make_course(published=False)
    assert client.get(f"/catalogue/sessions/{draft.id}").status_code == 404
    assert client.get(f"/catalogue/courses/{hidden.id}").status_code == 404
    assert client.get("/catalogue/sessions/999999").status_code == 404
    login_as(Role.ADMIN)
    response = client.get(f"/catalogue/sessions/{draft.id}")
    assert response.status_code == 200 and "Ön izleme" in titles(response)


def test_cancelled_session_page_says_so(client, make_session):
    from training_app.catalog.sessions import cancel_session

    session = make_session()
    cancel_session(session, "Yeterli başvuru olmadı.", by=None)
    db.session.commit()
    page = titles(client.get(f"/catalogue/sessions/{session.id}"))
    assert "Bu eğitim dönemi iptal edildi." in page and "Yeterli başvuru olmadı." in page
    assert "Başvurmak için giriş yapın" not in page


def test_course_page_lists_its_sessions(client, make_session, make_course):
    course = make_course(title="KVKK Uygulamaları", description="Kişisel verilerin korunması.")
    make_session(course=course, starts_on=local_today() + timedelta(days=20), city="Ereğli")
    make_session(course=course, starts_on=local_today() - timedelta(days=60), city="Akşehir")
    make_session(course=course, status=SessionStatus.DRAFT, city="Gizliköy")
    page = titles(client.get(f"/catalogue/courses/{course.id}"))
    assert "KVKK Uygulamaları" in page and "Kişisel verilerin korunması." in page
    assert page.index("Yaklaşan eğitim dönemleri") < page.index("Ereğli")
    assert page.index("Geçmiş eğitim dönemleri") < page.index("Akşehir")
    assert "Gizliköy" not in page
    assert "%80" in page


def test_navigation_shows_catalogue_to_everyone_and_admin_screens_to_admins(client, login_as):
    assert "/catalogue" in titles(client.get("/"))
    assert "/admin/catalogue" not in titles(client.get("/"))
    login_as(Role.ADMIN)
    page = titles(client.get("/"))
    assert "/admin/catalogue/sessions" in page and "/admin/catalogue/courses" in page


def test_cached_catalogue_shows_every_change_at_once(client, make_session, make_course):
    from training_app.catalog.models import Category
    from training_app.catalog.sessions import cancel_session

    session = make_session(course=make_course(title="Afet Yönetimi"), capacity=30)
    client.get("/catalogue")
    with count_queries() as hit:
        page = titles(client.get("/catalogue"))
    assert "Boş yer: 30" in page and len(hit) == 1  # only the version check
    session.seats_taken = 5
    db.session.commit()
    assert "Boş yer: 25" in titles(client.get("/catalogue"))
    category = db.session.get(Category, session.course.category_id)
    category.name = "Afet ve Acil Durum"
    db.session.commit()
    assert "Afet ve Acil Durum" in titles(client.get("/catalogue"))
    cancel_session(session, "Salon tadilatta.", by=None)
    db.session.commit()
    assert "Afet Yönetimi" not in titles(client.get("/catalogue"))
    # Another language is another entry.
    client.post("/language/en")
    assert "Training catalogue" in titles(client.get("/catalogue"))


def test_closed_application_period_says_so_instead_of_free_seats(client, make_session, make_course):
    """A session with free seats whose application period has ended is not shown as open, even
    from the cached list rendered while it was."""
    from datetime import datetime

    from training_app.core.timeutil import utcnow

    session = make_session(course=make_course(title="Afet Yönetimi"), capacity=30)
    session.enrolment_closes_at = utcnow() + timedelta(days=1)
    later = make_session(course=make_course(title="Arşiv Yönetimi"), capacity=20)
    later.enrolment_opens_at = datetime(2099, 1, 1, 9)
    db.session.commit()
    page = titles(client.get("/catalogue"))
    assert "Boş yer: 30" in page
    assert "Boş yer: 20" not in page and "Başvurular 01.01.2099" in page
    # The period closes: no edit of the session (updated_at stays), only time passes.
    db.session.execute(
        Session.__table__.update()
        .where(Session.id == session.id)
        .values(enrolment_closes_at=utcnow() - timedelta(minutes=1), updated_at=session.updated_at)
    )
    db.session.commit()
    page = titles(client.get("/catalogue"))
    assert "Başvuru kapandı" in page
    assert "Boş yer: 30" not in page


def test_phone_filters_fold_behind_one_button_open_when_in_use(client, make_session):
    make_session(city="Çumra")
    page = titles(client.get("/catalogue"))
    assert page.index('name="q"') < page.index('name="category"')
    assert 'data-bs-toggle="collapse"' in page and ">Filtrele</button>" in page
    assert 'class="col-12 collapse d-lg-block catalogue-more-filters"' in page
    assert "onclick" not in page
    page = titles(client.get("/catalogue?city=cumra"))
    assert 'class="col-12 collapse d-lg-block catalogue-more-filters show"' in page
