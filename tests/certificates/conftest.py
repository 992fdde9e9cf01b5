"""Certificate tests: a closed session whose participants earned documents."""

from datetime import timedelta

import pytest

from tests.attendance.conftest import taught_session  # noqa: F401  (fixtures)
from tests.catalog.conftest import (  # noqa: F401
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from tests.enrollment.conftest import participant  # noqa: F401
from training_app.accounts.models import Role
from training_app.attendance import services as attendance
from training_app.attendance.models import AttendanceStatus
from training_app.attendance.services import MarkInput
from training_app.certificates.models import Signatory
from training_app.core.timeutil import local_today
from training_app.extensions import db


def close_with_marks(session, by, statuses: dict[int, AttendanceStatus], scores=None):
    """Move the session into the past, mark every meeting and close it."""
    for i, meeting in enumerate(session.meetings):
        meeting.day = local_today() - timedelta(days=len(session.meetings) - i)
    session.starts_on = session.meetings[0].day
    session.ends_on = session.meetings[-1].day
    db.session.commit()
    for meeting in session.meetings:
        attendance.record_marks(meeting, {rid: MarkInput(s) for rid, s in statuses.items()}, by)
    db.session.commit()
    completions = attendance.close_session(session, scores or {}, by)
    db.session.commit()
    return completions


@pytest.fixture
def signatories(app):
    rows = [
        Signatory(name="Prof. Dr. Şükrü Öztürk", title="Birlik Başkanı", sort_order=1),
        Signatory(name="Gülçin Işıklı", title="Genel Sekreter", sort_order=2),
        Signatory(name="Eski İmza", title="Eski", sort_order=3, is_active=False),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def closed_session(taught_session, make_user, signatories):  # noqa: F811
    """make(people=3, absent=(), last_names=None, **course_fields) -> (session, admin, regs).

    Everyone is present at every meeting except the indexes in `absent`.
    """

    def make(people: int = 3, absent=(), last_names=None, scores=None, first_names=None, **fields):
        session, trainer, regs = taught_session(
            people=people, hours=(3, 3), last_names=last_names, **fields
        )
        if first_names:
            for reg, first in zip(regs, first_names, strict=False):
                reg.person.first_name = first
            db.session.commit()
        admin = make_user(
            Role.ADMIN, email=f"admin{session.id}@example.org", municipality_name=None
        )
        statuses = {
            r.id: (AttendanceStatus.ABSENT if n in absent else AttendanceStatus.PRESENT)
            for n, r in enumerate(regs)
        }
        close_with_marks(
            session, admin, statuses, {regs[i].id: s for i, s in (scores or {}).items()}
        )
        return session, admin, regs

    return make
