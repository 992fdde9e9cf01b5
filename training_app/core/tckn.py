"""T.C. Kimlik No: validation, masking and protected storage.

Only ASCII digits count: `str.isdigit()` and `\\d` also accept Arabic-Indic and full-width digits.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

_ASCII_DIGITS = frozenset("0123456789")


def is_valid_tckn(value: str | None) -> bool:
    """True for exactly 11 ASCII digits, not starting with 0, with both check digits right."""
    if not isinstance(value, str) or len(value) != 11 or not set(value) <= _ASCII_DIGITS:
        return False
    d = [ord(c) - 48 for c in value]
    if d[0] == 0:
        return False
    tenth = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    eleventh = sum(d[:10]) % 10
    return d[9] == tenth and d[10] == eleventh


def complete_tckn(first_nine: str) -> str:
    """Append the two check digits to nine leading digits (used for demo data and tests)."""
    d = [int(c) for c in first_nine]
    tenth = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    eleventh = (sum(d) + tenth) % 10
    return f"{first_nine}{tenth}{eleventh}"


def mask_tckn(value: str | None) -> str:
    """Masked form for display: first three and last two digits, e.g. `123******50`."""
    if not value:
        return ""
    if len(value) != 11:
        return "*" * len(value)
    return f"{value[:3]}******{value[-2:]}"


class TcknVault:
    """Encrypts ID numbers and makes the keyed hash used for uniqueness and lookup."""

    def __init__(self, key_material: str):
        raw = key_material.encode()
        enc_key = hashlib.sha256(b"tckn-encryption:" + raw).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(enc_key))
        self._hash_key = hashlib.sha256(b"tckn-hash:" + raw).digest()

    def encrypt(self, tckn: str) -> bytes:
        return self._fernet.encrypt(tckn.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken as exc:  # pragma: no cover - only with a wrong key
            raise ValueError("ID number cannot be decrypted with the configured TCKN_KEY") from exc

    def keyed_hash(self, tckn: str) -> str:
        return hmac.new(self._hash_key, tckn.encode(), hashlib.sha256).hexdigest()


def vault() -> TcknVault:
    """The vault for the current app, built once per app from TCKN_KEY."""
    from flask import current_app

    ext = current_app.extensions
    if "tckn_vault" not in ext:
        ext["tckn_vault"] = TcknVault(current_app.config["TCKN_KEY"])
    return ext["tckn_vault"]


_ELEVEN_DIGITS = None


def redact_tckn(text: str) -> str:
    """The text with anything shaped like a valid ID number masked (`123******50`)."""
    import re

    global _ELEVEN_DIGITS
    if _ELEVEN_DIGITS is None:
        _ELEVEN_DIGITS = re.compile(r"(?<![0-9])[1-9][0-9]{10}(?![0-9])")
    return _ELEVEN_DIGITS.sub(
        lambda m: mask_tckn(m.group()) if is_valid_tckn(m.group()) else m.group(), text
    )


class TcknRedactingFilter:
    """Logging filter masking anything shaped like a valid ID number: a last line of defence."""

    def filter(self, record) -> bool:
        message = record.getMessage()
        redacted = redact_tckn(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            import logging

            record.exc_text = redact_tckn(logging.Formatter().formatException(record.exc_info))
        return True


def install_redacting_record_factory() -> None:
    """Mask ID numbers in every log record when it is made, whatever logger it comes from
    (a filter on a logger misses what its child loggers and other libraries log)."""
    import logging

    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_tckn", False):
        return
    redactor = TcknRedactingFilter()

    def make_record(*args, **kwargs):
        record = previous(*args, **kwargs)
        redactor.filter(record)
        return record

    make_record.redacts_tckn = True
    logging.setLogRecordFactory(make_record)
