"""A municipality's share of a session: how many of its seats are used, and whether a waiting
person is held back by that share rather than by the session being full.

A session with a municipality quota confirms at most that many people of one municipality; the
waiting list skips a person whose municipality has used its share, even while seats are free.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..catalog.models import Session
from ..extensions import db
from .models import Registration, RegistrationStatus


@dataclass(frozen=True)
class QuotaUse:
    """Confirmed seats of one municipality in one session, against the session's quota."""

    municipality_id: int
    municipality_name: str
    used: int
    quota: int

    @property
    def is_full(self) -> bool:
        return self.used >= self.quota


def quota_uses(session: Session, municipality_ids) -> list[QuotaUse]:
    """The quota use of each of these municipalities (one query), by name; [] without a quota."""
    from ..core.turkish import tr_sort_key
    from ..municipalities.models import Municipality

    ids = {i for i in municipality_ids if i is not None}
    if session.municipality_quota is None or not ids:
        return []
    counts = dict(
        db.session.execute(
            select(Registration.municipality_id, func.count(Registration.id))
            .where(
                Registration.session_id == session.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.municipality_id.in_(ids),
            )
            .group_by(Registration.municipality_id)
        ).all()
    )
    names = dict(
        db.session.execute(
            select(Municipality.id, Municipality.name).where(Municipality.id.in_(ids))
        ).all()
    )
    uses = [
        QuotaUse(i, names[i], counts.get(i, 0), session.municipality_quota)
        for i in ids
        if i in names
    ]
    return sorted(uses, key=lambda use: tr_sort_key(use.municipality_name))


def quota_use(session: Session, municipality_id: int | None) -> QuotaUse | None:
    """One municipality's quota use in this session; None when the session has no quota."""
    uses = quota_uses(session, [municipality_id])
    return uses[0] if uses else None


def held_by_quota(registration: Registration) -> bool:
    """Waiting because the municipality's share is used up, although seats are free: such a
    person is skipped until someone of their municipality withdraws or the quota is raised."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return False
    session = registration.session
    if session.seats_taken >= session.capacity:
        return False
    use = quota_use(session, registration.municipality_id)
    return use is not None and use.is_full
