"""Mail text tests reuse the registration factories: approving a registration sends mail."""

import pytest

from tests.catalog.conftest import (  # noqa: F401  (fixtures)
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from tests.enrollment.conftest import enrol, participant  # noqa: F401  (fixtures)
from training_app.accounts.models import Role


@pytest.fixture
def office(make_user):
    return make_user(Role.ADMIN, email="ofis@example.org", first_name="Ofis")
