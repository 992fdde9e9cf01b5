"""The annual plan: built from the demand, approved with the decision, never edited once
approved, revised into a new version with a reason, audited; published page, PDF, the public
"planned" list and sessions created from a line."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import login
from tests.planning.conftest import NEXT_YEAR, line_details
from training_app.catalog.models import Session
from training_app.core.errors import DomainError, InvalidTransition
from training_app.core.models import AuditEntry
from training_app.extensions import db
from training_app.planning import demand, plans
from training_app.planning.models import PlanStatus


def test_a_plan_is_built_from_the_demand(open_call, coordinator, submit_need, make_course, office):
    course = make_course(title="Afet ve Acil Durum Yönetimi")
    call = open_call()
    for name, people in (("Ilgın", 20), ("Çumra", 25)):
        submit_need(
            call, coordinator(name), topic=None, course_id=course.id, people=people, months=[4]
        )
    submit_need(call, coordinator("Meram"), topic="Yeni bir konu", people=3)
    plan = plans.create_plan(NEXT_YEAR, office)
    added = plans.add_lines_from_demand(plan, demand.consolidated_demand(call).topics, office)
    db.session.commit()
    assert added == 1  # the free-text topic waits until the office maps it to a course
    [line] = plan.lines
    assert (line.course_id, line.month, line.planned_capacity, line.planned_sessions) == (
        course.id,
        4,
        45,
        2,
    )
    assert len(line.municipality_ids) == 2


def test_approval_needs_the_decision_and_an_approved_plan_is_not_edited(make_course, office):
    course = make_course()
    plan = plans.create_plan(NEXT_YEAR, office)
    with pytest.raises(InvalidTransition):
        plans.approve_plan(plan, date(2026, 11, 20), "2026/45", office)
    line = plans.add_line(plan, line_details(course), office)
    with pytest.raises(DomainError) as no_number:
        plans.approve_plan(plan, date(2026, 11, 20), " ", office)
    assert no_number.value.field == "decision_number"
    with pytest.raises(DomainError) as no_date:
        plans.approve_plan(plan, None, "2026/45", office)
    assert no_date.value.field == "decision_date"
    plans.approve_plan(plan, date(2026, 11, 20), "2026/45", office)
    db.session.commit()
    assert plan.status == PlanStatus.APPROVED
    for change in (
        lambda: plans.add_line(plan, line_details(course), office),
        lambda: plans.update_line(line, line_details(course, month=5), office),
        lambda: plans.delete_line(line, office),
    ):
        with pytest.raises(InvalidTransition):
            change()
        db.session.rollback()
    assert [ln.month for ln in plan.lines] == [3]


def test_an_approved_plan_is_edited_through_the_form_never(
    client, make_course, approved_plan, office
):
    course = make_course()
    plan = approved_plan(NEXT_YEAR, [course])
    login(client, office.email)
    line = plan.lines[0]
    response = client.post(
        f"/admin/planning/lines/{line.id}",
        data={
            "course_id": course.id,
            "month": 9,
            "city": "Konya",
            "planned_sessions": 1,
            "planned_capacity": 10,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert line.month == 1  # the approved_plan fixture plans January


def test_revising_makes_a_new_version_and_approving_it_supersedes_the_old(
    make_course, approved_plan, office
):
    first, second = make_course(title="Birinci"), make_course(title="İkinci")
    plan = approved_plan(NEXT_YEAR, [first])
    with pytest.raises(DomainError) as no_reason:
        plans.revise_plan(plan, "", office)
    assert no_reason.value.field == "reason"
    plans.revise_plan(plan, "Bütçe değişikliği", office)
    db.session.commit()
    with pytest.raises(DomainError):
        plans.revise_plan(plan, "İkinci revizyon", office)  # one draft at a time
    db.session.rollback()
    revision = plans.draft_plan(NEXT_YEAR)
    assert (revision.version, revision.revision_reason) == (2, "Bütçe değişikliği")
    assert revision.lines[0].origin_id == plan.lines[0].id
    plans.add_line(revision, line_details(second, month=6), office)
    plans.approve_plan(revision, date(NEXT_YEAR, 2, 10), "2027/8", office)
    db.session.commit()
    assert plan.status == PlanStatus.SUPERSEDED
    assert plans.approved_plan(NEXT_YEAR) == revision
    actions = [a for a in db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))]
    for expected in (
        "plan.create",
        "plan_line.create",
        "plan.approve",
        "plan.revise",
        "plan.supersede",
    ):
        assert expected in actions


def test_the_published_page_and_pdf_month_by_month(client, make_course, approved_plan):
    plan = approved_plan(
        NEXT_YEAR, [make_course(title="İhale Mevzuatı"), make_course(title="Çevre Yönetimi")]
    )
    page = client.get(f"/plan/{NEXT_YEAR}").get_data(as_text=True)
    assert f"{NEXT_YEAR} Yıllık Eğitim Planı" in page
    assert "Ocak" in page and "Şubat" in page
    assert f"20 Kasım {NEXT_YEAR - 1} tarih ve 2026/45 sayılı kararla" in page
    response = client.get(f"/plan/{NEXT_YEAR}.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Ocak" in text and "Şubat" in text and "Çevre Yönetimi" in text
    assert f"20 Kasım {NEXT_YEAR - 1}" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for p in reader.pages
        for font in p["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in name for name in fonts)
    assert plan.year == NEXT_YEAR
    assert client.get(f"/plan/{NEXT_YEAR + 1}").status_code == 404


def test_a_session_from_a_line_is_prefilled_linked_and_leaves_the_planned_list(
    client, make_course, approved_plan, office
):
    course = make_course(title="Afet ve Acil Durum Yönetimi")
    plan = approved_plan(NEXT_YEAR, [course])
    line = plan.lines[0]
    planned = client.get("/planned").get_data(as_text=True)
    assert "Afet ve Acil Durum Yönetimi" in planned
    login(client, office.email)
    form = client.get(f"/admin/planning/lines/{line.id}/session").get_data(as_text=True)
    assert f'value="01.01.{NEXT_YEAR}"' in form and 'value="30"' in form and 'value="Konya"' in form
    day = date(NEXT_YEAR, 1, 12)
    response = client.post(
        f"/admin/planning/lines/{line.id}/session",
        data={
            "starts_on": day.isoformat(),
            "ends_on": (day + timedelta(days=1)).isoformat(),
            "city": "Konya",
            "capacity": 30,
            "requires_approval": "y",
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(select(Session))
    assert session.plan_line_id == line.id and session.course_id == course.id
    assert "Afet ve Acil Durum Yönetimi" not in client.get("/planned").get_data(as_text=True)


def test_deleting_a_course_used_by_a_plan_or_a_need_is_refused_with_where(
    client, make_course, approved_plan, open_call, coordinator, submit_need, office
):
    planned, needed, free = make_course(), make_course(), make_course()
    approved_plan(NEXT_YEAR, [planned])
    submit_need(open_call(), coordinator("Ilgın"), topic=None, course_id=needed.id)
    login(client, office.email)
    page = client.post(
        f"/admin/catalogue/courses/{planned.id}/delete", follow_redirects=True
    ).get_data(as_text=True)
    assert "Bu eğitim silinemez" in page and f"{NEXT_YEAR} planının bir kalemi" in page
    page = client.post(
        f"/admin/catalogue/courses/{needed.id}/delete", follow_redirects=True
    ).get_data(as_text=True)
    assert f"{NEXT_YEAR} ihtiyaç analizinde 1 ihtiyaç" in page
    client.post(f"/admin/catalogue/courses/{free.id}/delete")
    db.session.expire_all()
    from training_app.catalog.models import Course

    assert {c.id for c in db.session.scalars(select(Course))} == {planned.id, needed.id}
