"""Use cases on municipalities: seeding the members and listing them in Turkish order."""

from sqlalchemy import select

from ..extensions import db
from .data import KONYA_DISTRICTS, METROPOLITAN, METROPOLITAN_UNITS, STANDARD_UNITS
from .models import Municipality, MunicipalityKind, Unit


def seed_member_municipalities() -> int:
    """Add Konya Büyükşehir, the 31 districts and their standard units; idempotent.

    Returns how many municipalities were added.
    """
    existing = {m.name: m for m in db.session.scalars(select(Municipality))}
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
