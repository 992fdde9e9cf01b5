"""Evaluation results: the 5-answer threshold on every page and export, no answer joined to a
person, the trainer's own figures, the coordinator's rates and reminder, the reports' section."""

import io
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event, func, select

from tests.conftest import login
from tests.evaluation.conftest import close, mails_to
from training_app.accounts.models import Role
from training_app.catalog.models import Session, SessionStatus
from training_app.core.models import OutboxMessage
from training_app.core.timeutil import local_today
from training_app.evaluation import group_results, report_section, results, services
from training_app.evaluation.models import (
    AttemptKind,
    KnowledgeTest,
    QuestionKind,
    TestAttempt,
)
from training_app.extensions import db

HIDDEN = "5'ten az yanıt: gizlilik için gösterilmiyor"
COMMENT = "Uygulamalı örnekler çok faydalıydı"
TOPIC = "İmar mevzuatı"


def answers_for(evaluation, scale: str, comment: str = COMMENT) -> dict:
    """Every item of the form answered: scales with `scale`, first options, texts."""
    values = {}
    for section in services.form_layout(evaluation):
        for item in section.items:
            question = item.question
            if question.kind == QuestionKind.SCALE_1_5:
                values[item.key] = [scale]
            elif question.kind.has_options:
                values[item.key] = [str(question.options[0].id)]
            elif question.text in report_section.TOPICS_QUESTION_TEXTS:
                values[item.key] = [f"{TOPIC}, KVKK"]
            else:
                values[item.key] = [comment]
    return values


@pytest.fixture
def answered_session(held_session):
    """answered(n, attendees=None) -> (session, admin, registrations): a closed session whose
    first `n` attendees answered (scales 5, 4, 4, 3, 5, ...)."""

    def make(n: int, attendees: int | None = None, comment: str = COMMENT, **fields):
        session, admin, registrations = held_session(
            statuses=("present",) * (attendees or n), **fields
        )
        close(session, admin)
        evaluation = services.evaluation_of(session)
        for k, registration in enumerate(registrations[:n]):
            scale = "54435"[k % 5]
            assert (
                services.submit_answers(
                    evaluation, registration.person, answers_for(evaluation, scale, comment)
                )
                == {}
            )
        db.session.commit()
        return session, admin, registrations

    return make


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _personal(registrations) -> list[str]:
    """What would join an answer to a person: names, e-mails and municipalities."""
    found = []
    for registration in registrations:
        person = registration.person
        found += [person.full_name, person.last_name, person.user.email]
    return found


def test_one_rule_decides_and_merges_small_groups():
    assert not results.is_shown(4) and results.is_shown(5) and not results.is_shown(None)
    lines = [
        results.GroupLine("A", responses=7, score_sum=28, score_count=7),
        results.GroupLine("B", responses=3, score_sum=15, score_count=3),
        results.GroupLine("C", responses=2, score_sum=4, score_count=2),
    ]
    merged = results.merge_small(lines, "Diğer")
    assert [(line.label, line.responses) for line in merged] == [("A", 7), ("Diğer", 5)]
    assert merged[0].mean == 4 and merged[1].mean == pytest.approx(19 / 5)
    assert results.merge_small(lines[1:2], "Diğer")[0].mean is None  # 3: still hidden


