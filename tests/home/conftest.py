"""Home page tests reuse the catalogue, enrolment and certificate factories."""

from tests.attendance.conftest import taught_session  # noqa: F401  (fixtures)
from tests.catalog.conftest import (  # noqa: F401
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from tests.certificates.conftest import closed_session, signatories  # noqa: F401
from tests.enrollment.conftest import enrol, participant  # noqa: F401
