"""Municipalities of the union and their units."""

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.columns import str_enum
from ..core.turkish import search_key, tr_sort_key
from ..extensions import db


class MunicipalityKind(enum.StrEnum):
    METROPOLITAN = "metropolitan"
    PROVINCIAL = "provincial"
    DISTRICT = "district"
    TOWN = "town"

    @property
    def label(self) -> str:
        return str(MUNICIPALITY_KIND_LABELS[self])


MUNICIPALITY_KIND_LABELS = {
    MunicipalityKind.METROPOLITAN: _l("Metropolitan municipality"),
    MunicipalityKind.PROVINCIAL: _l("Provincial municipality"),
    MunicipalityKind.DISTRICT: _l("District municipality"),
    MunicipalityKind.TOWN: _l("Town municipality"),
}


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short name as the union writes it: "Ilgın", "Konya Büyükşehir".
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[MunicipalityKind] = mapped_column(str_enum(MunicipalityKind))
    province: Mapped[str] = mapped_column(String(60), default="Konya")
    is_member: Mapped[bool] = mapped_column(default=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Turkish alphabetical order key (see core.turkish.tr_sort_key).
    sort_key: Mapped[str] = mapped_column(String(400), index=True, default="")
    #: Lowercased, ASCII-folded name for search.
    search_key: Mapped[str] = mapped_column(String(200), index=True, default="")

    units: Mapped[list["Unit"]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan", order_by="Unit.sort_key"
    )
    membership_periods: Mapped[list["MembershipPeriod"]] = relationship(
        back_populates="municipality",
        cascade="all, delete-orphan",
        order_by="MembershipPeriod.joined_on",
    )

    @validates("name")
    def _keep_keys(self, _key, value):
        self.sort_key = tr_sort_key(value)
        self.search_key = search_key(value)
        return value

    @property
    def display_name(self) -> str:
        """Name with its kind, for lists: "Ilgın Belediyesi"."""
        return f"{self.name} Belediyesi"

    def __repr__(self) -> str:
        return f"<Municipality {self.name!r}>"


class Unit(db.Model):
    """A unit (müdürlük / daire başkanlığı) of one municipality."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("municipality_id", "name", name="uq_units_municipality_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(150))
    sort_key: Mapped[str] = mapped_column(String(500), default="")

    municipality: Mapped[Municipality] = relationship(back_populates="units")

    @validates("name")
    def _keep_keys(self, _key, value):
        self.sort_key = tr_sort_key(value)
        return value

    def __repr__(self) -> str:
        return f"<Unit {self.name!r}>"


class MembershipPeriod(db.Model):
    """A span of union membership (from the assembly decision that admitted the municipality to
    the one that ended it); a municipality may leave and join again."""

    __tablename__ = "membership_periods"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    joined_on: Mapped[date]
    #: Last day of membership; empty while it lasts.
    left_on: Mapped[date | None]
    #: The decision behind it, e.g. "Birlik Meclisi 12.03.2024 / 7".
    note: Mapped[str | None] = mapped_column(String(200))

    municipality: Mapped[Municipality] = relationship(back_populates="membership_periods")

    def covers(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)

    def __repr__(self) -> str:
        return f"<MembershipPeriod {self.municipality_id} {self.joined_on}..{self.left_on}>"