def test_a_session_of_four_answers_shows_nothing_broken_down(
    app, client, answered_session, make_user
):
    session, admin, registrations = answered_session(4, attendees=6)
    login(client, admin.email)

    page = _text(client.get(f"/evaluation/results/sessions/{session.id}"))
    assert HIDDEN in page
    assert "4 / 6" in page  # the response rate is not a breakdown of answers
    assert COMMENT not in page and "Eğitmen konuya hâkimdi" not in page
    # Exports of a hidden session carry no figure and no text.
    csv = client.get(f"/evaluation/results/sessions/{session.id}.csv").get_data(as_text=True)
    assert "Eğitimden genel olarak memnun kaldım" not in csv and COMMENT not in csv
    workbook = load_workbook(
        io.BytesIO(client.get(f"/evaluation/results/sessions/{session.id}.xlsx").data)
    )
    cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert COMMENT not in cells and "Eğitimden genel olarak memnun kaldım" not in cells
    # The course, its category, the year overview and the dashboard: the group is too small.
    year = session.starts_on.year
    course_page = _text(client.get(f"/evaluation/results/courses/{session.course_id}?year={year}"))
    assert HIDDEN in course_page and "Eğitimden genel olarak memnun kaldım" not in course_page
    category = session.course.category_id
    category_page = _text(client.get(f"/evaluation/results/categories/{category}?year={year}"))
    assert HIDDEN in category_page
    course_csv = client.get(f"/evaluation/results/courses/{session.course_id}.csv?year={year}")
    assert "4,40" not in course_csv.get_data(as_text=True)
    assert HIDDEN in _text(client.get(f"/evaluation/results/?year={year}"))
    dashboard = _text(client.get(f"/reports/?year={year}"))
    assert "Katılımcı değerlendirmeleri" in dashboard and HIDDEN in dashboard
    assert TOPIC not in dashboard
    # The trainer's own page: four answers about them, hidden too.
    trainer = session.trainers[0]
    trainer_page = _text(client.get(f"/evaluation/results/trainer?trainer={trainer.id}"))
    assert HIDDEN in trainer_page and "Eğitmen konuya hâkimdi" not in trainer_page


def test_five_answers_show_means_distributions_charts_and_texts_to_the_office(
    client, answered_session
):
    session, admin, registrations = answered_session(5, attendees=6)
    login(client, admin.email)

    page = _text(client.get(f"/evaluation/results/sessions/{session.id}"))
    assert HIDDEN not in page.split("Eğitimden genel olarak memnun kaldım")[1][:400]
    assert "5 / 6" in page and "%83,3" in page
    assert "4,20" in page  # (5 + 4 + 4 + 3 + 5) / 5
    assert "<svg" in page and 'role="img"' in page
    assert COMMENT in page
    for personal in _personal(registrations):
        assert personal not in page
    assert "Selçuklu" not in page

    csv = client.get(f"/evaluation/results/sessions/{session.id}.csv").get_data(as_text=True)
    assert "Eğitimden genel olarak memnun kaldım.;5;4,20;0;0;1;2;2" in csv
    xlsx = client.get(f"/evaluation/results/sessions/{session.id}.xlsx").data
    cells = [
        str(c)
        for sheet in load_workbook(io.BytesIO(xlsx))
        for row in sheet.iter_rows(values_only=True)
        for c in row
    ]
    assert COMMENT in cells
    for personal in [*_personal(registrations), "Selçuklu"]:
        assert personal not in csv and personal not in cells


def test_a_free_text_written_as_a_formula_stays_text_in_the_exports(client, answered_session):
    """A participant's comment is the participant's input: in the office's spreadsheet it must
    not run as a formula."""
    formula = '=HYPERLINK("http://example.org","tıkla")'
    session, admin, _registrations = answered_session(5, comment=formula)
    login(client, admin.email)

    csv = client.get(f"/evaluation/results/sessions/{session.id}.csv").get_data(as_text=True)
    cells = [cell.strip('"') for line in csv.splitlines() for cell in line.split(";")]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)

    xlsx = client.get(f"/evaluation/results/sessions/{session.id}.xlsx").data
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(name) for name in sheets)
    texts = [
        c
        for sheet in load_workbook(io.BytesIO(xlsx))
        for r in sheet.iter_rows(values_only=True)
        for c in r
    ]
    assert formula in texts


def test_the_trainer_sees_their_own_figures_without_free_texts(client, answered_session, make_user):
    session, admin, registrations = answered_session(5)
    trainer = session.trainers[0]
    login(client, trainer.user.email)

    page = _text(client.get("/evaluation/results/trainer"))
    assert "Eğitmen konuya hâkimdi" in page and "4,20" in page
    assert COMMENT not in page and TOPIC not in page
    # Not the course's own questions, nor another trainer's page, nor the office's pages.
    assert "Eğitimden genel olarak memnun kaldım" not in page
    other = make_user(Role.TRAINER, email="baska@example.org").person
    assert client.get(f"/evaluation/results/trainer?trainer={other.id}").status_code == 404
    assert client.get(f"/evaluation/results/sessions/{session.id}").status_code == 403
    csv = client.get("/evaluation/results/trainer.csv").get_data(as_text=True)
    assert "Eğitmen konuya hâkimdi" in csv and COMMENT not in csv


