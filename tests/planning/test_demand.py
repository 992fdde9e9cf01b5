"""Consolidated demand: Turkish-aware grouping of free-text topics, the office's mappings and
merges, counts, order and exports."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from training_app.accounts.models import Position
from training_app.core.errors import DomainError
from training_app.extensions import db
from training_app.planning import demand
from training_app.planning.models import Priority


@pytest.fixture
def answered(open_call, coordinator, submit_need):
    """Four municipalities writing the same topics differently, one of them a course."""
    call = open_call()
    wordings = {
        "Ilgın": "İmar Mevzuatı",
        "Çumra": "imar mevzuati",
        "Meram": "IMAR MEVZUATI ",
        "Karatay": "İmar mevzuatı",
    }
    for name, topic in wordings.items():
        submit_need(call, coordinator(name), topic=topic, people=3, priority=Priority.HIGH)
    submit_need(call, coordinator("Ilgın"), topic="Kamu ihale kanunu", people=2)
    submit_need(call, coordinator("Çumra"), topic="4734 sayılı ihale kanunu", people=10)
    submit_need(
        call,
        coordinator("Meram"),
        topic="Arşiv",
        people=1,
        positions=(Position.UNIT_HEAD,),
        priority=Priority.LOW,
    )
    submit_need(call, coordinator("Meram"), topic="Taslak konu", people=50, submit=False)
    return call


def test_free_text_topics_group_the_turkish_way_and_sort_by_demand(answered):
    topics = demand.consolidated_demand(answered).topics
    assert [(t.label, t.municipalities, t.people) for t in topics] == [
        ("İmar Mevzuatı", 4, 12),
        ("4734 sayılı ihale kanunu", 1, 10),
        ("Kamu ihale kanunu", 1, 2),
        ("Arşiv", 1, 1),
    ]
    imar = topics[0]
    assert imar.priorities["high"] == 4
    assert len(imar.variant_list) == 4  # every wording is shown to the office


def test_the_office_merges_a_topic_and_maps_one_to_a_course(answered, make_course, office):
    course = make_course(title="4734 Sayılı Kamu İhale Kanunu", code="IHL-101")
    topics = {t.label: t for t in demand.consolidated_demand(answered).topics}
    demand.map_topic(
        topics["4734 sayılı ihale kanunu"].key.removeprefix("topic:"), course.id, None, office
    )
    demand.map_topic(
        topics["Kamu ihale kanunu"].key.removeprefix("topic:"),
        None,
        topics["4734 sayılı ihale kanunu"].key,
        office,
    )
    db.session.commit()
    merged = demand.consolidated_demand(answered).topics
    assert [(t.label, t.course_code, t.municipalities, t.people) for t in merged[:2]] == [
        ("İmar Mevzuatı", None, 4, 12),
        ("4734 Sayılı Kamu İhale Kanunu", "IHL-101", 2, 12),
    ]
    with pytest.raises(DomainError):
        key = topics["Arşiv"].key
        demand.map_topic(key.removeprefix("topic:"), None, key, office)


def test_demand_by_municipality(answered):
    lines = {m.name: m for m in demand.consolidated_demand(answered).municipalities}
    assert (lines["Çumra"].needs, lines["Çumra"].people, lines["Çumra"].high) == (2, 13, 1)
    assert lines["Meram"].people == 4  # the draft does not count


def test_exports_neutralise_formulas(client, open_call, coordinator, submit_need, office):
    call = open_call()
    submit_need(call, coordinator("Ilgın"), topic='=HYPERLINK("http://x")', people=2)
    login(client, office.email)
    csv = client.get(f"/admin/planning/calls/{call.id}/demand.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv
    assert "Konu" in csv.splitlines()[0]
    response = client.get(f"/admin/planning/calls/{call.id}/demand.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
