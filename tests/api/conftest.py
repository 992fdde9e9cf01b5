"""The API serves catalogue data: reuse the catalogue's factories."""

from tests.catalog.conftest import (  # noqa: F401
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
