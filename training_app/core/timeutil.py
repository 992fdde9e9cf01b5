"""Time helpers: the database stores naive UTC; people see Europe/Istanbul."""

from datetime import UTC, date, datetime
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


def local_to_utc(value: datetime | None) -> datetime | None:
    """An Istanbul wall-clock datetime (naive, as typed in a form) as stored naive UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=ISTANBUL).astimezone(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today's date in Istanbul."""
    return datetime.now(ISTANBUL).date()


def local_now() -> datetime:
    """Istanbul wall-clock now, naive: comparable with a meeting's date and times."""
    return datetime.now(ISTANBUL).replace(tzinfo=None)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day
    (31.08 + 6 months: 28.02 or 29.02)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
