"""Membership periods: the rules, is_member following them, and the seed."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import municipality
from training_app.core.errors import DomainError
from training_app.core.models import AuditEntry
from training_app.core.timeutil import local_today
from training_app.extensions import db
from training_app.municipalities import services
from training_app.municipalities.models import MembershipPeriod, Municipality, MunicipalityKind
from training_app.municipalities.services import (
    SEED_MEMBERSHIP_START,
    MunicipalityDetails,
    add_membership_period,
    end_membership_period,
    membership_status,
    remove_membership_period,
    seed_member_municipalities,
)


def only_entry(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).one()


@pytest.fixture
def aksaray(app):
    """A member outside Konya, added without any period."""
    m = services.create_municipality(
        MunicipalityDetails("Aksaray", MunicipalityKind.PROVINCIAL, "Aksaray"), by=None
    )
    db.session.commit()
    return m


def test_seed_gives_every_member_one_open_period_idempotently(app):
    periods = db.session.scalars(select(MembershipPeriod)).all()
    assert len(periods) == 32
    assert {(p.joined_on, p.left_on) for p in periods} == {(SEED_MEMBERSHIP_START, None)}
    assert all(m.is_member for m in db.session.scalars(select(Municipality)))
    assert seed_member_municipalities() == 0
    db.session.commit()
    assert db.session.scalar(select(func.count(MembershipPeriod.id))) == 32


def test_seed_leaves_a_former_member_without_periods_alone(app):
    hadim = municipality("Hadim")
    hadim.membership_periods.clear()
    hadim.is_member = False
    db.session.commit()
    seed_member_municipalities()
    db.session.commit()
    db.session.refresh(hadim)
    assert hadim.membership_periods == [] and not hadim.is_member


def test_adding_a_current_period_makes_a_member_and_is_audited(aksaray):
    aksaray.is_member = False
    db.session.commit()
    period = add_membership_period(aksaray, date(2024, 5, 2), None, "  Meclis  7 ", by=None)
    db.session.commit()
    assert aksaray.is_member and period.note == "Meclis 7"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "membership.add")
    ).one()
    assert entry.object_type == "MembershipPeriod" and entry.object_id == period.id
    assert entry.changes["is_member"] == [False, True]
    assert entry.changes["joined_on"] == "2024-05-02"
    assert membership_status(aksaray).since == date(2024, 5, 2)


def test_a_future_or_past_period_is_not_membership_today(aksaray):
    today = local_today()
    add_membership_period(
        aksaray, today - timedelta(days=400), today - timedelta(days=30), "", None
    )
    assert not aksaray.is_member
    add_membership_period(aksaray, today + timedelta(days=10), None, "", None)
    assert not aksaray.is_member
    status = membership_status(aksaray, today)
    assert status.ended == today - timedelta(days=30)
    assert status.starts == today + timedelta(days=10)


def test_a_municipality_without_periods_keeps_the_admins_tick(aksaray):
    assert aksaray.is_member and membership_status(aksaray).has_periods is False
    period = add_membership_period(aksaray, date(2020, 1, 1), date(2020, 12, 31), None, None)
    assert not aksaray.is_member
    remove_membership_period(period, None)
    db.session.commit()
    assert aksaray.membership_periods == [] and not aksaray.is_member  # left as it was


@pytest.mark.parametrize(
    ("joined", "left", "field", "message"),
    [
        (date(2024, 5, 2), date(2024, 5, 1), "left_on", "katıldığı günden önce"),
        (date(2020, 1, 1), None, "left_on", "zaten açık bir üyelik dönemi"),
        (date(2018, 1, 1), date(2019, 4, 8), "joined_on", "çakışıyor"),
        (date(2019, 4, 9), date(2019, 5, 1), "joined_on", "çakışıyor"),
    ],
)
def test_period_rules(app, joined, left, field, message):
    ilgin = municipality("Ilgın")
    with pytest.raises(DomainError) as refusal:
        add_membership_period(ilgin, joined, left, None, None)
    assert refusal.value.field == field and message in refusal.value.message


def test_periods_that_touch_but_do_not_overlap_are_fine(aksaray):
    add_membership_period(aksaray, date(2010, 1, 1), date(2012, 12, 31), None, None)
    add_membership_period(aksaray, date(2013, 1, 1), None, None, None)
    with pytest.raises(DomainError, match="çakışıyor"):
        add_membership_period(aksaray, date(2012, 12, 31), date(2012, 12, 31), None, None)
    assert len(aksaray.membership_periods) == 2 and aksaray.is_member


def test_ending_a_period(app):
    ilgin = municipality("Ilgın")
    period = ilgin.membership_periods[0]
    with pytest.raises(DomainError, match="katıldığı günden önce"):
        end_membership_period(period, date(2019, 4, 7), None)
    end_membership_period(period, local_today() - timedelta(days=1), None)
    db.session.commit()
    assert not ilgin.is_member
    assert membership_status(ilgin).ended == local_today() - timedelta(days=1)
    with pytest.raises(DomainError, match="zaten sona ermiş"):
        end_membership_period(period, local_today(), None)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "membership.end")
    ).one()
    assert entry.changes["is_member"] == [True, False]


def test_ending_today_keeps_the_membership_until_the_end_of_the_day(app):
    ilgin = municipality("Ilgın")
    end_membership_period(ilgin.membership_periods[0], local_today(), None)
    assert ilgin.is_member
    assert services.refresh_membership_flags(local_today() + timedelta(days=1)) == 1
    assert not ilgin.is_member


def test_a_former_member_is_not_offered_at_registration(client, app):
    ilgin = municipality("Ilgın")
    assert "Ilgın" in client.get("/register").get_data(as_text=True)
    end_membership_period(ilgin.membership_periods[0], local_today() - timedelta(days=1), None)
    db.session.commit()
    assert "Ilgın" not in client.get("/register").get_data(as_text=True)


def test_the_daily_command_starts_a_membership_entered_in_advance(app, aksaray):
    today = local_today()
    add_membership_period(aksaray, today + timedelta(days=1), None, "Meclis kararı", None)
    db.session.commit()
    assert not aksaray.is_member
    period = aksaray.membership_periods[0]
    period.joined_on = today  # the day has come
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["refresh-memberships"])
    assert "Municipalities whose membership changed: 1" in result.output
    db.session.expire_all()
    assert db.session.get(Municipality, aksaray.id).is_member
    again = app.test_cli_runner().invoke(args=["refresh-memberships"])
    assert "changed: 0" in again.output
