"""Use cases on municipalities: seeding the members and listing them in Turkish order."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.turkish import search_key
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
    return list(db.session.scalars(select(Municipality).order_by(Municipality.sort_key)))
