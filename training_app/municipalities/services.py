"""Use cases on municipalities: seeding the members, listing them in Turkish order, and their
membership periods."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.timeutil import local_today
from ..core.turkish import format_date_short, search_key
from ..extensions import db
from .data import KONYA_DISTRICTS, METROPOLITAN, METROPOLITAN_UNITS, STANDARD_UNITS
from .models import MembershipPeriod, Municipality, MunicipalityKind, Unit

#: First day of the seeded members' open period. The union was founded in 1978, but most of
#: Konya's districts (and the metropolitan municipality) were created in 1987-1990, so 1978 would
#: predate them; the real assembly decisions are not published. 8 April 2019, the start of the
#: 2019 local-government term, is a day on which every seeded member existed and was a member.
SEED_MEMBERSHIP_START = date(2019, 4, 8)
SEED_MEMBERSHIP_NOTE = "Kurulum verisi: üyelik kararının tarihi girilmedi"


def seed_member_municipalities() -> int:
    """Add Konya Büyükşehir, the 31 districts and their standard units; idempotent.

    Returns how many municipalities were added.
    """
    existing = {m.name: m for m in db.session.scalars(select(Municipality))}
    with_periods = set(db.session.scalars(select(MembershipPeriod.municipality_id).distinct()))
    wanted = [(METROPOLITAN, MunicipalityKind.METROPOLITAN, METROPOLITAN_UNITS)]
    wanted += [(name, MunicipalityKind.DISTRICT, STANDARD_UNITS) for name in KONYA_DISTRICTS]
    added = 0
    for name, kind, unit_names in wanted:
        municipality = existing.get(name)
        if municipality is None:
            municipality = Municipality(name=name, kind=kind, province="Konya", is_member=True)
            db.session.add(municipality)
            added += 1
        have = {u.name for u in municipality.units}
        for unit_name in unit_names:
            if unit_name not in have:
                municipality.units.append(Unit(name=unit_name))
        # A member without any period gets an open one; an admin's non-member stays one.
        if municipality.is_member and municipality.id not in with_periods:
            db.session.add(
                MembershipPeriod(
                    municipality=municipality,
                    joined_on=SEED_MEMBERSHIP_START,
                    note=SEED_MEMBERSHIP_NOTE,
                )
            )
    db.session.flush()
    return added


def member_municipalities(include_inactive: bool = False) -> list[Municipality]:
    """Member municipalities in Turkish alphabetical order, for choices and lists."""
    query = select(Municipality).where(Municipality.is_member.is_(True))
    if not include_inactive:
        query = query.where(Municipality.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Municipality.sort_key)))


def units_of(municipality_id: int) -> list[Unit]:
    return list(
        db.session.scalars(
            select(Unit).where(Unit.municipality_id == municipality_id).order_by(Unit.sort_key)
        )
    )


@dataclass
class MunicipalityDetails:
    name: str
    kind: MunicipalityKind
    province: str
    is_member: bool = True
    is_active: bool = True


def _check_name(name: str, municipality: Municipality | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter the municipality's name."), field="name")
    other = db.session.scalar(
        select(Municipality).where(Municipality.search_key == search_key(name))
    )
    if other is not None and other is not municipality:
        raise Conflict(_("A municipality with this name already exists."), field="name")
    return name


def create_municipality(details: MunicipalityDetails, by) -> Municipality:
    """Add a member (for example one outside Konya), with the units every municipality has."""
    municipality = Municipality(
        name=_check_name(details.name, None),
        kind=details.kind,
        province=" ".join(details.province.split()) or "Konya",
        is_member=details.is_member,
        is_active=details.is_active,
    )
    units = METROPOLITAN_UNITS if details.kind == MunicipalityKind.METROPOLITAN else STANDARD_UNITS
    municipality.units = [Unit(name=name) for name in units[:4]]  # the required ones
    db.session.add(municipality)
    db.session.flush()
    audit.record("municipality.create", municipality, {"name": municipality.name}, actor=by)
    return municipality


def update_municipality(municipality: Municipality, details: MunicipalityDetails, by) -> None:
    values = {
        "name": _check_name(details.name, municipality),
        "kind": details.kind,
        "province": " ".join(details.province.split()) or municipality.province,
        "is_member": details.is_member,
        "is_active": details.is_active,
    }
    if municipality.membership_periods:
        # Once periods are recorded, membership follows them (see sync_membership).
        values["is_member"] = _member_by_periods(municipality, local_today())
    changes = audit.diff(municipality, values)
    for key, value in values.items():
        setattr(municipality, key, value)
    if changes:
        audit.record("municipality.update", municipality, changes, actor=by)


def add_unit(municipality: Municipality, name: str, by) -> Unit:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter the unit's name."), field="name")
    if any(search_key(u.name) == search_key(name) for u in municipality.units):
        raise Conflict(_("This municipality already has this unit."), field="name")
    unit = Unit(name=name)
    municipality.units.append(unit)
    db.session.flush()
    audit.record("unit.create", unit, {"municipality_id": municipality.id, "name": name}, actor=by)
    return unit


def remove_unit(unit: Unit, by) -> None:
    """Remove a unit; its people keep their municipality and the unit's name as free text."""
    from sqlalchemy import update

    from ..accounts.models import Person

    db.session.execute(
        update(Person).where(Person.unit_id == unit.id).values(unit_id=None, unit_other=unit.name)
    )
    audit.record(
        "unit.delete", unit, {"municipality_id": unit.municipality_id, "name": unit.name}, actor=by
    )
    db.session.delete(unit)
    db.session.flush()


def all_municipalities() -> list[Municipality]:
    """Every municipality in Turkish order, with its membership periods loaded."""
    return list(
        db.session.scalars(
            select(Municipality)
            .options(selectinload(Municipality.membership_periods))
            .order_by(Municipality.sort_key)
        )
    )


