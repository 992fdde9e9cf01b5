"""A person held back by their municipality's quota is told so, and quota use is shown before
applying or nominating (issue 12, operations 3)."""

from sqlalchemy import select

from tests.conftest import login
from training_app.accounts.models import Role
from training_app.core.models import OutboxMessage
from training_app.enrollment.models import RegistrationStatus as S
from training_app.extensions import db


def _bodies(user) -> str:
    return "\n".join(
        db.session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.recipient == user.email)
        )
    )


def test_waitlisted_by_a_full_quota_while_seats_are_free_is_told_about_the_quota(
    client, make_session, participant, enrol
):
    session = make_session(capacity=5, municipality_quota=1, requires_approval=False)
    enrol(participant("Ilgın"), session)
    second = participant("Ilgın")
    login(client, second.email)
    page = client.post(f"/sessions/{session.id}/apply", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Belediyenizin bu eğitim dönemi için kontenjanı dolu (1/1 kullanıldı)" in page
    assert "Kontenjan dolu: yedek listede" not in page
    assert "yedek listede 1. sıradasınız" in page
    # The session page and My trainings say why, and the mail too.
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Belediyenizin kontenjanı: 1/1 kullanıldı" in page
    assert "Belediyenizin kontenjanı dolu: belediyenizden biri vazgeçerse" in page
    page = client.get("/my/trainings").get_data(as_text=True)
    assert "Belediyenizin kontenjanı dolu: belediyenizden biri vazgeçerse" in page
    body = _bodies(second)
    assert "belediyenizin kontenjanı dolu" in body.lower()
    assert "eğitiminin kontenjanı dolu" not in body


def test_waitlisted_because_the_session_is_full_is_told_the_session_is_full(
    client, make_session, participant, enrol
):
    session = make_session(capacity=1, municipality_quota=3, requires_approval=False)
    enrol(participant("Meram"), session)
    second = participant("Ilgın")
    login(client, second.email)
    page = client.post(f"/sessions/{session.id}/apply", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Kontenjan dolu: yedek listede 1. sıradasınız." in page
    assert "Belediyenizin bu eğitim dönemi için kontenjanı dolu" not in page
    assert "Belediyenizin kontenjanı: 0/3 kullanıldı" in page
    assert "Belediyenizin kontenjanı dolu" not in page


def test_quota_use_is_shown_before_applying_to_people_of_that_municipality_only(
    client, make_session, participant, enrol
):
    session = make_session(capacity=10, municipality_quota=3, requires_approval=False)
    enrol(participant("Ilgın"), session)
    enrol(participant("Ilgın"), session)
    login(client, participant("Ilgın").email)
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Belediyenizin kontenjanı: 2/3 kullanıldı" in page
    assert "Başvur" in page
    client.post("/logout")
    login(client, participant("Meram").email)
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Belediyenizin kontenjanı: 0/3 kullanıldı" in page
    assert "2/3" not in page
    client.post("/logout")
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "kullanıldı" not in page


def test_full_quota_is_announced_before_applying(client, make_session, participant, enrol):
    session = make_session(capacity=10, municipality_quota=1, requires_approval=False)
    enrol(participant("Ilgın"), session)
    login(client, participant("Ilgın").email)
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Belediyenizin kontenjanı: 1/1 kullanıldı" in page
    assert "Belediyenizin kontenjanı dolu: başvurursanız yedek listeye alınırsınız" in page


def test_coordinator_sees_the_quota_use_of_their_municipalities_only(
    client, make_session, participant, enrol, make_user
):
    session = make_session(capacity=10, municipality_quota=3, requires_approval=False)
    enrol(participant("Ilgın"), session)
    enrol(participant("Ilgın"), session)
    enrol(participant("Meram"), session)
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Ilgın")
    login(client, coordinator.email)
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "Belediye kontenjanı (Ilgın): 2/3 kullanıldı" in page
    assert "Meram" not in page


def test_no_quota_line_for_a_session_without_quota(client, make_session, participant):
    session = make_session(capacity=10, municipality_quota=None, requires_approval=False)
    login(client, participant("Ilgın").email)
    page = client.get(f"/catalogue/sessions/{session.id}").get_data(as_text=True)
    assert "kullanıldı" not in page


def test_quota_held_person_is_promoted_when_someone_of_their_municipality_withdraws(
    make_session, participant, enrol
):
    from training_app.enrollment import quota, services

    session = make_session(capacity=5, municipality_quota=1, requires_approval=False)
    first_user = participant("Ilgın")
    first = enrol(first_user, session)
    waiting = enrol(participant("Ilgın"), session)
    assert waiting.status == S.WAITLISTED and quota.held_by_quota(waiting)
    services.cancel(first, by=first_user)
    db.session.commit()
    assert waiting.status == S.CONFIRMED and not quota.held_by_quota(waiting)
