"""Dates typed and shown in Turkish order (gg.aa.yyyy) whatever the browser's language; ISO
still accepted for scripts and tests; a wrong date comes back as typed, with a Turkish message."""

from datetime import date, datetime, time

import pytest

from training_app.core.datefields import parse_date, parse_date_time, parse_time


@pytest.mark.parametrize(
    "typed",
    [
        "29.11.2026",
        "29.11.2026 ",
        "29/11/2026",
        "29-11-2026",
        "29 11 2026",
        "29112026",
        "2026-11-29",
    ],
)
def test_a_date_is_read_in_turkish_order_or_iso(typed):
    assert parse_date(typed) == date(2026, 11, 29)


def test_a_short_day_and_month_are_read():
    assert parse_date("1.2.2026") == date(2026, 2, 1)


@pytest.mark.parametrize("typed", ["31.02.2026", "11/29/2026", "29.11.26", "٢٩.١١.٢٠٢٦", "dün"])
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


def test_times_are_24_hour_and_forgive_the_missing_colon_of_a_phone_keypad():
    assert parse_time("09:30") == parse_time("9:30") == parse_time("0930") == time(9, 30)
    assert parse_time("17.45") == time(17, 45)
    with pytest.raises(ValueError):
        parse_time("25:00")
    assert parse_date_time("29.11.2026 09:30") == datetime(2026, 11, 29, 9, 30)
    assert parse_date_time("2026-11-29T09:30") == datetime(2026, 11, 29, 9, 30)
