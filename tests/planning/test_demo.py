"""The demo planning data: this year's call answered by most members, an approved plan partly
delivered by the demo sessions."""

from sqlalchemy import func, select

from training_app.core.timeutil import local_today
from training_app.demo import load_demo_data
from training_app.extensions import db
from training_app.municipalities.services import member_municipalities
from training_app.planning import delivery, demand, needs, plans
from training_app.planning.models import NeedsCall


def test_demo_call_plan_and_delivery(app, client):
    first = load_demo_data()
    db.session.commit()
    year = local_today().year
    call = db.session.scalar(select(NeedsCall).where(NeedsCall.year == year))
    answered = [a for a in needs.answers(call) if a.has_answered]
    assert len(answered) > len(member_municipalities()) * 3 // 4
    topics = demand.consolidated_demand(call).topics
    assert any(t.label == "Stratejik planlama" and len(t.variant_list) > 1 for t in topics)
    plan = plans.approved_plan(year)
    data = delivery.plan_delivery(year)
    assert data.plan == plan and first["plan_lines_added"] == len(data.lines)
    assert any(line.held for line in data.lines)
    assert data.not_delivered and data.outside
    assert client.get(f"/plan/{year}").status_code == 200
    again = load_demo_data()
    db.session.commit()
    assert again["needs_added"] == 0 and again["needs_calls_opened"] == 0
    # This year's call, and next year's, open for the demo's coordinators to answer.
    assert db.session.scalar(select(func.count(NeedsCall.id))) == 2
    assert [c.year for c in needs.open_calls(local_today())] == [year + 1]
