"""Plan against delivery: per line, lines not delivered, sessions outside the plan, the
coordinator's needs against attendance, exports, the yearly report, fixed query counts."""

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import login, municipality
from tests.planning.conftest import count_queries, line_details
from tests.reports.conftest import LAST_YEAR, Attendee
from training_app.accounts.models import Position
from training_app.extensions import db
from training_app.planning import delivery, demand, needs, plans
from training_app.planning.needs import NeedDetails
from training_app.reports import yearly
from training_app.reports.services import Scope

ST, MY = Position.STAFF, Position.MAYOR
P, A = ("present",), ("absent",)


def _plan_with_deliveries(hold, office):
    """Two lines: the first delivered by one session (three people of two municipalities, one
    below the minimum attendance), the second not delivered; a session outside the plan."""
    delivered = hold(
        [
            Attendee("Ilgın", ST, (P, P)),
            Attendee("Çumra", MY, (P, P)),
            Attendee("Ilgın", ST, (A, A)),
        ],
        month=3,
        hours=(3, 3),
    )
    other = hold([Attendee("Meram", ST, (P, P))], category="Başka", month=6)
    outside = hold([Attendee("Meram", ST, (P, P))], category="Plan dışı", month=7)
    plan = plans.create_plan(LAST_YEAR, office)
    first = plans.add_line(
        plan, line_details(delivered.session.course, month=3, capacity=40, sessions=2), office
    )
    plans.add_line(plan, line_details(other.session.course, month=6), office)
    plans.approve_plan(plan, date(LAST_YEAR - 1, 11, 20), "45", office)
    delivered.session.plan_line_id = first.id
    db.session.commit()
    return plan, delivered, other, outside


def test_each_line_against_what_was_delivered(app, hold, office):
    plan, delivered, other, outside = _plan_with_deliveries(hold, office)
    data = delivery.plan_delivery(LAST_YEAR)
    first, second = data.lines
    assert (first.held, first.people, first.municipalities, first.participant_hours) == (
        1,
        2,
        2,
        12.0,
    )
    assert first.satisfaction is None  # nobody answered the evaluation
    assert not second.delivered and [ln.course_title for ln in data.not_delivered] == [
        second.course_title
    ]
    # The session of the second line's course was held but not linked: outside the plan.
    assert {s.session_id for s in data.outside} == {other.session.id, outside.session.id}


def _answer(evaluation, score):
    """One anonymous response of `evaluation` to the questionnaire's first 1-5 question."""
    from training_app.evaluation.models import Answer, QuestionKind, Response

    question = next(
        q
        for section in evaluation.questionnaire.sections
        for q in section.questions
        if q.kind == QuestionKind.SCALE_1_5
    )
    response = Response(
        evaluation=evaluation,
        questionnaire_id=evaluation.questionnaire_id,
        submitted_on=date.today(),
    )
    db.session.add_all([response, Answer(response=response, question=question, scale_value=score)])
    db.session.commit()


def test_a_line_shows_satisfaction_from_five_answers_only(app, hold, office):
    from training_app.evaluation.default_questionnaire import ensure_default_questionnaire
    from training_app.evaluation.editor import default_questionnaire
    from training_app.evaluation.services import evaluation_of

    _plan, delivered, _other, _outside = _plan_with_deliveries(hold, office)
    ensure_default_questionnaire()
    evaluation = evaluation_of(delivered.session)  # made when the session was closed
    evaluation.questionnaire = evaluation.questionnaire or default_questionnaire()
    db.session.flush()
    for score in (5, 4, 4, 3):
        _answer(evaluation, score)
    assert delivery.plan_delivery(LAST_YEAR).lines[0].satisfaction is None  # 4 answers: hidden
    _answer(evaluation, 5)
    assert delivery.plan_delivery(LAST_YEAR).lines[0].satisfaction == 4.2


