"""Report tests: closed sessions in chosen months of last year, with people of several
municipalities and positions, their attendance and their documents.

Each participant is described by a plain tuple, and tests compute the expected figures from
those tuples in Python, independently of the SQL under test.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta

import pytest

from tests.attendance.conftest import taught_session  # noqa: F401  (fixtures)
from tests.catalog.conftest import (  # noqa: F401
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from tests.certificates.conftest import signatories  # noqa: F401
from tests.enrollment.conftest import participant  # noqa: F401
from training_app.accounts.models import Position, Role
from training_app.attendance import services as attendance
from training_app.attendance.models import AttendanceStatus
from training_app.attendance.services import MarkInput
from training_app.certificates import services as certificates
from training_app.core.timeutil import local_today
from training_app.enrollment import services as enrollment
from training_app.extensions import db

P, L, A, E = "present", "late", "absent", "excused"
LAST_YEAR = local_today().year - 1


@dataclass
class Attendee:
    """Who attended, and how, meeting by meeting: ("present",), ("late", 60), ("absent",)."""

    municipality: str | None
    position: Position | None
    marks: tuple


@dataclass
class Held:
    """What a test created for one session: the inputs the expected figures come from."""

    category: str
    month: int
    meeting_minutes: list[int]
    attendees: list[Attendee]
    issued: bool
    registrations: list = field(default_factory=list)
    session: object = None

    def attended(self, attendee: Attendee) -> int:
        total = 0
        for mark, minutes in zip(attendee.marks, self.meeting_minutes, strict=True):
            if mark[0] == P:
                total += minutes
            elif mark[0] == L:
                total += min(mark[1], minutes)
        return total

    def completed(self, attendee: Attendee) -> bool:
        # DOMAIN.md: 80% of the hours by default (8.0 of 10 qualify).
        return self.attended(attendee) * 100 >= 80 * sum(self.meeting_minutes)


_STATUS = {
    P: AttendanceStatus.PRESENT,
    L: AttendanceStatus.LATE,
    A: AttendanceStatus.ABSENT,
    E: AttendanceStatus.EXCUSED,
}


@pytest.fixture
def hold(make_session, make_course, participant, make_user, make_category, signatories):  # noqa: F811
    """hold(attendees, category=..., month=5, hours=(3, 3), issue=True, year=LAST_YEAR) -> Held.

    A session of `year`'s `month` (day 10 onwards), closed with the given marks; documents
    issued when `issue`. Categories are created once per name.
    """
    categories = {}
    admin = make_user(Role.ADMIN, email="rapor-admin@example.org", municipality_name=None)
    counter = iter(range(1, 100_000))

    def make(
        attendees, category="Mali Hizmetler", month=5, hours=(3, 3), issue=True, year=LAST_YEAR
    ) -> Held:
        if category not in categories:
            categories[category] = make_category(name=category)

        # Built here rather than with taught_session: its trainers' e-mails come from id(),
        # which Python reuses once a list is freed, and many sessions here would clash.
        start = local_today() + timedelta(days=10)
        trainer = make_user(
            Role.TRAINER,
            email=f"rapor-egitmen{next(counter)}@example.org",
            municipality_name=None,
        )
        session = make_session(
            course=make_course(category=categories[category]),
            starts_on=start,
            days=len(hours),
            meetings=[
                (start + timedelta(days=i), time(9), time(9 + h)) for i, h in enumerate(hours)
            ],
            trainers=[trainer.person],
            requires_approval=False,
            capacity=len(attendees) + 5,
        )
        held = Held(category, month, [h * 60 for h in hours], list(attendees), issue, [], session)
        for attendee in attendees:
            n = next(counter)
            user = participant(
                # Only members' staff may apply: someone without a municipality (union staff
                # registered by the office) is made by clearing it after enrolment.
                municipality_name=attendee.municipality or "Selçuklu",
                position=attendee.position,
                email=f"rapor{n}@example.org",
                last_name=f"Soyad{n}",
            )
            registration = enrollment.enroll(user.person, session, by=user)
            if attendee.municipality is None:
                registration.municipality_id = None
            registration.position = attendee.position
            held.registrations.append(registration)
        db.session.commit()
        # Move the session into last year's month, then take attendance and close it.
        first = date(year, month, 10)
        for i, meeting in enumerate(session.meetings):
            meeting.day = first + timedelta(days=i)
        session.starts_on = session.meetings[0].day
        session.ends_on = session.meetings[-1].day
        db.session.commit()
        for index, meeting in enumerate(session.meetings):
            marks = {}
            for registration, attendee in zip(held.registrations, attendees, strict=True):
                mark = attendee.marks[index]
                marks[registration.id] = MarkInput(
                    _STATUS[mark[0]], mark[1] if len(mark) > 1 else None
                )
            if marks:
                attendance.record_marks(meeting, marks, admin)
        db.session.commit()
        attendance.close_session(session, {}, admin)
        db.session.commit()
        if issue:
            certificates.issue_certificates(session, admin)
            db.session.commit()
        return held

    return make
