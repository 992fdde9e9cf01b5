"""A large, realistic data set for the latency and dashboard benchmarks, inserted in bulk.

2,000 sessions of 120 courses in 9 categories over about two and a half years (past, running and
upcoming), the union's real member municipalities (`flask seed`), 12,000 people with accounts,
50,000 registrations with the states a live system has (completed, no-show, cancelled, refused,
confirmed, awaiting approval, waiting list), attendance marks for every meeting held, completion
records for closed sessions and the documents issued for most of them. Rows go in through Core
`insert()` executemany with explicit ids (no ORM objects): 20-40 s on PostgreSQL.

The database: BENCH_DATABASE_URL when set; otherwise PostgreSQL (production's database) at
BENCH_PG_URL, or the server of TEST_DATABASE_URL, or postgres@127.0.0.1:5432, database `bench`
(created when missing); a temporary SQLite file when that server does not answer.
"""

import os
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock

from faker import Faker
from sqlalchemy import Integer, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from training_app import create_app
from training_app.accounts.models import (
    EmploymentType,
    Person,
    Position,
    PrivacyAcknowledgement,
    Role,
    RoleAssignment,
    User,
)
from training_app.accounts.privacy_text import ensure_privacy_notice
from training_app.accounts.services import current_privacy_notice
from training_app.attendance.models import AttendanceMark, AttendanceStatus, Completion
from training_app.catalog.models import (
    Category,
    Course,
    CourseAudience,
    CourseKind,
    Delivery,
    DocumentKind,
    Meeting,
    Session,
    SessionStatus,
    Venue,
    session_trainers,
)
from training_app.certificates.models import (
    Certificate,
    CertificateStatus,
    RegisterCounter,
    Signatory,
)
from training_app.certificates.services import (
    document_title,
    format_register_number,
    new_verification_code,
)
from training_app.core.tckn import complete_tckn, mask_tckn, vault
from training_app.core.timeutil import local_today
from training_app.core.turkish import search_key, tr_sort_key, tr_upper
from training_app.enrollment.models import Registration, RegistrationEvent
from training_app.enrollment.models import RegistrationStatus as R
from training_app.extensions import db
from training_app.municipalities.models import Municipality
from training_app.municipalities.services import seed_member_municipalities

SESSIONS = 2000
REGISTRATIONS = 50_000
PEOPLE = 12_000
COURSES = 120
TRAINERS = 40
PASSWORD = "Bench.Parola.2026"
DOMAIN = "bench.example.org"
#: Sessions start between this many days ago and HORIZON days ahead.
HISTORY_DAYS, HORIZON_DAYS = 760, 150

CATEGORIES = (
    ("İmar ve Şehircilik", ("İmar Kanunu", "Yapı Ruhsatı", "Kentsel Dönüşüm", "Yapı Denetimi")),
    ("Kamu İhale Mevzuatı", ("4734 Sayılı Kanun", "Doğrudan Temin", "EKAP", "Hakediş")),
    ("Bütçe ve Mali Hizmetler", ("Bütçe Hazırlığı", "Taşınır Kayıt", "Muhasebe", "İç Kontrol")),
    ("Kişisel Verilerin Korunması", ("KVKK Temelleri", "VERBİS", "Aydınlatma", "Veri İhlali")),
    ("Protokol ve İletişim", ("Resmî Yazışma", "Protokol Kuralları", "Kriz İletişimi")),
    ("Yangın Güvenliği ve İlk Yardım", ("Yangın Önleme", "Temel İlk Yardım", "Tahliye")),
    ("Afet ve Acil Durum Yönetimi", ("Afet Planlaması", "Hasar Tespiti", "Koordinasyon")),
    ("Zabıta Hizmetleri", ("Zabıta Mevzuatı", "İdari Yaptırımlar", "Saha İletişimi")),
    ("Yerel Demokrasi", ("Meclis Usulleri", "Kent Konseyleri", "Katılımcı Bütçe")),
)
VENUES = (
    ("Birlik Eğitim Salonu", "Konya", 60),
    ("Büyükşehir Konferans Salonu", "Konya", 150),
    ("Akşehir Kültür Merkezi", "Akşehir", 80),
    ("Ereğli Toplantı Salonu", "Ereğli", 50),
    ("Beyşehir Eğitim Tesisi", "Beyşehir", 40),
    ("Çumra Meclis Salonu", "Çumra", 40),
    ("Ilgın Kültür Evi", "Ilgın", 45),
)
#: States of registrations: of sessions that have started, of upcoming ones.
PAST_MIX = ((R.CONFIRMED, 0.92), (R.CANCELLED, 0.05), (R.REFUSED, 0.03))
FUTURE_MIX = (
    (R.CONFIRMED, 0.62),
    (R.PENDING_APPROVAL, 0.2),
    (R.WAITLISTED, 0.08),
    (R.CANCELLED, 0.06),
    (R.REFUSED, 0.04),
)
#: How many staff a municipality sends, relative to a small district.
BIG_MUNICIPALITIES = {"Konya Büyükşehir": 8, "Selçuklu": 5, "Meram": 4, "Karatay": 4}


