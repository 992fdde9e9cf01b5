"""Registration tests reuse the catalogue's factories and add make_registration."""

import pytest

from tests.catalog.conftest import (  # noqa: F401  (fixtures)
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from training_app.accounts.models import Role
from training_app.enrollment import services
from training_app.extensions import db


@pytest.fixture
def participant(make_user):
    """make_participant(municipality="Selçuklu", **fields) -> User, with unique e-mails."""
    counter = iter(range(1, 10_000))

    def factory(municipality_name: str = "Selçuklu", **fields):
        n = next(counter)
        fields.setdefault("email", f"katilimci{n}@example.org")
        fields.setdefault("first_name", f"Kişi{n}")
        return make_user(Role.PARTICIPANT, municipality_name=municipality_name, **fields)

    return factory


@pytest.fixture
def enrol(app):
    """Apply as the user themselves and commit; returns the registration."""

    def do(user, session, **kwargs):
        registration = services.enroll(user.person, session, by=user, **kwargs)
        db.session.commit()
        return registration

    return do
