"""Privacy tests: a participant holding a valid document of a closed session."""

import pytest

from tests.attendance.conftest import taught_session  # noqa: F401
from tests.catalog.conftest import (  # noqa: F401
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from tests.certificates.conftest import closed_session, signatories  # noqa: F401  (fixtures)
from tests.enrollment.conftest import participant  # noqa: F401
from training_app.certificates import services as certificates
from training_app.extensions import db


@pytest.fixture
def holder(closed_session):  # noqa: F811
    """(person, admin, certificate): a participant with one valid document; a second
    participant of the same session holds another."""
    session, admin, regs = closed_session(people=2, last_names=["Işık", "Çelik"])
    issued = certificates.issue_certificates(session, admin).issued
    db.session.commit()
    person = regs[0].person
    certificate = next(c for c in issued if c.registration_id == regs[0].id)
    return person, admin, certificate
