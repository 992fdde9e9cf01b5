from datetime import timedelta

import pytest
from sqlalchemy import select

from training_app.accounts.models import Position, Role
from training_app.catalog.models import SessionStatus
from training_app.core.errors import DomainError
from training_app.core.models import OutboxMessage
from training_app.core.timeutil import local_today, utcnow
from training_app.enrollment import reminders, services
from training_app.enrollment.models import Registration
from training_app.enrollment.models import RegistrationStatus as S
from training_app.extensions import db


def mails_to(user):
    return [
        m.subject
        for m in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == user.email)
            .order_by(OutboxMessage.id)
        )
    ]


def test_session_without_approval_confirms_until_full_then_waitlists(
    make_session, participant, enrol
):
    session = make_session(capacity=2, requires_approval=False)
    users = [participant() for _ in range(4)]
    results = [enrol(u, session) for u in users]
    assert [r.status for r in results] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert session.seats_taken == 2
    assert (
        services.waitlist_position(results[2]) == 1 and services.waitlist_position(results[3]) == 2
    )
    assert any("Kayıt onaylandı" in s for s in mails_to(users[0]))
    assert any("Yedek liste" in s for s in mails_to(users[2]))
    history = [(e.from_status, e.to_status) for e in results[2].events]
    assert history == [(None, S.REQUESTED), (S.REQUESTED, S.WAITLISTED)]


def test_approval_flow_by_the_municipality_coordinator(make_session, participant, make_user, enrol):
    session = make_session(capacity=5, requires_approval=True)
    user = participant("Ilgın")
    coordinator = make_user(Role.COORDINATOR, email="c-ilgin@example.org", coordinated="Ilgın")
    registration = enrol(user, session)
    assert registration.status == S.PENDING_APPROVAL
    assert any("Onay bekleyen başvuru" in s for s in mails_to(coordinator))
    other_coordinator = make_user(
        Role.COORDINATOR, email="c-meram@example.org", coordinated="Meram"
    )
    with pytest.raises(DomainError, match="Yalnızca kişinin belediyesinin eğitim sorumlusu"):
        services.approve(registration, other_coordinator)
    assert mails_to(other_coordinator) == []
    services.approve(registration, coordinator)
    db.session.commit()
    assert registration.status == S.CONFIRMED and registration.decided_by_id == coordinator.id
    assert session.seats_taken == 1
    with pytest.raises(DomainError, match="zaten karara bağlandı"):
        services.approve(registration, coordinator)


def test_refusal_needs_a_reason_and_tells_the_person(make_session, participant, make_user, enrol):
    session = make_session(requires_approval=True)
    user = participant()
    registration = enrol(user, session)
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Selçuklu")
    with pytest.raises(DomainError, match="Ret gerekçesini yazın."):
        services.refuse(registration, coordinator, "  ")
    services.refuse(registration, coordinator, "Birim iş yükü nedeniyle")
    db.session.commit()
    assert registration.status == S.REFUSED and registration.reason == "Birim iş yükü nedeniyle"
    assert any("onaylanmadı" in s for s in mails_to(user))
    # A refused person may apply again later.
    again = enrol(user, session)
    assert again.id == registration.id and again.status == S.PENDING_APPROVAL


@pytest.mark.parametrize(
    "case, message",
    [
        ("draft", "Bu eğitim dönemi başvuruya açık değil."),
        ("not_open_yet", "Bu eğitim dönemine başvurular henüz açılmadı."),
        ("closed", "Bu eğitim dönemine başvurular kapandı."),
        (
            "position",
            "Bu eğitim yalnızca şu görevlere açıktır: Belediye Başkanı, Başkan Yardımcısı.",
        ),
        ("not_member", "Yalnızca üye belediyelerin çalışanları başvurabilir."),
        ("twice", "Bu eğitim dönemine zaten başvurdunuz."),
        ("started", "Bu eğitim dönemi başladı."),
    ],
)
def test_each_refusal_has_a_turkish_message(
    case, message, make_session, make_course, participant, enrol
):
    now = utcnow()
    fields = {}
    course = None
    if case == "draft":
        fields["status"] = SessionStatus.DRAFT
    elif case == "not_open_yet":
        fields["enrolment_opens_at"] = now + timedelta(days=1)
    elif case == "closed":
        fields["enrolment_closes_at"] = now - timedelta(minutes=1)
    elif case == "position":
        course = make_course(positions={Position.MAYOR, Position.DEPUTY_MAYOR})
    elif case == "started":
        fields["starts_on"] = local_today() - timedelta(days=1)
        fields["days"] = 3
    session = make_session(course=course, requires_approval=True, **fields)
    user = participant()
    if case == "not_member":
        user.person.municipality.is_member = False
        db.session.commit()
    if case == "twice":
        enrol(user, session)
    with pytest.raises(DomainError) as error:
        services.enroll(user.person, session, by=user)
    assert message in error.value.message


def test_overlap_with_a_confirmed_session_is_refused(make_session, make_course, participant, enrol):
    day = local_today() + timedelta(days=20)
    first = make_session(
        course=make_course(title="Afet Yönetimi"), starts_on=day, days=1, requires_approval=False
    )
    second = make_session(starts_on=day, days=1, requires_approval=False)
    user = participant()
    enrol(user, first)
    with pytest.raises(DomainError, match="Afet Yönetimi"):
        services.enroll(user.person, second, by=user)


