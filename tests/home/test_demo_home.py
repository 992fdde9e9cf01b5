"""On a fresh `flask demo` each home page has its work: the demo participant an evaluation
waiting (a closed session they attended, not yet answered) and their next training, the demo
trainer a meeting today with "Yoklama al"; running the demo again changes nothing."""

import re

from sqlalchemy import func, select

from tests.conftest import login
from training_app.demo.people import DEMO_PASSWORD
from training_app.evaluation.models import EvaluationReceipt, Response
from training_app.extensions import db

PARTICIPANT = "katilimci@kbb-demo.example.org"


def _counts():
    return (
        db.session.scalar(select(func.count(Response.id))),
        db.session.scalar(select(func.count()).select_from(EvaluationReceipt)),
    )


def test_demo_participant_finds_an_evaluation_to_answer_after_two_runs(runner, client):
    assert runner.invoke(args=["demo"]).exit_code == 0
    after_first = _counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == after_first
    login(client, PARTICIPANT, DEMO_PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "Eğitimlerinizi değerlendirin" in page
    assert "Eğitimi değerlendirin" in page
    box = page[page.index('id="evaluations-waiting"') :].split("</section>", 1)[0]
    links = re.findall(r'href="(/evaluation/\d+)"', box)
    assert len(links) == 1, box
    # The link lands on the questionnaire, ready to be answered.
    form = client.get(links[0])
    assert form.status_code == 200
    assert 'method="post"' in form.get_data(as_text=True)


def test_demo_trainer_takes_a_roll_call_today_and_participant_sees_the_next_training(
    runner, client
):
    assert runner.invoke(args=["demo"]).exit_code == 0
    login(client, "egitmen@kbb-demo.example.org", DEMO_PASSWORD)
    page = client.get("/").get_data(as_text=True)
    roll_call = re.search(r'href="([^"]+)"[^>]*>\s*Yoklama al', page)
    assert roll_call, page
    assert client.get(roll_call.group(1)).status_code == 200
    client.post("/logout")
    login(client, PARTICIPANT, DEMO_PASSWORD)
    assert "Sıradaki eğitiminiz" in client.get("/").get_data(as_text=True)


def test_office_home_shows_how_far_the_open_needs_call_is(runner, client):
    from training_app.core.timeutil import local_today
    from training_app.planning import needs

    assert runner.invoke(args=["demo"]).exit_code == 0
    (row,) = needs.office_progress(local_today())
    login(client, "admin@kbb-demo.example.org", DEMO_PASSWORD)
    page = client.get("/").get_data(as_text=True)
    text = (
        f"{row['call'].year} eğitim ihtiyaç analizi: yanıtlayan belediye "
        f"{row['answered']} / {row['total']}"
    )
    assert text in page
    link = re.search(r'href="(/admin/planning/calls/\d+)"[^>]*>' + re.escape(text), page)
    assert link and client.get(link.group(1)).status_code == 200
    client.post("/logout")
    login(client, "koordinator.selcuklu@kbb-demo.example.org", DEMO_PASSWORD)
    assert "yanıtlayan belediye" not in client.get("/").get_data(as_text=True)
