"""Certificates: a bulk print of 300 documents (set CERT_BENCH_COUNTS=300,1000 for more), in
a separate process so that its peak memory is the rendering's own.

Prints the time per certificate end to end (query, render in chunks of 50, merge) and the peak
resident memory of the rendering process. BENCH_DATABASE_URL chooses the database (default: a
temporary SQLite file).
"""

import multiprocessing
import os
import resource
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock


def _setup(url: str, count: int, prepare=None) -> int:
    """A closed session with `count` issued documents and a queued print job; returns its id.

    `prepare(session)`, when given, runs before issuing (e.g. to give the course a design)."""
    from training_app import create_app
    from training_app.accounts.models import Person, Position
    from training_app.attendance.models import Completion
    from training_app.catalog.models import (
        Category,
        Course,
        DocumentKind,
        Meeting,
        Session,
        SessionStatus,
    )
    from training_app.certificates import services
    from training_app.certificates.models import Signatory
    from training_app.enrollment.models import Registration, RegistrationStatus
    from training_app.extensions import db
    from training_app.municipalities.models import Municipality
    from training_app.municipalities.services import seed_member_municipalities

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_WORKER": "off", "PRINT_WORKER": "off"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_member_municipalities()
        municipalities = list(db.session.scalars(db.select(Municipality)))
        day = date.today() - timedelta(days=3)
        session = Session(
            course=Course(
                code="B-1",
                title="İmar Planlarında Değişiklik ve Çevre Düzenlemesi",
                category=Category(name="İmar"),
                is_published=True,
            ),
            starts_on=day,
            ends_on=day + timedelta(days=2),
            city="Konya",
            capacity=count,
            status=SessionStatus.COMPLETED,
            meetings=[
                Meeting(day=day + timedelta(days=i), starts_at=clock(9), ends_at=clock(17))
                for i in range(3)
            ],
        )
        db.session.add(session)
        db.session.add_all(
            [
                Signatory(name="Prof. Dr. Şükrü Öztürk", title="Birlik Başkanı"),
                Signatory(name="Gülçin Işıklı", title="Genel Sekreter", sort_order=2),
            ]
        )
        registrations = []
        for n in range(count):
            person = Person(
                first_name=f"Şükriye{n}",
                last_name="Işıkçıoğlu",
                position=Position.STAFF,
                municipality=municipalities[n % len(municipalities)],
            )
            registration = Registration(
                session=session,
                person=person,
                status=RegistrationStatus.COMPLETED,
                municipality_id=person.municipality.id,
            )
            db.session.add(registration)
            registrations.append(registration)
        db.session.flush()
        for registration in registrations:
            db.session.add(
                Completion(
                    registration_id=registration.id,
                    attended_minutes=1440,
                    session_minutes=1440,
                    attendance_percent=100,
                    document_kind=DocumentKind.ATTENDANCE,
                )
            )
        db.session.commit()
        if prepare is not None:
            prepare(session)
            db.session.commit()
        services.issue_certificates(session, None)
        job = services.start_print_job(None, session=session)
        db.session.commit()
        job_id = job.id
        db.session.remove()
        db.engine.dispose()
    return job_id


def _render(url: str, job_dir: str, processes: int, results) -> None:
    """The rendering process: run the queued job, report time and peak memory."""
    from training_app import create_app
    from training_app.certificates import jobs
    from training_app.certificates.models import PrintJob
    from training_app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_WORKER": "off",
            "PRINT_WORKER": "off",
            "PRINT_JOB_DIR": job_dir,
            "PRINT_PROCESSES": processes,
        }
    )
    with app.app_context():
        began = time.perf_counter()
        jobs.run_pending_jobs()
        elapsed = time.perf_counter() - began
        job = db.session.scalar(db.select(PrintJob))
        status, total, error = job.status.value, job.total, job.error
        db.session.remove()
    # KiB on Linux; with several processes the largest rendering child counts too.
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    results.put(
        {
            "seconds": elapsed,
            "peak_mb": peak_kb / 1024,
            "status": status,
            "total": total,
            "error": error,
        }
    )


def run() -> dict:
    counts = [int(c) for c in os.environ.get("CERT_BENCH_COUNTS", "300").split(",") if c]
    process_counts = [int(p) for p in os.environ.get("CERT_BENCH_PROCESSES", "1,2").split(",")]
    out = {}
    for count in counts:
        for processes in process_counts:
            tmp = tempfile.TemporaryDirectory()
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/certs.sqlite3"
            _setup(url, count)
            context = multiprocessing.get_context("spawn")
            results = context.Queue()
            child = context.Process(target=_render, args=(url, tmp.name, processes, results))
            child.start()
            result = results.get(timeout=3600)
            child.join()
            tmp.cleanup()
            if result["status"] != "done":
                raise RuntimeError(f"print job {result['status']}: {result['error']}")
            per = result["seconds"] * 1000 / count
            print(
                f"certificates benchmark: bulk print of {count} documents, "
                f"{url.split('://')[0]}, {processes} rendering process(es), chunks of 50"
            )
            print(f"  per certificate:          {per:8.1f} ms")
            print(f"  total:                    {result['seconds']:8.1f} s")
            print(f"  peak memory (per process):{result['peak_mb']:8.1f} MB")
            out[(count, processes)] = {
                "ms_per_certificate": per,
                "peak_mb": result["peak_mb"],
                "database": "PostgreSQL" if url.startswith("postgresql") else "SQLite",
            }
    return out


if __name__ == "__main__":
    run()