def test_a_revision_keeps_the_delivery_of_its_lines(app, hold, office):
    plan, delivered, _other, _outside = _plan_with_deliveries(hold, office)
    revision = plans.revise_plan(plan, "Yıl içi revizyon", office)
    plans.approve_plan(revision, date(LAST_YEAR, 6, 1), "46", office)
    db.session.commit()
    first = delivery.plan_delivery(LAST_YEAR).lines[0]
    assert first.line_id != delivered.session.plan_line_id and first.held == 1


def test_the_office_page_exports_and_the_yearly_report(app, client, hold, office):
    _plan_with_deliveries(hold, office)
    login(client, office.email)
    page = client.get(f"/admin/planning/delivery?year={LAST_YEAR}").get_data(as_text=True)
    assert "gerçekleşmedi" in page and "Plan dışı gerçekleşen eğitimler" in page
    dashboard = client.get(f"/reports/?year={LAST_YEAR}").get_data(as_text=True)
    assert "Planlanan 3 eğitim döneminden 1 tanesi gerçekleşti" in dashboard
    workbook = load_workbook(
        io.BytesIO(client.get(f"/admin/planning/delivery.xlsx?year={LAST_YEAR}").data)
    )
    assert workbook.sheetnames == ["Plan ve gerçekleşme", "Plan dışı gerçekleşen eğitimler"]
    assert workbook.worksheets[0].cell(row=2, column=8).value == 1
    with app.test_request_context():
        pdf = yearly.render(LAST_YEAR, Scope())
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Plan ve gerçekleşme" in text and "Gerçekleşmeyen plan kalemleri" in text


def test_a_coordinator_sees_their_needs_against_what_their_people_attended(
    app, client, hold, office, coordinator
):
    held = hold([Attendee("Ilgın", ST, (P, P)), Attendee("Ilgın", ST, (P, P))], month=4)
    call = needs.NeedsCall(year=LAST_YEAR, deadline=date(LAST_YEAR, 1, 1))
    db.session.add(call)
    ilgin = coordinator("Ilgın")
    for topic, course_id in ((None, held.session.course_id), ("Protokol kuralları", None)):
        need = needs.Need(
            call=call,
            municipality_id=municipality("Ilgın").id,
            topic=topic or held.session.course.title,
            course_id=course_id,
            people_count=5,
        )
        need.submit()
        db.session.add(need)
    db.session.commit()
    login(client, ilgin.email)
    page = client.get(f"/needs/attended/{municipality('Ilgın').id}?year={LAST_YEAR}").get_data(
        as_text=True
    )
    rows = delivery.municipality_needs_against_attendance(LAST_YEAR, municipality("Ilgın").id)
    assert [(r.people_needed, r.people_attended) for r in rows] == [(5, 2), (5, None)]
    assert "Protokol kuralları" in page
    assert client.get(f"/needs/attended/{municipality('Meram').id}").status_code == 404


def test_fixed_query_counts_whatever_the_size(app, hold, office, open_call, coordinator):
    call = open_call(year=LAST_YEAR + 2)

    def add_needs(names, n):
        for name in names:
            user = coordinator(name)
            for i in range(n):
                needs.save_need(
                    call,
                    municipality(name).id,
                    NeedDetails(topic=f"Konu {i}", people_count=i + 1, positions=[ST, MY]),
                    True,
                    call.deadline,
                    user,
                )
        db.session.commit()

    add_needs(["Ilgın"], 2)
    db.session.expire_all()
    with count_queries() as small:
        demand.consolidated_demand(call)
    add_needs(["Çumra", "Meram", "Karatay"], 15)
    db.session.expire_all()
    with count_queries() as large:
        demand.consolidated_demand(call)
    assert len(small) == len(large) == 6

    _plan_with_deliveries(hold, office)
    db.session.expire_all()
    with count_queries() as few:
        delivery.plan_delivery(LAST_YEAR)
    for month in (8, 9, 10):
        held = hold(
            [Attendee("Meram", ST, (P, P)), Attendee("Ilgın", MY, (P, A))],
            category=f"Kategori {month}",
            month=month,
        )
        held.session.plan_line_id = plans.approved_plan(LAST_YEAR).lines[0].id
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        delivery.plan_delivery(LAST_YEAR)
    assert len(few) == len(many) == 6  # five for delivery, one for satisfaction
