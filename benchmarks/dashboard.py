"""The dashboard on the large data set, in process: the time of the service call and of the whole
/reports/ request (median of BENCH_DASHBOARD_REPEATS, 7), and the SQL statements each costs.
The same count for every page of benchmarks.pages, so that a page whose queries grow with the
data shows up (the dashboard's must stay fixed: five aggregate queries whatever the size).
"""

import os
import statistics
import time
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from benchmarks import dataset
from benchmarks.enrolment import TOKEN


@contextmanager
def counting(engine):
    """Count the statements sent to the database inside the block."""
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _timed(repeats: int, call) -> float:
    call()  # warm up
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _log_in(client, email: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    answer = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"logging in as {email} answered {answer.status_code}")


def run() -> dict:
    from benchmarks.pages import history_query, page_groups
    from training_app import create_app
    from training_app.extensions import db
    from training_app.reports import services

    repeats = int(os.environ.get("BENCH_DASHBOARD_REPEATS", "7"))
    h = dataset.ensure()
    label = dataset.database_label(h.database_url)
    periods = {
        "year": services.Period.year(h.year),
        "history": services.Period(date(h.first_year, 1, 1), date(h.year, 12, 31)),
    }
    print(f"dashboard benchmark: {h.counts['registrations']:,} registrations, {label}, in process")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": h.database_url,
            "MAIL_WORKER": "off",
            "PRINT_WORKER": "off",
            "RATELIMIT_ENABLED": False,
        }
    )
    out = {"database": label, "repeats": repeats, "service": {}, "request": {}, "queries": {}}
    with app.app_context():
        engine = db.engine
    # The service needs a request context (translated labels); its own, not the test client's.
    with app.test_request_context():
        for name, period in periods.items():
            with counting(engine) as counter:
                figures = services.dashboard(period, services.Scope())
            out["service"][name] = {
                "ms": _timed(repeats, lambda p=period: services.dashboard(p, services.Scope())),
                "queries": counter["n"],
                "participants": figures.summary.participants,
            }
        db.session.remove()
    # Requests outside any pushed app context: each gets its own, as under a server.
    for _group, email, pages in page_groups(h):
        client = app.test_client()
        if email:
            _log_in(client, email, h.password)
        for page, path in pages:
            client.get(path)  # warm up: caches, the first query of a connection
            with counting(engine) as counter:
                answer = client.get(path)
            if answer.status_code != 200:
                raise RuntimeError(f"{page} ({path}) answered {answer.status_code}")
            out["queries"][page] = counter["n"]
    client = app.test_client()
    _log_in(client, h.admin_email, h.password)
    for name, path in (("year", f"/reports/?year={h.year}"), ("history", history_query(h))):
        with counting(engine) as counter:
            client.get(path)
        out["request"][name] = {
            "ms": _timed(repeats, lambda p=path: client.get(p)),
            "queries": counter["n"],
        }
    engine.dispose()
    for name in periods:
        service, request = out["service"][name], out["request"][name]
        print(
            f"  {name:<8} service {service['ms']:7.1f} ms ({service['queries']} queries, "
            f"{service['participants']:,} participants)   whole request {request['ms']:7.1f} ms "
            f"({request['queries']} queries)"
        )
    print("  queries per page: " + ", ".join(f"{page} {n}" for page, n in out["queries"].items()))
    return out


if __name__ == "__main__":
    run()
