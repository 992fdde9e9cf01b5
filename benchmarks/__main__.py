"""`python -m benchmarks [name ...]`: run every benchmark, or the named ones, then print one table
of every figure with the machine it ran on, and write it to benchmarks/results.md.

The order matters: catalogue, enrolment, attendance and certificates build small schemas of their
own (enrolment in the PostgreSQL `bench` database); then the large data set is seeded once for
pages and dashboard, which share it; evaluation builds its own schema last.
"""

import importlib
import os
import platform
import sqlite3
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

BENCHMARKS = (
    "catalogue",
    "enrolment",
    "attendance",
    "offline_sync",
    "certificates",
    "designs",
    "pages",
    "dashboard",
    "evaluation",
    "planning",
)
RESULTS = Path(__file__).with_name("results.md")

# Keys of the benchmark's own (throw-away) data, and no 127.0.0.1 in the documents' QR codes.
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key")
os.environ.setdefault("TCKN_KEY", "benchmark-tckn-key")
os.environ.setdefault("PUBLIC_BASE_URL", "https://egitim.example.org")


def main(names: list[str]) -> int:
    began = time.monotonic()
    results, failed = {}, []
    for name in names or BENCHMARKS:
        step = time.monotonic()
        try:
            results[name] = importlib.import_module(f"benchmarks.{name}").run()
        except Exception:  # noqa: BLE001 - report it, go on with the others, fail at the end
            traceback.print_exc()
            failed.append(name)
        print(f"  ({name}: {time.monotonic() - step:.0f} s)", flush=True)
    report = render(results, failed, time.monotonic() - began, partial=bool(names))
    print()
    print(report)
    RESULTS.write_text(report + "\n")
    print(f"\n(written to {RESULTS})")
    return 1 if failed else 0


# --- the machine -------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "? GiB"


def _postgres_version() -> str | None:
    from sqlalchemy import create_engine, text

    from benchmarks.dataset import default_postgres_url

    url = os.environ.get("BENCH_DATABASE_URL", "")
    url = url if url.startswith("postgresql") else default_postgres_url()
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            return conn.execute(text("SHOW server_version")).scalar().split()[0]
    except Exception:  # noqa: BLE001 - no server: no version to show
        return None
    finally:
        engine.dispose()


def machine_line() -> str:
    postgres = _postgres_version()
    databases = (
        f"PostgreSQL {postgres}, " if postgres else ""
    ) + f"SQLite {sqlite3.sqlite_version}"
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {_memory_gib()} RAM, "
        f"{platform.system()} {platform.release().split('-')[0]}, "
        f"Python {platform.python_version()}, {databases}"
    )


