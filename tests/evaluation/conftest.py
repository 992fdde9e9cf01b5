"""Evaluation tests: a session held in the past, its attendance taken, ready to be closed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.attendance.conftest import taught_session  # noqa: F401  (fixtures)
from tests.catalog.conftest import (  # noqa: F401  (fixtures)
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
from training_app.core.models import OutboxMessage
from training_app.core.timeutil import local_today
from training_app.evaluation.default_questionnaire import ensure_default_questionnaire
from training_app.extensions import db


@pytest.fixture
def held_session(taught_session, make_user):  # noqa: F811
    """held(statuses=("present", "late", "absent")) -> (session, admin, registrations).

    A two-meeting session that ended yesterday; the first meeting marked with `statuses` (one a
    participant), the second all absent, so that "present" and "late" attended and "absent" not.
    The default questionnaire is seeded.
    """

    def make(statuses=("present", "late", "absent"), **fields):
        ensure_default_questionnaire()
        session, trainer, registrations = taught_session(
            people=len(statuses), hours=(3, 3), **fields
        )
        # Enrolled while it was ahead; now held: the two meetings were the last two days.
        for n, meeting in enumerate(session.meetings):
            meeting.day = local_today() - timedelta(days=2 - n)
        session.starts_on, session.ends_on = session.meetings[0].day, session.meetings[1].day
        admin = make_user(Role.ADMIN, email=f"ofis{session.id}@example.org", first_name="Ofis")
        first, second = session.meetings
        attendance.record_marks(
            first,
            {
                r.id: MarkInput(AttendanceStatus(status))
                for r, status in zip(registrations, statuses, strict=True)
            },
            trainer,
        )
        attendance.record_marks(
            second, {r.id: MarkInput(AttendanceStatus.ABSENT) for r in registrations}, trainer
        )
        db.session.commit()
        return session, admin, registrations

    return make


def close(session, admin):
    attendance.close_session(session, {}, admin, now=None)
    db.session.commit()


def mails_to(email: str) -> list[OutboxMessage]:
    """The evaluation mails (invitation, reminder) queued for an address."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == email, OutboxMessage.dedup_key.like("evaluation_%"))
            .order_by(OutboxMessage.id)
        )
    )
