"""Catalogue throughput: the public catalogue page with 2,000 sessions under gunicorn, as a ratio of
a trivial page of the same app (the home page) measured in the same run. Target: at least 0.3.

BENCH_DATABASE_URL chooses the database (default: a temporary SQLite file); BENCH_SECONDS the
length of each measurement; BENCH_WORKERS the gunicorn workers; BENCH_CLIENTS the client threads.
"""

import http.client
import os
import tempfile
import threading
import time
from datetime import time as clock
from datetime import timedelta

from benchmarks.server import gunicorn

SESSIONS = 2000


def _prepare(database_url: str) -> None:
    """A fresh schema with the member municipalities and 2,000 published sessions."""
    from training_app import create_app
    from training_app.accounts.models import Position
    from training_app.catalog.models import (
        Category,
        Course,
        Meeting,
        Session,
        SessionStatus,
        Venue,
    )
    from training_app.core.timeutil import local_today
    from training_app.extensions import db
    from training_app.municipalities.services import seed_member_municipalities

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_member_municipalities()
        categories = [Category(name=f"Kategori {i}") for i in range(9)]
        venues = [
            Venue(name=f"Salon {i}", city=c, capacity=60)
            for i, c in enumerate(["Konya", "Ilgın", "Çumra", "Ereğli", "Akşehir"])
        ]
        courses = []
        for i in range(40):
            course = Course(
                code=f"B-{i:03d}",
                title=f"Belediye Eğitimi {i}",
                category=categories[i % 9],
                is_published=True,
                total_minutes=360,
            )
            course.target_positions = {Position.STAFF} if i % 3 else set()
            courses.append(course)
        start = local_today() + timedelta(days=1)
        for i in range(SESSIONS):
            day = start + timedelta(days=i % 365)
            venue = venues[i % len(venues)]
            db.session.add(
                Session(
                    course=courses[i % 40],
                    starts_on=day,
                    ends_on=day,
                    venue=venue,
                    city=venue.city,
                    capacity=40,
                    status=SessionStatus.PUBLISHED,
                    meetings=[Meeting(day=day, starts_at=clock(9), ends_at=clock(12))],
                )
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _measure(port: int, path: str, seconds: float, clients: int) -> tuple[float, int]:
    """Requests per second over `seconds` with `clients` keep-alive connections."""
    counts = [0] * clients
    errors = [0]
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors[0] += 1
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began), errors[0]


def run() -> dict:
    seconds = float(os.environ.get("BENCH_SECONDS", "10"))
    workers = int(os.environ.get("BENCH_WORKERS", str(max(2, os.cpu_count() or 2))))
    clients = int(os.environ.get("BENCH_CLIENTS", str(workers * 2)))
    tmp = tempfile.TemporaryDirectory()
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    print(
        f"catalogue benchmark: {SESSIONS} sessions, {workers} gunicorn workers, "
        f"{clients} clients, {seconds:g} s per page, {database_url.split('://')[0]}"
    )
    _prepare(database_url)
    try:
        with gunicorn(database_url, workers, CATALOGUE_CACHE_SIZE="256") as port:
            for path in ("/", "/catalogue"):
                _measure(port, path, 1, clients)  # warm up every worker
            trivial, trivial_errors = _measure(port, "/", seconds, clients)
            catalogue, catalogue_errors = _measure(port, "/catalogue", seconds, clients)
            searched, _e = _measure(port, "/catalogue?q=cumra&position=staff", seconds, clients)
        # The work behind the cache, as for a search nobody has made before.
        with gunicorn(database_url, workers, CATALOGUE_CACHE_SIZE="0") as port:
            _measure(port, "/catalogue", 1, clients)
            uncached, _e = _measure(port, "/catalogue", seconds, clients)
    finally:
        tmp.cleanup()
    ratio = catalogue / trivial
    print(f"  home page (trivial):          {trivial:8.1f} req/s  errors {trivial_errors}")
    print(f"  catalogue page 1:             {catalogue:8.1f} req/s  errors {catalogue_errors}")
    print(f"  catalogue, search + filter:   {searched:8.1f} req/s")
    print(
        f"  catalogue without its cache:  {uncached:8.1f} req/s  (ratio {uncached / trivial:.2f})"
    )
    print(
        f"  ratio catalogue/home:         {ratio:.2f}  (target >= 0.30: "
        f"{'met' if ratio >= 0.3 else 'NOT met'})"
    )
    return {
        "trivial": trivial,
        "catalogue": catalogue,
        "searched": searched,
        "uncached": uncached,
        "ratio": ratio,
        "workers": workers,
        "database": "PostgreSQL" if database_url.startswith("postgresql") else "SQLite",
    }
