"""Demo catalogue: the subjects a union of municipalities teaches, with sessions around today.

Called by demo.load_demo_data(). Idempotent (a course whose code exists is left alone, with its
sessions) and deterministic for a given day: dates are placed relative to today so that the demo
always has past, running and upcoming sessions.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..accounts.models import Person, Position, User
from ..catalog.models import (
    Category,
    Course,
    CourseKind,
    Delivery,
    DocumentKind,
    Meeting,
    Session,
    SessionStatus,
    Venue,
)
from ..core.timeutil import local_to_utc, local_today
from ..extensions import db

P = Position
ELECTED = {P.MAYOR, P.DEPUTY_MAYOR, P.COUNCIL_MEMBER, P.COMMITTEE_MEMBER}

CATEGORIES = (
    ("İmar ve Şehircilik", "İmar mevzuatı, yapı denetimi ve kentsel dönüşüm."),
    ("Kamu İhale Mevzuatı", "4734 ve 4735 sayılı kanunlar, doğrudan temin ve EKAP."),
    ("Bütçe, Muhasebe ve Mali Hizmetler", "Mahalli idarelerde bütçe, muhasebe ve taşınır."),
    ("Kişisel Verilerin Korunması (KVKK)", "6698 sayılı kanun ve belediye uygulamaları."),
    ("Protokol, İletişim ve Halkla İlişkiler", "Resmî yazışma, protokol ve kriz iletişimi."),
    ("Yangın Güvenliği ve İlk Yardım", "Yangın önleme, söndürme ve temel ilk yardım."),
    ("Afet ve Acil Durum Yönetimi", "Afet planlaması, hasar tespiti ve koordinasyon."),
    ("Zabıta Hizmetleri", "Zabıta mevzuatı, idari yaptırımlar ve saha iletişimi."),
    ("Yerel Demokrasi ve Meclis Çalışmaları", "Meclis usulleri, katılım ve kent konseyleri."),
)

VENUES = (
    # name, address, city, country, capacity
    ("Birlik Eğitim Salonu", "Feritpaşa Mah. Kerkük Cad. No: 10, Selçuklu", "Konya", "Türkiye", 60),
    ("Konya Büyükşehir Belediyesi Konferans Salonu", "Meram", "Konya", "Türkiye", 150),
    ("Akşehir Kültür Merkezi", "Akşehir", "Konya", "Türkiye", 80),
    ("Ereğli Belediyesi Toplantı Salonu", "Ereğli", "Konya", "Türkiye", 50),
    ("Beyşehir Göl Kıyısı Eğitim Tesisi", "Beyşehir", "Konya", "Türkiye", 40),
    ("Birlik Yangın Tatbikat Alanı", "Karatay", "Konya", "Türkiye", 25),
    (
        "Avrupa Konseyi Yerel ve Bölgesel Yönetimler Kongresi",
        "Avenue de l'Europe",
        "Strazburg",
        "Fransa",
        30,
    ),
)

#: code, title, category index, kind, delivery, hours, audience, document, exam pass mark,
#: trainer (demo e-mail prefix), venue index (None: online), sessions as day offsets from today.
COURSES = (
    (
        "İMR-101",
        "3194 Sayılı İmar Kanunu ve Planlı Alanlar İmar Yönetmeliği",
        0,
        "course",
        "classroom",
        12,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen2",
        0,
        (-75, 12, 70),
    ),
    (
        "İMR-102",
        "Yapı Ruhsatı ve İskân Süreçleri",
        0,
        "course",
        "classroom",
        6,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen2",
        2,
        (-40, 33),
    ),
    (
        "İMR-201",
        "6306 Sayılı Kanun ve Kentsel Dönüşüm Uygulamaları",
        0,
        "seminar",
        "hybrid",
        3,
        set(),
        "attendance",
        None,
        "egitmen2",
        1,
        (19, 95),
    ),
    (
        "İHL-101",
        "4734 Sayılı Kamu İhale Kanunu Temel Eğitimi",
        1,
        "course",
        "classroom",
        18,
        {P.UNIT_HEAD, P.STAFF},
        "achievement",
        70,
        "egitmen",
        0,
        (-110, -1, 48),
    ),
    (
        "İHL-102",
        "Doğrudan Temin ve EKAP Uygulamaları",
        1,
        "course",
        "online",
        6,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen",
        None,
        (9, 61),
    ),
    (
        "İHL-201",
        "4735 Sayılı Kanun: Sözleşme Yönetimi ve Hakediş",
        1,
        "course",
        "classroom",
        6,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen",
        3,
        (26,),
    ),
    (
        "MAL-101",
        "Mahalli İdareler Bütçe ve Muhasebe Yönetmeliği",
        2,
        "course",
        "classroom",
        12,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen",
        0,
        (-20, 40),
    ),
    (
        "MAL-102",
        "Taşınır Mal Yönetmeliği Uygulamaları",
        2,
        "course",
        "classroom",
        6,
        {P.STAFF},
        "attendance",
        None,
        "egitmen",
        4,
        (54,),
    ),
    (
        "MAL-201",
        "Stratejik Plan ve Performans Programı Hazırlama",
        2,
        "seminar",
        "classroom",
        6,
        {P.MAYOR, P.DEPUTY_MAYOR, P.UNIT_HEAD},
        "attendance",
        None,
        "egitmen",
        1,
        (-150, 82),
    ),
    (
        "KVK-101",
        "Belediyelerde Kişisel Verilerin Korunması",
        3,
        "seminar",
        "online",
        3,
        set(),
        "attendance",
        None,
        "egitmen",
        None,
        (-30, 5, 36),
    ),
    (
        "KVK-102",
        "VERBİS Kaydı ve Aydınlatma Yükümlülüğü",
        3,
        "course",
        "hybrid",
        6,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen",
        0,
        (68,),
    ),
    (
        "PRT-101",
        "Resmî Yazışma Kuralları ve Devlet Protokolü",
        4,
        "course",
        "classroom",
        6,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen2",
        3,
        (-55, 29),
    ),
    (
        "PRT-102",
        "Kriz İletişimi ve Sosyal Medya Yönetimi",
        4,
        "seminar",
        "classroom",
        3,
        {P.MAYOR, P.DEPUTY_MAYOR, P.UNIT_HEAD},
        "attendance",
        None,
        "egitmen2",
        1,
        (15,),
    ),
    (
        "YNG-101",
        "Temel Yangın Güvenliği ve Söndürme Eğitimi",
        5,
        "course",
        "classroom",
        6,
        set(),
        "attendance",
        None,
        "egitmen3",
        5,
        (-12, 0, 44),
    ),
    (
        "YNG-102",
        "Temel İlk Yardım Eğitimi",
        5,
        "course",
        "classroom",
        18,
        {P.UNIT_HEAD, P.STAFF},
        "achievement",
        70,
        "egitmen3",
        4,
        (-90, 23, 110),
    ),
    (
        "AFT-101",
        "Afet ve Acil Durum Planlaması",
        6,
        "course",
        "classroom",
        12,
        set(),
        "attendance",
        None,
        "egitmen3",
        2,
        (-66, 37),
    ),
    (
        "AFT-102",
        "Deprem Sonrası Hızlı Bina Hasar Tespiti",
        6,
        "course",
        "classroom",
        12,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen3",
        3,
        (58,),
    ),
    (
        "ZBT-101",
        "Zabıta Mevzuatı ve Kabahatler Kanunu Uygulamaları",
        7,
        "course",
        "classroom",
        12,
        {P.UNIT_HEAD, P.STAFF},
        "attendance",
        None,
        "egitmen2",
        0,
        (-45, 47),
    ),
    (
        "ZBT-102",
        "Zabıta Personeli için İletişim ve Çatışma Yönetimi",
        7,
        "course",
        "classroom",
        6,
        {P.STAFF},
        "attendance",
        None,
        "egitmen3",
        2,
        (75,),
    ),
    (
        "YRD-101",
        "Belediye Meclisi Çalışma Usul ve Esasları",
        8,
        "seminar",
        "classroom",
        3,
        ELECTED,
        "attendance",
        None,
        "egitmen",
        1,
        (-25, 66),
    ),
    (
        "YRD-102",
        "Katılımcı Yerel Yönetim ve Kent Konseyleri",
        8,
        "seminar",
        "online",
        3,
        set(),
        "attendance",
        None,
        "egitmen2",
        None,
        (31,),
    ),
    (
        "YRD-201",
        "Avrupa'da Yerel Yönetimler: Strazburg Çalışma Ziyareti",
        8,
        "seminar",
        "classroom",
        12,
        {P.MAYOR, P.DEPUTY_MAYOR, P.COUNCIL_MEMBER},
        "attendance",
        None,
        "egitmen",
        6,
        (120,),
    ),
)

DESCRIPTIONS = {
    0: "Belediyelerin imar ve şehircilik birimlerinde çalışanlar için mevzuat ve uygulama.",
    1: "İhale süreçlerinin hazırlıktan sözleşmeye kadar mevzuata uygun yürütülmesi.",
    2: "Mahalli idarelerde mali yönetimin temel belgeleri ve günlük uygulamaları.",
    3: "Belediyelerin veri sorumlusu olarak yükümlülükleri ve örnek olaylar.",
    4: "Kurumsal iletişimde doğru dil, resmî yazışma ve protokol kuralları.",
    5: "Çalışma yerlerinde yangın önleme, söndürme ve temel ilk yardım uygulamaları.",
    6: "Afet öncesi planlama, afet anında koordinasyon ve afet sonrası iyileştirme.",
    7: "Zabıta hizmetlerinin hukuki dayanakları ve sahada doğru uygulama.",
    8: "Yerel demokrasinin kurumları, meclis çalışmaları ve katılım araçları.",
}


#: Courses whose documents expire (months), renewed by a later session of the same course.
VALIDITY_MONTHS = {"YNG-101": 24, "YNG-102": 24}


def _weekday_start(day: date, days: int) -> date:
    """Move a start to a weekday so that the whole session falls Monday to Friday."""
    while day.weekday() >= 5 or day.weekday() + days > 5:
        day += timedelta(days=1)
    return day


def _meetings_for(hours: int, start: date) -> list[Meeting]:
    if hours <= 3:
        return [Meeting(day=start, starts_at=time(10), ends_at=time(10 + hours), topic=None)]
    meetings, left, day = [], hours, start
    while left > 0:
        morning = min(left, 3)
        meetings.append(Meeting(day=day, starts_at=time(9, 30), ends_at=time(9 + morning, 30)))
        left -= morning
        if left > 0:
            afternoon = min(left, 3)
            meetings.append(
                Meeting(day=day, starts_at=time(13, 30), ends_at=time(13 + afternoon, 30))
            )
            left -= afternoon
        day += timedelta(days=1)
    return meetings


def load_demo_catalogue(demo_domain: str) -> dict:
    """Add the demo categories, venues, courses and their sessions; returns what was added."""
    today = local_today()
    categories = {c.name: c for c in db.session.scalars(select(Category))}
    for name, description in CATEGORIES:
        if name not in categories:
            categories[name] = Category(name=name, description=description)
            db.session.add(categories[name])
    venues = {v.name: v for v in db.session.scalars(select(Venue))}
    for name, address, city, country, capacity in VENUES:
        if name not in venues:
            venues[name] = Venue(
                name=name, address=address, city=city, country=country, capacity=capacity
            )
            db.session.add(venues[name])
    trainer_users = db.session.scalars(
        select(User).where(User.email.like(f"egitmen%@{demo_domain}"))
    )
    trainers = {u.email.split("@")[0]: u.person for u in trainer_users if u.person is not None}
    existing = set(db.session.scalars(select(Course.code)))
    busy: set[tuple[int, date]] = set()
    courses_added = sessions_added = 0
    for number, (
        code,
        title,
        category_index,
        kind,
        delivery,
        hours,
        audience,
        document,
        pass_mark,
        trainer_key,
        venue_index,
        offsets,
    ) in enumerate(COURSES):
        if code in existing:
            continue
        course = Course(
            code=code,
            title=title,
            category=categories[CATEGORIES[category_index][0]],
            kind=CourseKind(kind),
            delivery=Delivery(delivery),
            total_minutes=hours * 60,
            description=DESCRIPTIONS[category_index],
            objectives="Katılımcılar eğitimin sonunda ilgili mevzuatı ve uygulamayı "
            "kendi birimlerinde kullanabilecek düzeye gelir.",
            document_kind=DocumentKind(document),
            has_exam=pass_mark is not None,
            pass_mark=pass_mark,
            document_called_certificate=code == "YNG-102",
            # Fire safety and first aid come back at legal intervals: documents valid 2 years.
            document_validity_months=VALIDITY_MONTHS.get(code),
            is_published=True,
        )
        course.target_positions = audience
        db.session.add(course)
        courses_added += 1
        trainer: Person | None = trainers.get(trainer_key)
        venue = VENUES[venue_index] if venue_index is not None else None
        for index, offset in enumerate(offsets):
            days = max(1, -(-hours // 6))
            start = _weekday_start(today + timedelta(days=offset), days)
            if offset <= 0 <= offset + days:  # a session running today
                start = today if today.weekday() < 5 else start
            while trainer is not None and any(
                (trainer.id, start + timedelta(d)) in busy for d in range(days)
            ):
                start = _weekday_start(start + timedelta(days=1), days)
            meetings = _meetings_for(hours, start)
            ends_on = meetings[-1].day
            if trainer is not None:
                busy.update((trainer.id, m.day) for m in meetings)
            past = ends_on < today
            status = SessionStatus.COMPLETED if past else SessionStatus.PUBLISHED
            if not past and (number + index) % 9 == 4:
                status = SessionStatus.DRAFT
            venue_row = venues[venue[0]] if venue else None
            session = Session(
                course=course,
                status=status,
                starts_on=start,
                ends_on=ends_on,
                venue=venue_row,
                city=venue_row.city if venue_row else "Konya",
                country=venue_row.country if venue_row else "Türkiye",
                online_url="https://toplanti.kbb.local/" + code.lower() if venue is None else None,
                capacity=min(venue_row.capacity, 40) if venue_row else 100,
                municipality_quota=3 if venue_row and venue_row.capacity <= 40 else None,
                enrolment_opens_at=local_to_utc(
                    datetime.combine(start - timedelta(days=45), time(9))
                ),
                enrolment_closes_at=local_to_utc(
                    datetime.combine(start - timedelta(days=3), time(17))
                ),
                cancellation_deadline=local_to_utc(
                    datetime.combine(start - timedelta(days=2), time(17))
                ),
                requires_approval=kind == "course",
                meetings=meetings,
                trainers=[trainer] if trainer else [],
            )
            if status != SessionStatus.DRAFT:
                session.published_at = local_to_utc(
                    datetime.combine(start - timedelta(days=50), time(10))
                )
            db.session.add(session)
            sessions_added += 1
    # One cancelled session, so that the calendars and the catalogue show what that looks like.
    if courses_added:
        db.session.flush()
        candidate = db.session.scalar(
            select(Session)
            .join(Session.course)
            .where(Course.code == "İMR-201", Session.status == SessionStatus.PUBLISHED)
            .order_by(Session.starts_on.desc())
            .limit(1)
        )
        if candidate is not None:
            candidate.cancel("Eğitmenin rahatsızlığı nedeniyle ertelendi; yeni tarih duyurulacak.")
    db.session.flush()
    return {"courses_added": courses_added, "sessions_added": sessions_added}