# --- the table ---------------------------------------------------------------------------------


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _rows(results: dict) -> list[tuple[str, str, str]]:
    rows = []
    if c := results.get("catalogue"):
        rows.append(
            (
                "catalogue",
                f"2,000 upcoming sessions, gunicorn {c.get('workers', '?')} workers, "
                f"{c.get('database', 'SQLite')}",
                f"home {_n(c['trivial'])} req/s, catalogue {_n(c['catalogue'])} req/s: "
                f"**ratio {c['ratio']:.2f}** (target ≥ 0.3); search + filter "
                f"{_n(c['searched'])} req/s; without its cache {_n(c['uncached'])} req/s "
                f"(ratio {c['uncached'] / c['trivial']:.2f})",
            )
        )
    if e := results.get("enrolment"):
        rows.append(
            (
                "enrolment",
                f"{e['people']} logged-in participants apply at once over HTTP for "
                f"{e['seats']} seats, gunicorn {e['workers']} workers, {e['database']}",
                f"**{e['per_second']:.1f} applications/s**; {e['confirmed']} confirmed, "
                f"{e['waitlisted']} waitlisted, {e['overbooked']} overbooked, "
                f"{e['server_errors']} server errors",
            )
        )
    if a := results.get("attendance"):
        rows.append(
            (
                "attendance",
                f"roster of 300, {a.get('database', 'SQLite')}",
                f"saving all 300 marks **{a['marking_ms']:.0f} ms**; closing the session "
                f"{a['closing_ms']:.0f} ms",
            )
        )
    if o := results.get("offline_sync"):
        rows.append(
            (
                "offline sync",
                f"a batch of 300 marks made offline, {o['database']}",
                f"**{o['first_ms']:.0f} ms, {o['first_queries']} queries**; the same batch again "
                f"{o['again_ms']:.0f} ms, {o['again_queries']} queries (nothing changes)",
            )
        )
    if certs := results.get("certificates"):
        parts = [
            f"{count} documents, {processes} process{'es' if processes > 1 else ''}: "
            f"**{r['ms_per_certificate']:.1f} ms per document**, peak {r['peak_mb']:.0f} MB"
            for (count, processes), r in sorted(certs.items())
        ]
        database = next(iter(certs.values()))["database"]
        setup = f"bulk print (query, render, merge), chunks of 50, {database}"
        rows.append(("certificates", setup, "; ".join(parts)))
    if d := results.get("designs"):
        rows.append(
            (
                "document designs",
                f"bulk print of {d['count']} documents, 1 process: richest design (partner "
                "layout, 3 logos, background) against the current one",
                f"**{d['rich_ms']:.1f} ms against {d['current_ms']:.1f} ms per document, "
                f"ratio {d['ratio']:.2f}** (target at most 1.3)",
            )
        )
    from benchmarks import dataset

    if h := dataset.seeded():
        counts = ", ".join(f"{n:,} {name}" for name, n in h.counts.items())
        rows.append(
            (
                "large data set",
                f"{dataset.database_label(h.database_url)}, bulk inserts",
                f"seeded in {h.seconds:.0f} s: {counts}",
            )
        )
    if d := results.get("dashboard"):
        periods = (("year", f"the year {h.year}"), ("history", f"{h.first_year}–{h.year}"))
        for name, label in periods:
            s, r = d["service"][name], d["request"][name]
            alone = (results.get("pages") or {}).get("dashboard_alone_ms", {}).get(name)
            over_http = f"; over HTTP (gunicorn) {alone:.0f} ms" if alone else ""
            rows.append(
                (
                    f"dashboard, {label}",
                    f"{s['participants']:,} participants counted of "
                    f"{h.counts['registrations']:,} registrations, {d['database']}, "
                    f"median of {d['repeats']}",
                    f"service **{s['ms']:.0f} ms** ({s['queries']} queries); whole /reports/ "
                    f"request **{r['ms']:.0f} ms** ({r['queries']} queries){over_http}",
                )
            )
    if ev := results.get("evaluation"):
        small, large = ev["small"], ev["large"]
        rows.append(
            (
                "evaluation results",
                f"own schema, {ev['database']}, median of {ev['repeats']}; "
                f"{large['answer_rows']:,} answer rows",
                f"course page with {large['course_answers']:,} answers "
                f"**{large['course_page']['ms']:.0f} ms** ({large['course_page']['queries']} "
                f"queries, {small['course_page']['queries']} with {small['course_answers']:,}); "
                f"yearly section over {large['year_answers']:,} answers "
                f"**{large['section']['ms']:.0f} ms** ({large['section']['queries']} queries, "
                f"{small['section']['queries']} with {small['year_answers']:,})",
            )
        )
    if pl := results.get("planning"):
        d, p = pl["demand"], pl["delivery"]
        rows.append(
            (
                "consolidated demand",
                f"39 municipalities × 40 needs ({d['needs']:,}), {d['topics']} topics, "
                f"{pl['database']}, median of {pl['repeats']}",
                f"**{d['ms']:.0f} ms** ({d['queries']} queries)",
            )
        )
        rows.append(
            (
                "plan against delivery",
                f"{p['lines']} plan lines over the large data set, {p['held']} sessions held "
                f"in the plan, {p['outside']} outside it, median of {pl['repeats']}",
                f"**{p['ms']:.0f} ms** ({p['queries']} queries)",
            )
        )
    return rows


def _page_table(results: dict) -> list[str]:
    p = results.get("pages")
    if not p:
        return []
    queries = (results.get("dashboard") or {}).get("queries", {})
    lines = [
        f"Main pages under load on the large data set: gunicorn {p['workers']} workers, "
        f"{p['database']}, locust with {p['users']} users requesting without pause, "
        f"{p['seconds']:g} s per group of pages, load generator on the same machine "
        f"(roster of {p['roster_size']}, {p['pending']} applications awaiting the coordinator, "
        f"{p['participant_registrations']} registrations of the participant).",
        "",
        "| group | page | p50 ms | p95 ms | req/s | failed | SQL queries | KiB |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in p["pages"]:
        lines.append(
            f"| {r['group']} | {r['page']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{r['per_second']:.1f} | {r['failures']} | {queries.get(r['page'], '')} | "
            f"{r['kb']:.0f} |"
        )
    return lines


def render(results: dict, failed: list[str], seconds: float, partial: bool = False) -> str:
    ran = f"`python -m benchmarks {' '.join(results)}`" if partial else "`make bench`"
    lines = [
        f"Benchmarks of {datetime.now():%Y-%m-%d %H:%M}, {ran} in {seconds / 60:.1f} min",
        f"on {machine_line()}.",
        "",
        "| benchmark | setup | result |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {setup} | {result} |" for name, setup, result in _rows(results)]
    pages = _page_table(results)
    if pages:
        lines += ["", *pages]
    if failed:
        lines += ["", f"FAILED: {', '.join(failed)} (see the output above)."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
