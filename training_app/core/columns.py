"""Column types shared by every feature's models."""

from sqlalchemy import Enum


def str_enum(enum_cls, length: int = 20) -> Enum:
    """A Python enum stored as its string values (no native database enum: portable migrations)."""
    return Enum(
        enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )
