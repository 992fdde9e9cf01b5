"""Administration tests reuse the catalogue's factories."""

from tests.catalog.conftest import (  # noqa: F401  (fixtures)
    make_category,
    make_course,
    make_session,
    make_venue,
)
