import logging

import pytest

from training_app.core.tckn import TcknRedactingFilter, complete_tckn, is_valid_tckn, mask_tckn

VALID = "10000000146"


def test_known_valid_number():
    assert is_valid_tckn(VALID)


@pytest.mark.parametrize(
    "value",
    [
        "10000000147",  # wrong last check digit
        "10000000136",  # wrong tenth digit
        "00000000000",  # starts with zero
        "1000000014",  # ten digits
        "100000001466",  # twelve digits
        "1000000014a",
        "١٠٠٠٠٠٠٠١٤٦",  # Arabic-Indic digits pass str.isdigit()
        "１０００００００１４６",  # full-width digits
        " 10000000146",
        "",
        None,
    ],
)
def test_invalid_numbers_are_refused(value):
    assert not is_valid_tckn(value)


def test_complete_tckn_makes_valid_numbers():
    for prefix in ("123456789", "987654321", "100000001", "555555555"):
        assert is_valid_tckn(complete_tckn(prefix))


def test_tenth_digit_is_taken_non_negative():
    # Odd-position sum small, even-position sum large: the difference is negative before mod 10.
    number = complete_tckn("109090909")
    assert is_valid_tckn(number)
    assert number[9] == str(((1 + 9 + 9 + 9 + 9) * 7 - (0 + 0 + 0 + 0)) % 10)
    number = complete_tckn("190909090")
    assert is_valid_tckn(number)


def test_mask_shows_first_three_and_last_two():
    assert mask_tckn("12345678950") == "123******50"


def test_log_filter_masks_valid_numbers_only():
    record = logging.LogRecord(
        "x", logging.INFO, "", 0, "id %s and order 12345678901", (VALID,), None
    )
    TcknRedactingFilter().filter(record)
    assert record.getMessage() == "id 100******46 and order 12345678901"


def test_every_logger_and_traceback_is_masked_once_the_app_exists(app, caplog):
    """Child loggers, other libraries' loggers and exception texts: masked at the record."""
    caplog.set_level(logging.INFO)
    logging.getLogger("training_app.mail").warning("to %s", VALID)
    logging.getLogger("rq.worker").info(f"job args ({VALID!r},)")
    try:
        raise ValueError(f"bad {VALID}")
    except ValueError:
        logging.getLogger("training_app.jobs").exception("failed")
    assert VALID not in caplog.text
    assert caplog.text.count("100******46") == 3