# --- membership periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipStatus:
    """What a list shows of a municipality's membership on a given day."""

    is_member: bool
    #: First day of the period covering the day.
    since: date | None = None
    #: Last day of the period covering the day, when its end is already decided.
    until: date | None = None
    #: Last day of the latest ended period, when not a member.
    ended: date | None = None
    #: First day of a period that has not started yet, when not a member.
    starts: date | None = None
    #: False when no period is recorded: membership is then the administrator's tick.
    has_periods: bool = False


def membership_status(municipality: Municipality, today: date | None = None) -> MembershipStatus:
    today = today or local_today()
    periods = municipality.membership_periods
    if not periods:
        return MembershipStatus(is_member=municipality.is_member)
    current = next((p for p in periods if p.covers(today)), None)
    if current is not None:
        return MembershipStatus(
            True, since=current.joined_on, until=current.left_on, has_periods=True
        )
    ended = [p.left_on for p in periods if p.left_on is not None and p.left_on < today]
    future = [p.joined_on for p in periods if p.joined_on > today]
    return MembershipStatus(
        False,
        ended=max(ended) if ended else None,
        starts=min(future) if future else None,
        has_periods=True,
    )


def _member_by_periods(municipality: Municipality, today: date) -> bool:
    return any(p.covers(today) for p in municipality.membership_periods)


def sync_membership(municipality: Municipality, today: date | None = None) -> dict:
    """Set is_member from the periods (a period covers today); without periods leave it as the
    administrator set it. Returns the change for the audit record, if any."""
    if not municipality.membership_periods:
        return {}
    member = _member_by_periods(municipality, today or local_today())
    if member == municipality.is_member:
        return {}
    change = {"is_member": [municipality.is_member, member]}
    municipality.is_member = member
    return change


def refresh_membership_flags(today: date | None = None) -> int:
    """Recompute is_member of every municipality with periods (a period may have started or
    ended since it was entered); for a daily job. Returns how many changed."""
    changed = 0
    for municipality in all_municipalities():
        change = sync_membership(municipality, today)
        if change:
            audit.record("municipality.update", municipality, change)
            changed += 1
    db.session.flush()
    return changed


def _check_period(
    municipality: Municipality,
    joined_on: date,
    left_on: date | None,
    period: MembershipPeriod | None = None,
) -> None:
    """Refuse a period that ends before it starts, a second open one, or one that overlaps."""
    if joined_on is None:
        raise DomainError(_("Enter the date the municipality joined."), field="joined_on")
    if left_on is not None and left_on < joined_on:
        raise DomainError(
            _("The last day of membership must not be before the day it joined."), field="left_on"
        )
    others = [p for p in municipality.membership_periods if p is not period]
    if left_on is None:
        open_one = next((p for p in others if p.left_on is None), None)
        if open_one is not None:
            raise Conflict(
                _(
                    "This municipality already has an open period (since %(date)s): "
                    "end it first, or give this period its last day.",
                    date=format_date_short(open_one.joined_on),
                ),
                field="left_on",
            )
    end = left_on or date.max
    for other in others:
        other_end = other.left_on or date.max
        if other.joined_on <= end and joined_on <= other_end:
            raise Conflict(
                _(
                    "This period overlaps the period %(start)s – %(end)s.",
                    start=format_date_short(other.joined_on),
                    end=format_date_short(other.left_on) if other.left_on else _("open"),
                ),
                field="joined_on",
            )


def _period_facts(period: MembershipPeriod) -> dict:
    return {
        "municipality_id": period.municipality_id,
        "joined_on": period.joined_on.isoformat(),
        "left_on": period.left_on.isoformat() if period.left_on else None,
        "note": period.note,
    }


def _lock(municipality: Municipality) -> None:
    """Two admins editing one municipality's periods at once take turns (PostgreSQL row lock;
    SQLite writes one at a time anyway), so the overlap checks see each other's periods."""
    db.session.execute(
        select(Municipality.id).where(Municipality.id == municipality.id).with_for_update()
    )
    db.session.refresh(municipality, ["membership_periods"])


def add_membership_period(
    municipality: Municipality,
    joined_on: date,
    left_on: date | None,
    note: str | None,
    by,
) -> MembershipPeriod:
    """Record a span of membership (from an assembly decision); is_member follows."""
    _lock(municipality)
    _check_period(municipality, joined_on, left_on)
    note = " ".join((note or "").split()) or None
    period = MembershipPeriod(joined_on=joined_on, left_on=left_on, note=note)
    municipality.membership_periods.append(period)
    db.session.flush()
    changes = _period_facts(period) | sync_membership(municipality)
    audit.record("membership.add", period, changes, actor=by)
    return period


def end_membership_period(period: MembershipPeriod, left_on: date, by) -> None:
    """Give an open period its last day (the municipality left the union)."""
    if period.left_on is not None:
        raise Conflict(_("This period has already ended."), field="left_on")
    if left_on is None:
        raise DomainError(_("Enter the last day of membership."), field="left_on")
    municipality = period.municipality
    _lock(municipality)
    _check_period(municipality, period.joined_on, left_on, period)
    period.left_on = left_on
    db.session.flush()
    changes = {"municipality_id": municipality.id, "left_on": [None, left_on.isoformat()]}
    audit.record("membership.end", period, changes | sync_membership(municipality), actor=by)


def remove_membership_period(period: MembershipPeriod, by) -> None:
    """Remove a wrongly entered period; without periods left, is_member stays as it is."""
    municipality = period.municipality
    facts = _period_facts(period)
    municipality.membership_periods.remove(period)
    db.session.flush()
    audit.record("membership.remove", period, facts | sync_membership(municipality), actor=by)
