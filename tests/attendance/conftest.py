"""Attendance tests: a published session with confirmed participants and its trainer."""

from datetime import time, timedelta

import pytest

from tests.catalog.conftest import (  # noqa: F401  (fixtures)
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from tests.enrollment.conftest import participant  # noqa: F401
from training_app.accounts.models import Role
from training_app.enrollment import services as enrollment
from training_app.extensions import db


@pytest.fixture
def taught_session(make_session, make_course, make_user, participant):  # noqa: F811
    """make(people=3, hours=(3, 3), **course_fields) -> (session, trainer_user, registrations).

    One meeting per entry of `hours`, on consecutive days from 09:00. People enrol while the
    session is ahead (starting in ten days, or on `day`); then, unless started=False, the whole
    timetable moves back to end before today, so that its meetings can be marked (marks are
    refused before a meeting starts).
    """

    def make(
        people: int = 3,
        hours=(3, 3),
        last_names=None,
        course=None,
        day=None,
        started=True,
        **fields,
    ):
        from training_app.core.timeutil import local_today

        start = day or local_today() + timedelta(days=10)
        meetings = [(start + timedelta(days=i), time(9), time(9 + h)) for i, h in enumerate(hours)]
        trainer = make_user(
            Role.TRAINER,
            email=f"egitmen{id(meetings)}@example.org",
            first_name="İsmail",
            last_name="Güneş",
            municipality_name=None,
        )
        session = make_session(
            course=course or make_course(**fields),
            starts_on=start,
            days=len(hours),
            meetings=meetings,
            trainers=[trainer.person],
            requires_approval=False,
            capacity=max(people, 1) + 5,
        )
        registrations = []
        for n in range(people):
            last = last_names[n] if last_names else f"Soyad{n}"
            user = participant(last_name=last)
            registrations.append(enrollment.enroll(user.person, session, by=user))
        if started:
            shift = session.starts_on - (local_today() - timedelta(days=len(hours)))
            session.starts_on -= shift
            session.ends_on -= shift
            for meeting in session.meetings:
                meeting.day -= shift
        db.session.commit()
        return session, trainer, registrations

    return make