def test_the_coordinator_sees_the_rate_only_and_reminds_once_a_day(
    client, answered_session, make_user
):
    session, admin, registrations = answered_session(2, attendees=5)
    coordinator = make_user(Role.COORDINATOR, email="koord@example.org", coordinated="Selçuklu")
    login(client, coordinator.email)

    page = _text(client.get(f"/evaluation/results/municipality?year={session.starts_on.year}"))
    assert session.course.title in page and "%40,0" in page
    assert COMMENT not in page and "Eğitimden genel olarak memnun kaldım" not in page
    assert client.get(f"/evaluation/results/sessions/{session.id}").status_code == 403
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    answer = client.post(f"/evaluation/results/municipality/{session.id}/remind")
    assert answer.status_code == 302
    reminded = [r for r in registrations[2:] if len(mails_to(r.person.user.email)) == 2]
    assert len(reminded) == 3  # invitation, then the coordinator's reminder
    assert all(len(mails_to(r.person.user.email)) == 1 for r in registrations[:2])
    # A second click the same day sends nothing and says so.
    again = client.post(
        f"/evaluation/results/municipality/{session.id}/remind", follow_redirects=True
    )
    assert "bugün" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before + 3


def test_a_coordinator_cannot_remind_another_municipality(client, answered_session, make_user):
    session, _admin, registrations = answered_session(1, attendees=2)
    make_user(Role.COORDINATOR, email="ilgin@example.org", coordinated="Ilgın")
    login(client, "ilgin@example.org")
    page = _text(client.get(f"/evaluation/results/municipality?year={session.starts_on.year}"))
    assert session.course.title not in page
    answer = client.post(
        f"/evaluation/results/municipality/{session.id}/remind",
        data={"municipality": str(registrations[0].municipality_id)},
    )
    assert answer.status_code == 404


def _pairs(session, registrations, before, after):
    test = KnowledgeTest(course_id=session.course_id)
    db.session.add(test)
    db.session.flush()
    for registration, pre, post in zip(registrations, before, after, strict=True):
        for kind, score in ((AttemptKind.PRE, pre), (AttemptKind.POST, post)):
            db.session.add(
                TestAttempt(
                    test_id=test.id,
                    session_id=session.id,
                    person_id=registration.person_id,
                    kind=kind,
                    score=score,
                )
            )
    db.session.commit()


def test_learning_gain_of_five_pairs(client, answered_session):
    session, admin, registrations = answered_session(5)
    _pairs(session, registrations, [40, 50, 60, 70, 80], [60, 70, 60, 90, 100])
    gain = results.session_results(session).learning
    assert gain.pairs == 5 and gain.gain == pytest.approx(16) and gain.improved_share == 0.8
    login(client, admin.email)
    page = _text(client.get(f"/evaluation/results/sessions/{session.id}"))
    assert "Öğrenme kazanımı" in page and "16,0" in page and "%80,0" in page


def test_learning_gain_of_four_pairs_is_hidden(answered_session):
    session, _admin, registrations = answered_session(4)
    _pairs(session, registrations, [40, 50, 60, 70], [60, 70, 60, 90])
    gain = results.session_results(session).learning
    assert gain.pairs == 4 and gain.gain is None and gain.improved_share is None


def test_next_topics_are_grouped_the_turkish_way():
    topics = report_section.group_topics(
        [
            "İmar mevzuatı, KVKK",
            "imar mevzuati ve ihale",
            "IMAR MEVZUATI; ihale",
            "Kvkk",
            "",
        ]
    )
    assert topics[0] == ("İmar mevzuatı", 3)
    assert dict(topics)["KVKK"] == 2 and dict(topics)["ihale"] == 2


