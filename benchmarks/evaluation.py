"""Evaluation results on a schema of their own: the results page of a course with 2,000 answers
(/evaluation/results/courses/<id>) and the reports' "Katılımcı değerlendirmeleri" section over
a year of 50,000 answers, each timed (median of BENCH_EVALUATION_REPEATS, 5) with the SQL
statements it costs, at two sizes: the number of statements must not grow with the answers.

BENCH_EVALUATION_DATABASE_URL chooses the database (default: a temporary SQLite file); not
BENCH_DATABASE_URL, whose large data set the other benchmarks keep: this one drops its schema.
"""

import os
import random
import tempfile
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from benchmarks.dashboard import _log_in, _timed, counting

COURSE_ANSWERS = 2000
YEAR_ANSWERS = 50_000
PER_SESSION = 50
PASSWORD = "Bench.Evaluation.2026"


def _bulk(db, table, rows: list[dict], chunk: int = 10_000) -> None:
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[start : start + chunk])


def _seed(app, year: int, course_answers: int, year_answers: int) -> dict:
    """Fresh schema: 9 categories, 40 courses, one asked evaluation per session; the first
    course gets `course_answers` answers, the whole year `year_answers`."""
    from training_app.accounts.models import (
        Person,
        PrivacyAcknowledgement,
        Role,
        RoleAssignment,
        User,
    )
    from training_app.accounts.privacy_text import ensure_privacy_notice
    from training_app.accounts.services import current_privacy_notice
    from training_app.catalog.models import Category, Course, Session, SessionStatus
    from training_app.evaluation.default_questionnaire import ensure_default_questionnaire
    from training_app.evaluation.models import (
        Answer,
        Evaluation,
        QuestionKind,
        Questionnaire,
        QuestionSubject,
        Response,
    )
    from training_app.evaluation.report_section import TOPICS_QUESTION_TEXTS
    from training_app.extensions import db
    from training_app.municipalities.models import Municipality
    from training_app.municipalities.services import seed_member_municipalities

    rng = random.Random(2026)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_member_municipalities()
        ensure_privacy_notice()
        ensure_default_questionnaire()
        questionnaire = db.session.scalar(select(Questionnaire))
        questions = questionnaire.questions
        municipality_ids = list(db.session.scalars(select(Municipality.id)))
        trainer = Person(first_name="Eğitmen", last_name="Bir")
        admin_user = User(email="yonetici@bench.example.org")
        admin_user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        admin_user.roles.append(RoleAssignment(role=Role.ADMIN))
        admin = Person(first_name="Ofis", last_name="Yönetici", user=admin_user)
        categories = [Category(name=f"Kategori {i}") for i in range(9)]
        courses = [
            Course(code=f"D-{i:03d}", title=f"Eğitim {i}", category=categories[i % 9])
            for i in range(40)
        ]
        db.session.add_all([trainer, admin, *categories, *courses])
        db.session.flush()
        db.session.add(
            PrivacyAcknowledgement(user_id=admin_user.id, notice_id=current_privacy_notice().id)
        )
        # Sessions: those of the first course first, until it has its answers; then the rest.
        plan = [courses[0]] * (course_answers // PER_SESSION)
        plan += [courses[1 + i % 39] for i in range((year_answers - course_answers) // PER_SESSION)]
        sessions = []
        for n, course in enumerate(plan):
            day = date(year, 1 + n % 12, 1 + n % 27)
            sessions.append(
                Session(
                    course=course,
                    city="Konya",
                    capacity=60,
                    seats_taken=PER_SESSION,
                    starts_on=day,
                    ends_on=day,
                    status=SessionStatus.COMPLETED,
                    trainers=[trainer],
                )
            )
        db.session.add_all(sessions)
        db.session.flush()
        opens = datetime.combine(date(year, 12, 31), time(8))
        _bulk(
            db,
            Evaluation.__table__,
            [
                {
                    "session_id": s.id,
                    "questionnaire_id": questionnaire.id,
                    "trigger": "on_close",
                    "open_days": 14,
                    "opens_at": opens,
                    "closes_at": opens + timedelta(days=14),
                    "invited_count": PER_SESSION + 10,
                    "created_at": opens,
                }
                for s in sessions
            ],
        )
        evaluation_ids = {
            sid: eid
            for eid, sid in db.session.execute(select(Evaluation.id, Evaluation.session_id))
        }
        responses, answers = [], []
        for s in sessions:
            for k in range(PER_SESSION):
                rid = f"{s.id:012d}{k:020d}"
                responses.append(
                    {
                        "id": rid,
                        "evaluation_id": evaluation_ids[s.id],
                        "questionnaire_id": questionnaire.id,
                        "submitted_on": s.ends_on,
                        "municipality_id": rng.choice(municipality_ids),
                        "position": "staff",
                    }
                )
                for q in questions:
                    row = {
                        "response_id": rid,
                        "question_id": q.id,
                        "trainer_id": trainer.id if q.subject == QuestionSubject.TRAINER else None,
                        "scale_value": None,
                        "option_id": None,
                        "text": None,
                    }
                    if q.kind == QuestionKind.SCALE_1_5:
                        row["scale_value"] = rng.choices(range(1, 6), (1, 2, 8, 38, 51))[0]
                    elif q.kind.has_options:
                        row["option_id"] = q.options[0].id
                    elif q.text in TOPICS_QUESTION_TEXTS and rng.random() < 0.4:
                        row["text"] = rng.choice(("İmar mevzuatı", "KVKK, ihale", "imar mevzuati"))
                    else:
                        continue
                    answers.append(row)
        _bulk(db, Response.__table__, responses)
        _bulk(db, Answer.__table__, answers)
        db.session.commit()
        return {"course_id": courses[0].id, "answers": len(answers), "responses": len(responses)}


def _measure(app, handles: dict, year: int, repeats: int) -> dict:
    from training_app.evaluation import report_section
    from training_app.extensions import db

    out = {}
    with app.app_context():
        engine = db.engine
    with app.test_request_context():
        start, end = date(year, 1, 1), date(year, 12, 31)
        with counting(engine) as counter:
            section = report_section.report_section(start, end)
        out["section"] = {
            "ms": _timed(repeats, lambda: report_section.report_section(start, end)),
            "queries": counter["n"],
            "responses": section.total.responses,
        }
        db.session.remove()
    client = app.test_client()
    _log_in(client, "yonetici@bench.example.org", PASSWORD)
    path = f"/evaluation/results/courses/{handles['course_id']}?year={year}"
    client.get(path)
    with counting(engine) as counter:
        answer = client.get(path)
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code}")
    out["course_page"] = {"ms": _timed(repeats, lambda: client.get(path)), "queries": counter["n"]}
    engine.dispose()
    return out


def run() -> dict:
    from training_app import create_app

    repeats = int(os.environ.get("BENCH_EVALUATION_REPEATS", "5"))
    url = os.environ.get("BENCH_EVALUATION_DATABASE_URL", "")
    tmp = None
    if not url:
        descriptor, tmp = tempfile.mkstemp(suffix=".sqlite3")
        os.close(descriptor)
        url = f"sqlite:///{tmp}"
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_WORKER": "off",
            "PRINT_WORKER": "off",
            "RATELIMIT_ENABLED": False,
        }
    )
    year = date.today().year - 1
    out = {"database": database, "repeats": repeats}
    try:
        for label, course_answers, year_answers in (
            ("small", PER_SESSION * 2, PER_SESSION * 20),
            ("large", COURSE_ANSWERS, YEAR_ANSWERS),
        ):
            handles = _seed(app, year, course_answers, year_answers)
            out[label] = _measure(app, handles, year, repeats) | {
                "course_answers": course_answers,
                "year_answers": year_answers,
                "answer_rows": handles["answers"],
            }
            m = out[label]
            print(
                f"evaluation ({label}, {database}): course page with {course_answers:,} answers "
                f"{m['course_page']['ms']:.1f} ms ({m['course_page']['queries']} queries); "
                f"yearly section over {year_answers:,} answers ({m['answer_rows']:,} answer rows) "
                f"{m['section']['ms']:.1f} ms ({m['section']['queries']} queries)",
                flush=True,
            )
        for name in ("course_page", "section"):
            if out["small"][name]["queries"] != out["large"][name]["queries"]:
                raise RuntimeError(f"{name}: the number of queries grows with the answers")
    finally:
        if tmp is not None:
            os.unlink(tmp)
    return out


if __name__ == "__main__":
    run()
