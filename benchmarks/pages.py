"""Latency of the main pages under load, on the large data set (benchmarks.dataset).

The app is served by gunicorn on 127.0.0.1; locust (the `bench` extra) drives one group of pages
at a time for BENCH_LOAD_SECONDS (15) with BENCH_LOAD_USERS (4) simulated users that request
without pause, and reports each page's median and 95th percentile and its throughput. Logged-in
groups log in once per simulated user and keep the cookie. Before the load, each page is fetched
once (it must answer 200) and the dashboard is timed alone: the median of BENCH_DASHBOARD_REPEATS
(7) requests, for the year and for the whole history.

BENCH_WORKERS chooses the gunicorn workers (default: the cores, at least 2).
"""

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import dataset
from benchmarks.enrolment import TOKEN, Client
from benchmarks.server import ROOT, gunicorn

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def page_groups(h: dataset.Handles) -> list[tuple[str, str | None, list[tuple[str, str]]]]:
    """(group, login e-mail or None, [(page name, path), ...])."""
    return [
        (
            "public",
            None,
            [
                ("home", "/"),
                ("catalogue", "/catalogue"),
                ("catalogue search", "/catalogue?q=imar"),
                ("session page", f"/catalogue/sessions/{h.session_id}"),
                ("login page", "/login"),
            ],
        ),
        ("participant", h.participant_email, [("my trainings", "/my/trainings")]),
        ("coordinator", h.coordinator_email, [("approvals", "/coordinator/requests")]),
        ("trainer", h.trainer_email, [("roster", f"/attendance/meetings/{h.meeting_id}")]),
        ("admin", h.admin_email, [("dashboard (year)", f"/reports/?year={h.year}")]),
    ]


def history_query(h: dataset.Handles) -> str:
    """The dashboard over every year of the data set."""
    return f"/reports/?date_from={h.first_year}-01-01&date_to={h.year}-12-31"


def _logged_in(port: int, email: str | None, password: str) -> Client:
    client = Client(port)
    if email:
        _status, page = client.request("GET", "/login")
        status, _text = client.request(
            "POST",
            "/login",
            {"csrf_token": TOKEN.search(page).group(1), "email": email, "password": password},
        )
        if status != 302:
            raise RuntimeError(f"logging in as {email} answered {status}")
    return client


def check_pages(port: int, h: dataset.Handles) -> dict[str, int]:
    """Fetch every page once as its user: each must answer 200. Returns the sizes in bytes."""
    sizes = {}
    for _group, email, pages in page_groups(h):
        client = _logged_in(port, email, h.password)
        for name, path in pages:
            status, body = client.request("GET", path)
            if status != 200:
                raise RuntimeError(f"{name} ({path}) answered {status}")
            sizes[name] = len(body.encode())
    return sizes


def time_dashboard(port: int, h: dataset.Handles, repeats: int) -> dict[str, float]:
    """Median milliseconds of the dashboard requested alone (no other load)."""
    client = _logged_in(port, h.admin_email, h.password)
    out = {}
    for label, path in (("year", f"/reports/?year={h.year}"), ("history", history_query(h))):
        client.request("GET", path)  # warm up
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            status, _body = client.request("GET", path)
            times.append((time.perf_counter() - began) * 1000)
            if status != 200:
                raise RuntimeError(f"dashboard answered {status}")
        out[label] = statistics.median(times)
    return out


def load_group(port, name, email, pages, password, seconds, users, workdir) -> list[dict]:
    """Run locust on one group of pages; one dict per page from its CSV statistics."""
    prefix = Path(workdir) / name
    env = {
        **os.environ,
        "BENCH_PAGES": json.dumps(pages),
        "BENCH_LOGIN": email or "",
        "BENCH_PASSWORD": password,
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds:g}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    log = Path(workdir) / f"{name}.log"
    with log.open("w") as out:
        finished = subprocess.run(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=seconds + 60
        )
    if finished.returncode != 0:
        raise RuntimeError(f"locust failed ({finished.returncode}):\n{log.read_text()[-3000:]}")
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] in ("Aggregated", "(login)"):
                continue
            rows.append(
                {
                    "group": name,
                    "page": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "per_second": float(row["Requests/s"]),
                }
            )
    order = [page for page, _path in pages]
    return sorted(rows, key=lambda r: order.index(r["page"]))


def run() -> dict:
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "15"))
    users = int(os.environ.get("BENCH_LOAD_USERS", "4"))
    workers = int(os.environ.get("BENCH_WORKERS", str(max(2, os.cpu_count() or 2))))
    repeats = int(os.environ.get("BENCH_DASHBOARD_REPEATS", "7"))
    h = dataset.ensure()
    label = dataset.database_label(h.database_url)
    groups = page_groups(h)
    print(
        f"pages benchmark: {len(groups)} groups of pages, {seconds:g} s each, {users} users "
        f"without pause, {workers} gunicorn workers, {label}"
    )
    results = []
    with (
        tempfile.TemporaryDirectory() as workdir,
        gunicorn(
            h.database_url,
            workers,
            MAIL_WORKER="off",
            PRINT_WORKER="off",
        ) as port,
    ):
        sizes = check_pages(port, h)
        dashboard = time_dashboard(port, h, repeats)
        print(
            f"  dashboard alone, median of {repeats}: year {dashboard['year']:.0f} ms, "
            f"{h.first_year}–{h.year} {dashboard['history']:.0f} ms"
        )
        for name, email, pages in groups:
            rows = load_group(port, name, email, pages, h.password, seconds, users, workdir)
            for row in rows:
                row["kb"] = sizes[row["page"]] / 1024
                print(
                    f"  {row['page']:<18} p50 {row['p50_ms']:6.0f} ms  p95 {row['p95_ms']:6.0f} ms"
                    f"  {row['per_second']:6.1f} req/s  {row['requests']} requests, "
                    f"{row['failures']} failed"
                )
            results += rows
    return {
        "pages": results,
        "dashboard_alone_ms": dashboard,
        "seconds": seconds,
        "users": users,
        "workers": workers,
        "database": label,
        "roster_size": h.roster_size,
        "pending": h.pending_for_coordinator,
        "participant_registrations": h.participant_registrations,
    }


if __name__ == "__main__":
    run()