def test_the_yearly_report_pdf_has_the_evaluation_section(client, answered_session):
    session, admin, _registrations = answered_session(5)
    login(client, admin.email)
    answer = client.get(f"/reports/yearly-report.pdf?year={session.starts_on.year}")
    assert answer.status_code == 200
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(answer.data)).pages
    )
    assert "Katılımcı değerlendirmeleri" in text
    assert "Memnuniyet (kategoriye göre)" in text
    assert TOPIC in text  # the union's report lists the most asked-for topics
    assert COMMENT not in text


def _count_queries(call) -> int:
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return counter["n"]


def test_results_run_a_fixed_number_of_queries_whatever_the_answers(answered_session):
    small, _admin, _registrations = answered_session(5)
    course = small.course
    year = small.starts_on.year
    start, end = small.starts_on.replace(month=1, day=1), small.starts_on.replace(month=12, day=31)

    def run_all():
        db.session.expire_all()
        results.session_results(small, with_texts=True)
        group_results.course_results(course, year)
        report_section.report_section(start, end)

    first = _count_queries(run_all)
    # More answers, in a second session of the same course and a second trainer question.
    answered_session(7, course=course)
    assert _count_queries(run_all) == first


def test_answers_of_a_trainer_question_name_no_participant(answered_session):
    session, _admin, registrations = answered_session(5)
    data = results.session_results(session, with_texts=True)
    trainer_lines = [line for line in data.scale if session.trainers[0].full_name in line.label]
    assert trainer_lines and all(line.count == 5 for line in trainer_lines)
    labels = " ".join(line.label for line in data.scale) + " ".join(
        text for group in data.texts for text in group.texts
    )
    for personal in _personal(registrations):
        assert personal not in labels


def test_the_year_bounds_are_checked(client, make_user):
    admin = make_user(Role.ADMIN, email="ofis@example.org")
    login(client, admin.email)
    assert client.get("/evaluation/results/?year=1999").status_code == 404
    assert client.get("/evaluation/results/?year=٢٠٢٦").status_code == 404
    next_year = (local_today() + timedelta(days=366)).year
    assert client.get(f"/evaluation/results/?year={next_year}").status_code == 200


def test_demo_data_has_answered_evaluations_shown_at_once_and_is_idempotent(app):
    from training_app.demo import load_demo_data
    from training_app.demo.evaluation import load_demo_evaluations
    from training_app.evaluation.models import Response

    first = load_demo_data()
    assert first["evaluation_responses_added"] > 0 and first["test_attempts_added"] > 0
    assert load_demo_evaluations() == {"evaluation_responses_added": 0, "test_attempts_added": 0}
    assert (
        db.session.scalar(select(func.count()).select_from(Response))
        == first["evaluation_responses_added"]
    )
    sessions = db.session.scalars(
        select(Session).where(Session.status == SessionStatus.COMPLETED)
    ).all()
    shown = [results.session_results(s, with_texts=True) for s in sessions]
    assert any(r.shown and r.texts and r.scale[0].mean for r in shown)
    assert any(r.learning.shown and r.learning.gain > 0 for r in shown)
    year = max(s.starts_on for s in sessions)
    section = report_section.report_section(
        year.replace(month=1, day=1), year.replace(month=12, day=31)
    )
    assert section.total.shown and section.topics


def test_a_coordinator_sees_the_response_rate_in_reports_but_no_answer(
    client, answered_session, make_user
):
    session, _admin, _registrations = answered_session(5, attendees=6)
    make_user(Role.COORDINATOR, email="koord2@example.org", coordinated="Selçuklu")
    login(client, "koord2@example.org")
    year = session.starts_on.year
    page = _text(client.get(f"/reports/?year={year}"))
    section = page.split('id="evaluations-heading"')[1]
    assert "Katılımcı değerlendirmeleri" in page and "%83,3" in section
    assert "Ortalama puan" not in section and "Memnuniyet" not in section
    assert "4,20" not in section and TOPIC not in section
    answer = client.get(f"/reports/yearly-report.pdf?year={year}")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(answer.data)).pages
    )
    assert "Katılımcı değerlendirmeleri" in text and "%83,3" in text
    assert "Memnuniyet (kategoriye göre)" not in text and "Ortalama puan" not in text