def test_municipality_quota_is_respected_and_waitlist_skips_a_full_municipality(
    make_session, participant, enrol
):
    session = make_session(capacity=3, municipality_quota=1, requires_approval=False)
    a1, a2 = participant("Ilgın"), participant("Ilgın")
    b1 = participant("Meram")
    assert enrol(a1, session).status == S.CONFIRMED
    waiting = enrol(a2, session)
    assert waiting.status == S.WAITLISTED
    assert enrol(b1, session).status == S.CONFIRMED
    assert session.seats_taken == 2


def test_cancellation_promotes_the_first_waitlisted_person(make_session, participant, enrol):
    session = make_session(capacity=1, requires_approval=False)
    first, second, third = participant(), participant(), participant()
    r1, r2, r3 = enrol(first, session), enrol(second, session), enrol(third, session)
    services.cancel(r1, by=first)
    db.session.commit()
    assert r1.status == S.CANCELLED and r2.status == S.CONFIRMED and r3.status == S.WAITLISTED
    assert services.waitlist_position(r3) == 1
    assert session.seats_taken == 1
    assert any("Yer açıldı" in s for s in mails_to(second))


def test_raising_capacity_promotes_from_the_waitlist(make_session, participant, enrol):
    from training_app.catalog import signals

    session = make_session(capacity=1, requires_approval=False)
    enrol(participant(), session)
    waiting = enrol(participant(), session)
    session.capacity = 2
    signals.session_changed.send(session, changes={"capacity": [1, 2]})
    db.session.commit()
    assert waiting.status == S.CONFIRMED


def test_no_promotion_once_the_session_has_started(make_session, participant, enrol):
    session = make_session(capacity=1, requires_approval=False)
    first, second = participant(), participant()
    r1, r2 = enrol(first, session), enrol(second, session)
    session.meetings[0].day = local_today() - timedelta(days=1)
    session.starts_on = session.meetings[0].day
    db.session.commit()
    services.cancel(r1, by=first)
    db.session.commit()
    assert r2.status == S.WAITLISTED


def test_own_cancellation_stops_at_the_deadline_then_needs_a_coordinator(
    make_session, participant, make_user, enrol
):
    session = make_session(
        requires_approval=False, cancellation_deadline=utcnow() + timedelta(hours=1)
    )
    user = participant()
    registration = enrol(user, session)
    session.cancellation_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(DomainError, match="Son iptal tarihi geçti"):
        services.cancel(registration, by=user)
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Selçuklu")
    with pytest.raises(DomainError, match="İptal nedenini yazın."):
        services.cancel(registration, by=coordinator)
    services.cancel(registration, by=coordinator, reason="Görevlendirme değişti")
    db.session.commit()
    assert registration.status == S.CANCELLED and registration.reason == "Görevlendirme değişti"


def test_session_cancellation_cancels_every_registration_and_tells_them(
    make_session, participant, make_user, enrol
):
    from training_app.catalog.sessions import cancel_session

    session = make_session(capacity=1, requires_approval=False)
    a, b = participant(), participant()
    enrol(a, session), enrol(b, session)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    cancel_session(session, "Eğitmen rahatsızlığı", by=admin)
    db.session.commit()
    statuses = set(db.session.scalars(select(Registration.status)))
    assert statuses == {S.CANCELLED}
    assert any("iptal edildi" in s for s in mails_to(b))


def test_nomination_skips_approval_and_reports_outsiders(make_session, participant, make_user):
    session = make_session(capacity=1, requires_approval=True)
    coordinator = make_user(Role.COORDINATOR, email="c@example.org", coordinated="Ilgın")
    mine1, mine2 = participant("Ilgın"), participant("Ilgın")
    outsider = participant("Meram")
    done, problems = services.nominate(
        session, [mine1.person, mine2.person, outsider.person], coordinator
    )
    db.session.commit()
    assert [r.status for r in done] == [S.CONFIRMED, S.WAITLISTED]
    assert done[0].nominated_by_id == coordinator.id
    assert len(problems) == 1 and outsider.person.full_name in problems[0]


def test_reminders_are_sent_once(make_session, participant, enrol):
    session = make_session(starts_on=local_today() + timedelta(days=2), requires_approval=False)
    user = participant()
    enrol(user, session)
    assert reminders.send_reminders(days_before=3) == 1
    db.session.commit()
    assert reminders.send_reminders(days_before=3) == 0
    assert sum("Hatırlatma" in s for s in mails_to(user)) == 1


def test_reminders_command_is_idempotent(runner, make_session, participant, enrol):
    session = make_session(starts_on=local_today() + timedelta(days=1), requires_approval=False)
    enrol(participant(), session)
    assert "Reminders queued: 1" in runner.invoke(args=["reminders"]).output
    assert "Reminders queued: 0" in runner.invoke(args=["reminders"]).output


def test_an_unconfirmed_import_holding_id_numbers_is_gone_after_a_day(make_session, make_user):
    from training_app.enrollment.imports import store_upload
    from training_app.enrollment.models import PendingImport

    session = make_session()
    admin = make_user(Role.ADMIN, email="office@example.org")
    old = store_upload(session, admin, "eski.csv", "tckn;ad\n")
    old.created_at = utcnow() - timedelta(days=2)
    recent = store_upload(session, admin, "yeni.csv", "tckn;ad\n")
    db.session.commit()
    store_upload(session, admin, "bugun.csv", "tckn;ad\n")
    db.session.commit()
    kept = set(db.session.scalars(select(PendingImport.filename)))
    assert kept == {"yeni.csv", "bugun.csv"} and recent.filename in kept
