"""Enrolment throughput through HTTP: many participants apply at once for one session, through
gunicorn with several workers on PostgreSQL; reports applications per second and overbooked seats
(must be 0).

BENCH_PG_URL chooses the PostgreSQL database (default: database `bench` on 127.0.0.1, or on the
server of TEST_DATABASE_URL, created when missing; a temporary SQLite file when none answers);
BENCH_WORKERS the gunicorn workers (4); BENCH_PEOPLE the applicants (300); BENCH_SEATS the
session's capacity (30).
"""

import http.client
import os
import re
import threading
import time
from datetime import time as clock
from datetime import timedelta
from urllib.parse import urlencode

from benchmarks.server import gunicorn

PASSWORD = "Bench.Parola.2026"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _database_url() -> str:
    """PostgreSQL (see benchmarks.dataset.default_postgres_url), created when missing; a
    temporary SQLite file when no server answers."""
    from benchmarks.dataset import (
        default_postgres_url,
        ensure_postgres_database,
        temporary_sqlite_url,
    )

    url = default_postgres_url()
    if ensure_postgres_database(url):
        return url
    print("  falling back to a temporary SQLite file (row locks: the database's write lock)")
    return temporary_sqlite_url("enrolment")


def _prepare(database_url: str, people: int, seats: int) -> int:
    from werkzeug.security import generate_password_hash

    from training_app import create_app
    from training_app.accounts.models import (
        Person,
        Position,
        PrivacyAcknowledgement,
        Role,
        RoleAssignment,
        User,
    )
    from training_app.accounts.privacy_text import ensure_privacy_notice
    from training_app.accounts.services import current_privacy_notice
    from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus
    from training_app.core.tckn import complete_tckn
    from training_app.core.timeutil import local_today
    from training_app.extensions import db
    from training_app.municipalities.models import Municipality
    from training_app.municipalities.services import seed_member_municipalities

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_member_municipalities()
        ensure_privacy_notice()
        notice = current_privacy_notice()
        municipalities = list(db.session.scalars(db.select(Municipality)))
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        day = local_today() + timedelta(days=30)
        course = Course(
            code="BENCH-1",
            title="Kamu İhale Mevzuatı",
            is_published=True,
            category=Category(name="İhale"),
        )
        session = Session(
            course=course,
            starts_on=day,
            ends_on=day,
            city="Konya",
            capacity=seats,
            status=SessionStatus.PUBLISHED,
            requires_approval=False,
            meetings=[Meeting(day=day, starts_at=clock(9), ends_at=clock(17))],
        )
        db.session.add(session)
        for n in range(people):
            user = User(email=f"bench{n}@example.org", password_hash=password_hash)
            user.roles.append(RoleAssignment(role=Role.PARTICIPANT))
            person = Person(
                user=user,
                first_name=f"Kişi{n}",
                last_name="Yük",
                municipality=municipalities[n % len(municipalities)],
                position=Position.STAFF,
            )
            person.set_tckn(complete_tckn(f"{200000000 + n}"))
            db.session.add(person)
        db.session.flush()
        for user in db.session.scalars(db.select(User)):
            db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=notice.id))
        db.session.commit()
        session_id = session.id
        db.session.remove()
        db.engine.dispose()
    return session_id


class Client:
    """One browser: a cookie jar and a keep-alive connection."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text


def log_in_everyone(port: int, session_id: int, people: int) -> list[tuple["Client", str]]:
    """Log each applicant in and open the session page: (browser, CSRF token) per person."""
    clients = []
    for n in range(people):
        client = Client(port)
        _status, page = client.request("GET", "/login")
        client.request(
            "POST",
            "/login",
            {
                "csrf_token": TOKEN.search(page).group(1),
                "email": f"bench{n}@example.org",
                "password": PASSWORD,
            },
        )
        _status, page = client.request("GET", f"/catalogue/sessions/{session_id}")
        clients.append((client, TOKEN.search(page).group(1)))
    return clients


def apply_at_once(clients, session_id: int) -> tuple[list[int], float]:
    """Everyone presses "Başvur" at the same moment; the answers' status codes and the time."""
    barrier = threading.Barrier(len(clients))
    lock = threading.Lock()
    statuses: list[int] = []

    def apply(client, token):
        barrier.wait(timeout=60)
        status, _text = client.request(
            "POST", f"/sessions/{session_id}/apply", {"csrf_token": token}
        )
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=apply, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=120)
    return statuses, time.monotonic() - began


def run() -> dict:
    workers = int(os.environ.get("BENCH_WORKERS", "4"))
    people = int(os.environ.get("BENCH_PEOPLE", "300"))
    seats = int(os.environ.get("BENCH_SEATS", "30"))
    database_url = _database_url()
    label = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(
        f"enrolment benchmark: {people} applicants for {seats} seats, {workers} gunicorn "
        f"workers, {label}"
    )
    session_id = _prepare(database_url, people, seats)
    with gunicorn(database_url, workers, MAIL_WORKER="off") as port:
        # Everyone logs in first; only the applications are timed.
        clients = log_in_everyone(port, session_id, people)
        statuses, elapsed = apply_at_once(clients, session_id)
    confirmed, waitlisted = _outcome(database_url, session_id)
    server_errors = sum(1 for s in statuses if s >= 500)
    overbooked = max(0, confirmed - seats)
    print(
        f"  applications:           {len(statuses)} in {elapsed:.2f} s "
        f"= {len(statuses) / elapsed:.1f} per second"
    )
    print(f"  confirmed / waitlisted: {confirmed} / {waitlisted}  (seats {seats})")
    print(f"  overbooked seats:       {overbooked}  server errors: {server_errors}")
    return {
        "per_second": len(statuses) / elapsed,
        "overbooked": overbooked,
        "server_errors": server_errors,
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "people": people,
        "seats": seats,
        "workers": workers,
        "database": label,
    }


def _outcome(database_url: str, session_id: int) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                text(
                    "SELECT status, count(*) FROM registrations WHERE session_id = :s "
                    "GROUP BY status"
                ),
                {"s": session_id},
            ).all()
        )
    engine.dispose()
    return rows.get("confirmed", 0), rows.get("waitlisted", 0)
