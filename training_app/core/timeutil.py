"""Time helpers: the database stores naive UTC; people see Europe/Istanbul."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

ISTANBUL = ZoneInfo("Europe/Istanbul")


def utcnow() -> datetime:
    """Naive UTC now, the form stored in every DateTime column."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(value: datetime | None) -> datetime | None:
    """A stored naive-UTC datetime as Istanbul time."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(ISTANBUL)
