"""The needs call: opening, answering for one's own municipalities, drafts and submission,
the deadline, reopening, who has answered and reminders."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login, municipality
from tests.planning.conftest import NEXT_YEAR, need_details
from training_app.core.errors import DomainError, InvalidTransition, NotAllowed
from training_app.core.models import AuditEntry, OutboxMessage
from training_app.core.timeutil import local_today
from training_app.extensions import db
from training_app.planning import needs
from training_app.planning.models import Need, NeedStatus


def mails_to(address):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def test_opening_a_call_mails_every_coordinator_and_puts_a_task_on_their_home_page(
    client, coordinator, open_call
):
    ilgin, cumra = coordinator("Ilgın"), coordinator("Çumra")
    call = open_call(message="Lütfen birimlerinize danışın.")

    for user, name in ((ilgin, "Ilgın"), (cumra, "Çumra")):
        [mail] = mails_to(user.email)
        assert f"Eğitim ihtiyaç analizi {NEXT_YEAR}" in mail.subject
        assert name in mail.body_text
        assert "Lütfen birimlerinize danışın." in mail.body_text
        assert f"/needs/{call.id}/{municipality(name).id}" in mail.body_text
    login(client, ilgin.email)
    page = client.get("/").get_data(as_text=True)
    assert f"{NEXT_YEAR} eğitim ihtiyaçlarını girin: Ilgın" in page
    assert "Çumra" not in page


def test_a_call_per_year_and_no_deadline_in_the_past(open_call, office):
    open_call()
    with pytest.raises(DomainError) as twice:
        needs.open_call(NEXT_YEAR, local_today() + timedelta(days=3), None, local_today(), office)
    assert twice.value.field == "year"
    with pytest.raises(DomainError) as past:
        needs.open_call(
            NEXT_YEAR + 1, local_today() - timedelta(days=1), None, local_today(), office
        )
    assert past.value.field == "deadline"


def test_a_coordinator_answers_only_for_their_own_municipalities(open_call, coordinator):
    call = open_call()
    ilgin = coordinator("Ilgın")
    with pytest.raises(NotAllowed):
        needs.save_need(call, municipality("Çumra").id, need_details(), True, local_today(), ilgin)
    assert db.session.scalar(select(Need)) is None


def test_coordinator_pages_of_another_municipality_are_not_found(client, open_call, coordinator):
    call = open_call()
    coordinator("Çumra")
    ilgin = coordinator("Ilgın")
    login(client, ilgin.email)
    cumra_id = municipality("Çumra").id
    assert client.get(f"/needs/{call.id}/{cumra_id}").status_code == 404
    response = client.post(
        f"/needs/{call.id}/{cumra_id}/new",
        data={"topic": "Arşiv", "people_count": 3, "positions": ["staff"], "submit": "1"},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(Need)) is None


@pytest.mark.parametrize(
    ("people", "positions", "field", "words"),
    [
        (0, ["staff"], "people_count", "Kişi sayısı"),
        (None, ["staff"], "people_count", "Kişi sayısı"),
        (4, [], "positions", "İlgili görevler"),
    ],
)
def test_a_need_without_people_or_positions_is_refused_naming_the_field(
    client, open_call, coordinator, people, positions, field, words
):
    call = open_call()
    ilgin = coordinator("Ilgın")
    login(client, ilgin.email)
    data = {"topic": "Arşiv yönetimi", "positions": positions, "submit": "1"}
    if people is not None:
        data["people_count"] = people
    response = client.post(f"/needs/{call.id}/{municipality('Ilgın').id}/new", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert words in page
    assert db.session.scalar(select(Need)) is None


def test_a_draft_may_be_incomplete_but_is_submitted_only_when_complete(
    open_call, coordinator, submit_need
):
    call = open_call()
    ilgin = coordinator("Ilgın")
    draft = submit_need(call, ilgin, submit=False, people=0, positions=())
    assert draft.status == NeedStatus.DRAFT
    with pytest.raises(DomainError) as refused:
        needs.submit_drafts(call, draft.municipality_id, local_today(), ilgin)
    assert refused.value.field == "people_count"
    db.session.rollback()

    needs.save_need(
        call, draft.municipality_id, need_details(people=6), False, local_today(), ilgin, draft
    )
    assert needs.submit_drafts(call, draft.municipality_id, local_today(), ilgin) == 1
    db.session.commit()
    assert draft.status == NeedStatus.SUBMITTED and draft.submitted_at is not None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"need.create", "need.update", "need.submit"} <= actions


def test_after_the_deadline_the_form_is_read_only_until_the_office_reopens(
    client, open_call, coordinator, submit_need, office
):
    call = open_call()
    ilgin = coordinator("Ilgın")
    need = submit_need(call, ilgin, people=5)
    call.deadline = local_today() - timedelta(days=1)
    db.session.commit()

    login(client, ilgin.email)
    page = client.get(f"/needs/edit/{need.id}").get_data(as_text=True)
    assert "artık değiştirilemez" in page
    assert "<fieldset disabled>" in page
    response = client.post(
        f"/needs/edit/{need.id}",
        data={"topic": "Başka", "people_count": 9, "positions": ["staff"], "submit": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert need.people_count == 5
    with pytest.raises(InvalidTransition):
        needs.save_need(call, need.municipality_id, need_details(), True, local_today(), ilgin)
    db.session.rollback()

    needs.reopen_call(call, local_today() + timedelta(days=7), local_today(), office)
    db.session.commit()
    needs.save_need(
        call, need.municipality_id, need_details(people=9), True, local_today(), ilgin, need
    )
    db.session.commit()
    assert need.people_count == 9


def test_who_has_answered_and_a_reminder_only_to_the_others(
    client, open_call, coordinator, submit_need, office
):
    call = open_call()
    ilgin, cumra, meram = coordinator("Ilgın"), coordinator("Çumra"), coordinator("Meram")
    submit_need(call, ilgin)
    submit_need(call, cumra, submit=False)  # a draft is not an answer
    answered = {a.municipality.name for a in needs.answers(call) if a.has_answered}
    assert answered == {"Ilgın"}

    login(client, office.email)
    page = client.get(f"/admin/planning/calls/{call.id}").get_data(as_text=True)
    assert "1 / " not in page and "Yanıtladı" in page
    before = {u.email: len(mails_to(u.email)) for u in (ilgin, cumra, meram)}
    client.post(f"/admin/planning/calls/{call.id}/remind")
    after = {u.email: len(mails_to(u.email)) for u in (ilgin, cumra, meram)}
    assert after[ilgin.email] == before[ilgin.email]
    assert after[cumra.email] == before[cumra.email] + 1
    assert after[meram.email] == before[meram.email] + 1
    reminder = mails_to(meram.email)[-1]
    assert "Hatırlatma" in reminder.subject and "Meram" in reminder.body_text
    # One click twice the same day mails nobody twice.
    client.post(f"/admin/planning/calls/{call.id}/remind")
    assert len(mails_to(meram.email)) == after[meram.email]