@dataclass
class Handles:
    """What the load needs to find in the data set: logins and ids of typical pages."""

    database_url: str
    password: str
    admin_email: str
    coordinator_email: str
    trainer_email: str
    participant_email: str
    session_id: int
    meeting_id: int
    roster_size: int
    pending_for_coordinator: int
    participant_registrations: int
    first_year: int
    year: int
    counts: dict
    seconds: float = 0.0


# --- the database ------------------------------------------------------------------------------


def default_postgres_url() -> str:
    """BENCH_PG_URL; else database `bench` on TEST_DATABASE_URL's server or on 127.0.0.1."""
    if os.environ.get("BENCH_PG_URL"):
        return os.environ["BENCH_PG_URL"]
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if test_url.startswith("postgresql"):
        return make_url(test_url).set(database="bench").render_as_string(hide_password=False)
    return "postgresql+psycopg://postgres@127.0.0.1:5432/bench"


def ensure_postgres_database(url: str) -> bool:
    """Create the database of `url` when missing; False when the server does not answer."""
    parsed = make_url(url)
    admin = create_engine(
        parsed.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    except Exception as error:  # noqa: BLE001 - any failure to connect means: no server here
        print(
            f"  PostgreSQL at {parsed.host}:{parsed.port} does not answer ({type(error).__name__})"
        )
        return False
    finally:
        admin.dispose()
    return True


_TMP: list[tempfile.TemporaryDirectory] = []


def temporary_sqlite_url(name: str) -> str:
    tmp = tempfile.TemporaryDirectory()
    _TMP.append(tmp)  # kept until the process ends
    return f"sqlite:///{tmp.name}/{name}.sqlite3"


def resolve_database_url() -> str:
    """The large data set's database (see the module's docstring)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    url = default_postgres_url()
    if ensure_postgres_database(url):
        return url
    print("  falling back to a temporary SQLite file")
    return temporary_sqlite_url("large")


def database_label(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


# --- the rows ----------------------------------------------------------------------------------


def _bulk(table, rows: list[dict], chunk: int = 10_000) -> None:
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[start : start + chunk])


def _names() -> tuple[list[str], list[str]]:
    fake = Faker("tr_TR")
    fake.seed_instance(2026)
    firsts = sorted({fake.first_name() for _ in range(600)})
    lasts = sorted({fake.last_name() for _ in range(600)})
    return firsts, lasts


def _status_mix(rng: random.Random, mix: tuple[tuple[object, float], ...]):
    roll, total = rng.random(), 0.0
    for value, share in mix:
        total += share
        if roll < total:
            return value
    return mix[-1][0]


def seed(database_url: str) -> Handles:
    """Drop and recreate the schema of `database_url`, fill it, return the handles."""
    began = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_WORKER": "off"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_member_municipalities()
        ensure_privacy_notice()
        builder = _Builder(local_today())
        builder.people()
        builder.catalogue()
        builder.sessions()
        builder.registrations()
        builder.certificates()
        db.session.commit()
        _reset_sequences(database_url)
        db.session.remove()
        db.engine.dispose()
    handles = builder.handles(database_url)
    handles.seconds = time.perf_counter() - began
    return handles


class _Builder:
    """The rows of each table, built in memory in a fixed order (one seeded random generator:
    the same data set every run) and inserted in bulk."""

    def __init__(self, today: date):
        self.rng = random.Random(2026)
        self.today = today
        self.now = datetime.combine(today, clock(9))
        self.counts: dict[str, int] = {}

    def people(self) -> None:
        """Participants, a coordinator per municipality, trainers, one administrator. Everyone
        has an account (one cheap password hash: the load logs in many times) and acknowledged
        the privacy notice."""
        rng = self.rng
        notice_id = current_privacy_notice().id
        municipalities = list(db.session.scalars(select(Municipality).order_by(Municipality.id)))
        self.municipality_names = {m.id: m.display_name for m in municipalities}
        units = {m.id: [u.id for u in m.units] for m in municipalities}
        weights = [BIG_MUNICIPALITIES.get(m.name, 1) for m in municipalities]
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        firsts, lasts = _names()
        v = vault()
        positions = (
            [Position.STAFF] * 14
            + [Position.UNIT_HEAD] * 4
            + [Position.COUNCIL_MEMBER] * 3
            + [Position.DEPUTY_MAYOR, Position.MAYOR, Position.COMMITTEE_MEMBER]
        )
        users, people, roles, acks = [], [], [], []

        def add(email, role_list, municipality_id=None, position=None, title=None) -> int:
            n = len(people) + 1  # the person's id is also their account's
            first, last = rng.choice(firsts), rng.choice(lasts)
            tckn = complete_tckn(f"{300000000 + n}")
            staff = position in (Position.STAFF, Position.UNIT_HEAD)
            users.append({"id": n, "email": email, "password_hash": password_hash})
            people.append(
                {
                    "id": n,
                    "user_id": n,
                    "first_name": first,
                    "last_name": last,
                    "tckn_encrypted": v.encrypt(tckn),
                    "tckn_hash": v.keyed_hash(tckn),
                    "tckn_masked": mask_tckn(tckn),
                    "position": position,
                    "title": title,
                    "employment_type": EmploymentType.CIVIL_SERVANT if staff else None,
                    "municipality_id": municipality_id,
                    "unit_id": rng.choice(units[municipality_id])
                    if staff and units.get(municipality_id)
                    else None,
                    "sort_key": tr_sort_key(last, first),
                    "search_key": search_key(first, last),
                }
            )
            roles.extend(
                {"user_id": n, "role": role, "municipality_id": role_municipality}
                for role, role_municipality in role_list
            )
            acks.append({"user_id": n, "notice_id": notice_id})
            return n

        self.admin_id = add(f"yonetici@{DOMAIN}", [(Role.ADMIN, None)], title="Eğitim Birimi")
        self.coordinator_ids = {
            m.id: add(
                f"koordinator{m.id}@{DOMAIN}",
                [(Role.COORDINATOR, m.id), (Role.PARTICIPANT, None)],
                m.id,
                Position.UNIT_HEAD,
                "İnsan Kaynakları Müdürü",
            )
            for m in municipalities
        }
        self.trainer_ids = [
            add(f"egitmen{t}@{DOMAIN}", [(Role.TRAINER, None)], title="Eğitmen")
            for t in range(TRAINERS)
        ]
        self.participant_ids = []
        for n in range(PEOPLE):
            municipality = rng.choices(municipalities, weights)[0]
            position = rng.choice(positions)
            self.participant_ids.append(
                add(f"katilimci{n}@{DOMAIN}", [(Role.PARTICIPANT, None)], municipality.id, position)
            )
        self.people_by_id = {p["id"]: p for p in people}
        _bulk(User.__table__, users)
        _bulk(Person.__table__, people)
        _bulk(RoleAssignment.__table__, roles)
        _bulk(PrivacyAcknowledgement.__table__, acks)
        self.counts["people"] = len(people)

    def catalogue(self) -> None:
        """9 categories, 7 venues, 120 published courses (a third for staff only)."""
        categories = [
            {"id": c, "name": name, "sort_key": tr_sort_key(name)}
            for c, (name, _topics) in enumerate(CATEGORIES, start=1)
        ]
        self.venues = [
            {
                "id": i,
                "name": name,
                "city": city,
                "capacity": capacity,
                "sort_key": tr_sort_key(name),
                "search_key": search_key(name, city),
            }
            for i, (name, city, capacity) in enumerate(VENUES, start=1)
        ]
        courses, audiences = [], []
        kinds = (DocumentKind.ATTENDANCE,) * 6 + (DocumentKind.ACHIEVEMENT, DocumentKind.NONE)
        self.course_info = {}
        for i in range(1, COURSES + 1):
            category = (i - 1) % len(CATEGORIES)
            topics = CATEGORIES[category][1]
            title = f"{topics[i % len(topics)]} Eğitimi {i // len(CATEGORIES) + 1}"
            code = f"BNC-{i:03d}"
            document_kind = kinds[i % len(kinds)]
            achievement = document_kind == DocumentKind.ACHIEVEMENT
            courses.append(
                {
                    "id": i,
                    "code": code,
                    "title": title,
                    "kind": CourseKind.SEMINAR if i % 5 == 0 else CourseKind.COURSE,
                    "category_id": category + 1,
                    "description": f"{title}: mevzuat, uygulama ve örnek olaylar.",
                    "delivery": Delivery.ONLINE if i % 9 == 0 else Delivery.CLASSROOM,
                    "total_minutes": 360,
                    "document_kind": document_kind,
                    "min_attendance_percent": 80,
                    "has_exam": achievement,
                    "pass_mark": 70 if achievement else None,
                    "is_published": True,
                    "sort_key": tr_sort_key(title),
                    "search_key": search_key(code, title),
                }
            )
            self.course_info[i] = (code, title, document_kind)
            if i % 3 == 0:
                audiences += [
                    {"course_id": i, "position": p} for p in (Position.STAFF, Position.UNIT_HEAD)
                ]
        _bulk(Category.__table__, categories)
        _bulk(Venue.__table__, self.venues)
        _bulk(Course.__table__, courses)
        _bulk(CourseAudience.__table__, audiences)

    def sessions(self) -> None:
        """2,000 sessions of 1-3 days, a morning and an afternoon meeting a day, two trainers.
        Ended more than 10 days ago: closed (1 in 25 cancelled); ended since: published,
        attendance taken, not closed yet; later: published, a few drafts and cancellations."""
        today, rng = self.today, self.rng
        self.session_rows, self.session_meetings = {}, {}
        meetings, self.teaching = [], []
        for s in range(1, SESSIONS + 1):
            offset = -HISTORY_DAYS + (s * 7919) % (HISTORY_DAYS + HORIZON_DAYS)
            starts_on = today + timedelta(days=offset)
            days = rng.choice((1, 1, 2, 2, 3))
            ends_on = starts_on + timedelta(days=days - 1)
            venue = self.venues[s % len(self.venues)]
            if ends_on < today - timedelta(days=10):
                status = SessionStatus.CANCELLED if s % 25 == 0 else SessionStatus.COMPLETED
            elif starts_on > today + timedelta(days=60) and s % 20 == 0:
                status = SessionStatus.DRAFT
            else:
                status = SessionStatus.CANCELLED if s % 30 == 0 else SessionStatus.PUBLISHED
            cancelled = status == SessionStatus.CANCELLED
            self.session_rows[s] = {
                "id": s,
                "course_id": (s * 37) % COURSES + 1,
                "status": status,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "venue_id": venue["id"],
                "city": venue["city"],
                "city_key": search_key(venue["city"]),
                "capacity": 30,  # set with the registrations
                "seats_taken": 0,
                "requires_approval": s % 4 != 0,
                "published_at": None if status == SessionStatus.DRAFT else self.now,
                "cancelled_at": self.now if cancelled else None,
                "cancellation_reason": "Yeterli katılım yok." if cancelled else None,
            }
            self.session_meetings[s] = []
            for d in range(days):
                for start, end in ((clock(9), clock(12)), (clock(13), clock(16))):
                    meeting_id = len(meetings) + 1
                    meetings.append(
                        {
                            "id": meeting_id,
                            "session_id": s,
                            "day": starts_on + timedelta(days=d),
                            "starts_at": start,
                            "ends_at": end,
                        }
                    )
                    self.session_meetings[s].append((meeting_id, 180))
            trainers = {self.trainer_ids[s % TRAINERS], self.trainer_ids[(s * 7) % TRAINERS]}
            self.teaching += [{"session_id": s, "person_id": t} for t in trainers]
        self.meetings = meetings
        self.counts["sessions"] = len(self.session_rows)
        self.counts["meetings"] = len(meetings)

    def registrations(self) -> None:
        """12-38 a session, 50,000 in all (a draft has none), in the states the session's
        calls for, with attendance marks for the meetings held and completions for closed
        sessions. Inserts the sessions too: their seats depend on the registrations."""
        rng, today = self.rng, self.today
        open_ids = [
            s for s, row in self.session_rows.items() if row["status"] != SessionStatus.DRAFT
        ]
        sizes = {s: rng.randint(12, 38) for s in open_ids}
        index = 0
        while sum(sizes.values()) != REGISTRATIONS:
            step = 1 if sum(sizes.values()) < REGISTRATIONS else -1
            s = open_ids[index]
            if 12 <= sizes[s] + step <= 38:
                sizes[s] += step
            index = (index + 1) % len(open_ids)
        registrations, events, marks, completions = [], [], [], []
        self.completed_regs: dict[int, list[int]] = {}
        for s, size in sizes.items():
            row = self.session_rows[s]
            status = row["status"]
            held = row["ends_on"] < today
            requested = datetime.combine(row["starts_on"], clock(8)) - timedelta(days=30)
            confirmed = 0
            for person_id in rng.sample(self.participant_ids, size):
                reg_id = len(registrations) + 1
                if status == SessionStatus.CANCELLED:
                    state = R.CANCELLED
                elif held or row["starts_on"] <= today:
                    state = _status_mix(rng, PAST_MIX)
                else:
                    state = _status_mix(rng, FUTURE_MIX)
                    if not row["requires_approval"] and state == R.PENDING_APPROVAL:
                        state = R.CONFIRMED
                attended_minutes = None
                if state == R.CONFIRMED and held:
                    attended_minutes = self._marks(s, reg_id, marks)
                if state == R.CONFIRMED:
                    confirmed += 1
                if status == SessionStatus.COMPLETED and attended_minutes is not None:
                    state = self._completion(s, reg_id, attended_minutes, completions)
                person = self.people_by_id[person_id]
                undecided = state in (R.PENDING_APPROVAL, R.REQUESTED)
                registrations.append(
                    {
                        "id": reg_id,
                        "session_id": s,
                        "person_id": person_id,
                        "status": state,
                        "municipality_id": person["municipality_id"],
                        "position": person["position"],
                        "requested_at": requested + timedelta(minutes=reg_id % 1440),
                        "decided_at": None if undecided else requested + timedelta(days=2),
                        "decided_by_id": None
                        if undecided
                        else self.coordinator_ids.get(person["municipality_id"]),
                        "reason": "Kontenjan dolu." if state in (R.REFUSED, R.CANCELLED) else None,
                    }
                )
                events.append(
                    {
                        "registration_id": reg_id,
                        "at": requested,
                        "from_status": None,
                        "to_status": R.REQUESTED,
                        "by_user_id": person_id,
                    }
                )
                if state != R.REQUESTED:
                    events.append(
                        {
                            "registration_id": reg_id,
                            "at": requested + timedelta(days=2),
                            "from_status": R.REQUESTED,
                            "to_status": state,
                            "by_user_id": None,
                        }
                    )
            # Seats: every confirmed person holds one; a session with a waiting list is full.
            states = [r["status"] for r in registrations[-size:]]
            closed = states.count(R.COMPLETED) + states.count(R.NO_SHOW)
            row["seats_taken"] = closed if status == SessionStatus.COMPLETED else confirmed
            full = R.WAITLISTED in states
            row["capacity"] = max(confirmed, 1) if full else max(30, row["seats_taken"] + 5)
        _bulk(Session.__table__, list(self.session_rows.values()))
        _bulk(Meeting.__table__, self.meetings)
        _bulk(session_trainers, self.teaching)
        _bulk(Registration.__table__, registrations)
        _bulk(RegistrationEvent.__table__, events)
        _bulk(AttendanceMark.__table__, marks)
        _bulk(Completion.__table__, completions)
        self.registration_rows = registrations
        self.completions = {c["registration_id"]: c for c in completions}
        self.counts["registrations"] = len(registrations)
        self.counts["attendance marks"] = len(marks)
        self.counts["completions"] = len(completions)

    def _marks(self, s: int, reg_id: int, marks: list) -> list[int]:
        """Attendance taken at every meeting: mostly present, some late, 8% gone after the
        first meeting. Returns the minutes attended at each."""
        rng, row = self.rng, self.session_rows[s]
        minutes_by_meeting = []
        meetings = self.session_meetings[s]
        absent_from = len(meetings) if rng.random() > 0.08 else 1
        for m_index, (meeting_id, minutes) in enumerate(meetings):
            if m_index >= absent_from:
                mark, attended = AttendanceStatus.ABSENT, 0
            elif rng.random() < 0.05:
                mark, attended = AttendanceStatus.LATE, 150
            else:
                mark, attended = AttendanceStatus.PRESENT, minutes
            minutes_by_meeting.append(attended)
            marks.append(
                {
                    "meeting_id": meeting_id,
                    "registration_id": reg_id,
                    "status": mark,
                    "minutes_attended": 150 if mark == AttendanceStatus.LATE else None,
                    "marked_by_id": self.trainer_ids[s % TRAINERS],
                    "marked_at": datetime.combine(row["ends_on"], clock(17)),
                }
            )
        return minutes_by_meeting

    def _completion(self, s: int, reg_id: int, minutes_by_meeting: list[int], completions) -> R:
        """The closing of a confirmed registration: completed (80% attended; an exam for an
        achievement document) or no-show. Returns the registration's new state."""
        row = self.session_rows[s]
        total = sum(minutes for _id, minutes in self.session_meetings[s])
        attended = sum(minutes_by_meeting)
        percent = round(attended * 100 / total, 2)
        _code, _title, course_kind = self.course_info[row["course_id"]]
        exam, kind = None, course_kind
        if percent < 80:
            state, kind = R.NO_SHOW, DocumentKind.NONE
        else:
            state = R.COMPLETED
            if course_kind == DocumentKind.ACHIEVEMENT:
                exam = self.rng.randint(45, 100)
                kind = DocumentKind.ACHIEVEMENT if exam >= 70 else DocumentKind.ATTENDANCE
            self.completed_regs.setdefault(s, []).append(reg_id)
        completions.append(
            {
                "registration_id": reg_id,
                "attended_minutes": attended,
                "session_minutes": total,
                "attendance_percent": percent,
                "exam_score": exam,
                "document_kind": kind,
                "closed_at": datetime.combine(row["ends_on"], clock(18)),
                "closed_by_id": self.admin_id,
            }
        )
        return state

    def certificates(self) -> None:
        """Documents issued three days after a closed session ended, except for the last
        month's sessions (not issued yet); one in 200 revoked. Register numbers per year."""
        signatories = [
            {"name": "Prof. Dr. Şükrü Öztürk", "title": "Birlik Başkanı"},
            {"name": "Gülçin Işıklı", "title": "Genel Sekreter"},
        ]
        _bulk(
            Signatory.__table__,
            [{**sig, "sort_order": i} for i, sig in enumerate(signatories, start=1)],
        )
        registrations = {r["id"]: r for r in self.registration_rows}
        certificates, serials = [], {}
        by_end = sorted(self.completed_regs, key=lambda s: (self.session_rows[s]["ends_on"], s))
        for s in by_end:
            row = self.session_rows[s]
            if row["ends_on"] > self.today - timedelta(days=30):
                continue
            issued_on = row["ends_on"] + timedelta(days=3)
            code, title, _kind = self.course_info[row["course_id"]]
            venue = self.venues[row["venue_id"] - 1]
            for reg_id in self.completed_regs[s]:
                kind = self.completions[reg_id]["document_kind"]
                if kind == DocumentKind.NONE:
                    continue
                registration = registrations[reg_id]
                person = self.people_by_id[registration["person_id"]]
                serial = serials[issued_on.year] = serials.get(issued_on.year, 0) + 1
                revoked = len(certificates) % 200 == 199
                certificates.append(
                    {
                        "id": len(certificates) + 1,
                        "registration_id": reg_id,
                        "valid_registration_id": None if revoked else reg_id,
                        "session_id": s,
                        "municipality_id": registration["municipality_id"],
                        "register_number": format_register_number("KBB", issued_on.year, serial),
                        "year": issued_on.year,
                        "serial": serial,
                        "verification_code": new_verification_code(),
                        "status": CertificateStatus.REVOKED if revoked else CertificateStatus.VALID,
                        "kind": kind,
                        "document_title": document_title(kind, False),
                        "holder_name": tr_upper(f"{person['first_name']} {person['last_name']}"),
                        "holder_sort_key": person["sort_key"],
                        "position": person["title"],
                        "municipality_name": self.municipality_names.get(person["municipality_id"]),
                        "course_code": code,
                        "course_title": title,
                        "starts_on": row["starts_on"],
                        "ends_on": row["ends_on"],
                        "total_minutes": self.completions[reg_id]["session_minutes"],
                        "venue": f"{venue['name']}, {venue['city']}",
                        "city": row["city"],
                        "signatories": signatories,
                        "issued_on": issued_on,
                        "issued_at": datetime.combine(issued_on, clock(10)),
                        "issued_by_id": self.admin_id,
                        "revoked_at": datetime.combine(issued_on, clock(11)) if revoked else None,
                        "revoked_by_id": self.admin_id if revoked else None,
                        "reason": "Yanlış kişiye düzenlendi." if revoked else None,
                    }
                )
        _bulk(Certificate.__table__, certificates)
        _bulk(
            RegisterCounter.__table__,
            [{"year": y, "last_number": n} for y, n in sorted(serials.items())],
        )
        self.counts["certificates"] = len(certificates)

    def handles(self, database_url: str) -> Handles:
        """Typical pages: the busiest coordinator, the participant with most registrations, the
        largest upcoming session (its roster, its first trainer), a published session's page."""
        registrations = self.registration_rows
        pending = Counter(
            r["municipality_id"] for r in registrations if r["status"] == R.PENDING_APPROVAL
        )
        busiest_municipality, pending_count = pending.most_common(1)[0]
        per_person = Counter(r["person_id"] for r in registrations)
        participant_id, participant_count = per_person.most_common(1)[0]
        confirmed = Counter(r["session_id"] for r in registrations if r["status"] == R.CONFIRMED)
        upcoming = [
            row
            for row in self.session_rows.values()
            if row["status"] == SessionStatus.PUBLISHED and row["starts_on"] >= self.today
        ]
        roster = max(upcoming, key=lambda row: (confirmed[row["id"]], -row["id"]))
        trainer_id = next(t["person_id"] for t in self.teaching if t["session_id"] == roster["id"])
        public = max(upcoming[:50], key=lambda row: confirmed[row["id"]])
        return Handles(
            database_url=database_url,
            password=PASSWORD,
            admin_email=f"yonetici@{DOMAIN}",
            coordinator_email=f"koordinator{busiest_municipality}@{DOMAIN}",
            trainer_email=self._email_of(trainer_id),
            participant_email=self._email_of(participant_id),
            session_id=public["id"],
            meeting_id=self.session_meetings[roster["id"]][0][0],
            roster_size=confirmed[roster["id"]],
            pending_for_coordinator=pending_count,
            participant_registrations=participant_count,
            first_year=(self.today - timedelta(days=HISTORY_DAYS)).year,
            year=self.today.year,
            counts=self.counts,
        )

    def _email_of(self, person_id: int) -> str:
        if person_id in self.trainer_ids:
            return f"egitmen{self.trainer_ids.index(person_id)}@{DOMAIN}"
        return f"katilimci{self.participant_ids.index(person_id)}@{DOMAIN}"


def _reset_sequences(database_url: str) -> None:
    """Explicit ids leave PostgreSQL's sequences at 1: move them past the rows. Then gather the
    planner's statistics, as a live database has them (autovacuum would, some time later):
    without them PostgreSQL picks plans that make some pages ten times slower."""
    if not database_url.startswith("postgresql"):
        return
    for table in db.metadata.sorted_tables:
        id_column = table.c.get("id")
        # Integer ids only: a text id (anonymous evaluation responses) has no sequence.
        if (
            id_column is not None
            and id_column.primary_key
            and id_column.autoincrement
            and isinstance(id_column.type, Integer)
        ):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


_SEEDED: dict[str, Handles] = {}


def seeded() -> Handles | None:
    """The data set seeded by this process, if any."""
    return next(iter(_SEEDED.values()), None)


def ensure(database_url: str | None = None) -> Handles:
    """Seed once per process (the pages and dashboard benchmarks share the data set)."""
    if database_url is None and _SEEDED:
        return seeded()
    url = database_url or resolve_database_url()
    if url not in _SEEDED:
        print(
            f"data set: {SESSIONS:,} sessions, {REGISTRATIONS:,} registrations, "
            f"{PEOPLE:,} people, {database_label(url)} ..."
        )
        handles = seed(url)
        print(
            f"  seeded in {handles.seconds:.1f} s: "
            + ", ".join(f"{n:,} {name}" for name, n in handles.counts.items())
        )
        print(
            f"  pages as: participant with {handles.participant_registrations} registrations, "
            f"coordinator with {handles.pending_for_coordinator} applications to decide, "
            f"trainer with a roster of {handles.roster_size} (password {handles.password})"
        )
        _SEEDED[url] = handles
    return _SEEDED[url]


def run() -> dict:
    handles = ensure()
    return {"seconds": handles.seconds, "counts": handles.counts, "database": handles.database_url}


if __name__ == "__main__":
    run()
