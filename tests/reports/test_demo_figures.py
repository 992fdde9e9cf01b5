"""The dashboard's figures for the demo data (what `flask demo` loads) against counts computed
in Python from the ORM rows: sessions, registrations, attendance marks and documents, not the
completions the SQL under test sums."""

import io
from collections import defaultdict
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from training_app.accounts.models import User
from training_app.attendance.models import AttendanceMark, AttendanceStatus
from training_app.catalog.models import Session, SessionStatus
from training_app.certificates import services as certificates
from training_app.certificates.models import Certificate
from training_app.demo import load_demo_data
from training_app.demo.people import DEMO_DOMAIN
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db
from training_app.reports import services, yearly
from training_app.reports.services import Period, Scope

S = RegistrationStatus


@pytest.fixture
def demo(app):
    """The demo data, plus the documents of one closed session (the demo issues none, and a
    figure that is always zero proves little)."""
    load_demo_data()
    db.session.commit()
    closed = db.session.scalars(
        select(Session)
        .where(Session.status == SessionStatus.COMPLETED)
        .order_by(Session.starts_on.desc(), Session.id)
    ).all()
    admin = db.session.scalar(select(User).where(User.email == f"admin@{DEMO_DOMAIN}"))
    completed = set(
        db.session.scalars(
            select(Registration.session_id).where(Registration.status == S.COMPLETED)
        )
    )
    with_people = [s for s in closed if s.id in completed]
    assert with_people, "the demo has no completed training"
    certificates.issue_certificates(with_people[0], admin)
    db.session.commit()
    return closed


def _minutes(meeting) -> int:
    start = datetime.combine(meeting.day, meeting.starts_at)
    return int((datetime.combine(meeting.day, meeting.ends_at) - start).total_seconds() // 60)


def _counted(mark: AttendanceMark, meeting_minutes: int) -> int:
    if mark.status == AttendanceStatus.PRESENT:
        return meeting_minutes
    if mark.status == AttendanceStatus.LATE:
        if mark.minutes_attended is None:
            return meeting_minutes
        return min(mark.minutes_attended, meeting_minutes)
    return 0


def expected_figures(year: int) -> dict:
    """{group: [sessions, participants, no-shows, attended, planned, documents]} for the year,
    group "total" and each municipality name (None without one), from plain rows."""
    sessions = [
        s
        for s in db.session.scalars(select(Session))
        if s.status == SessionStatus.COMPLETED and s.starts_on.year == year
    ]
    valid = {
        c.valid_registration_id
        for c in db.session.scalars(select(Certificate))
        if c.valid_registration_id is not None
    }
    registrations = defaultdict(list)
    for registration in db.session.scalars(select(Registration)):
        registrations[registration.session_id].append(registration)
    marks = defaultdict(list)
    for mark in db.session.scalars(select(AttendanceMark)):
        marks[mark.registration_id].append(mark)
    groups = defaultdict(lambda: [set(), 0, 0, 0, 0, 0])
    for session in sessions:
        groups["total"][0].add(session.id)
        minutes = {m.id: _minutes(m) for m in session.meetings}
        for registration in registrations[session.id]:
            if registration.status not in (S.COMPLETED, S.NO_SHOW):
                continue
            name = registration.municipality.name if registration.municipality else None
            attended = sum(
                _counted(mark, minutes[mark.meeting_id]) for mark in marks[registration.id]
            )
            for key in ("total", name):
                line = groups[key]
                line[0].add(session.id)
                line[1] += registration.status == S.COMPLETED
                line[2] += registration.status == S.NO_SHOW
                line[3] += attended
                line[4] += sum(minutes.values())
                line[5] += registration.id in valid
    return {key: [len(v[0]), *v[1:]] for key, v in groups.items()}


def figures(f: services.Figures) -> list:
    return [
        f.sessions,
        f.participants,
        f.no_shows,
        f.attended_minutes,
        f.planned_minutes,
        f.documents,
    ]


def test_demo_dashboard_matches_counts_from_the_rows(demo):
    years = sorted({s.starts_on.year for s in demo})
    assert years, "the demo has no closed session"
    for year in years:
        expected = expected_figures(year)
        data = services.dashboard(Period.year(year), Scope())
        total = expected["total"]
        assert figures(data.summary) == total, year
        assert data.summary.participant_hours == pytest.approx(total[3] / 60)
        assert data.summary.attendance_rate == pytest.approx(total[3] / total[4])
        by_municipality = {
            (f.label if f.key is not None else None): figures(f) for f in data.by_municipality
        }
        assert by_municipality == {k: v for k, v in expected.items() if k != "total"}, year
    # The demo is worth comparing: people, no-shows, documents and several municipalities.
    busiest = max(years, key=lambda y: expected_figures(y)["total"][1])
    total = expected_figures(busiest)["total"]
    assert total[0] >= 1 and total[1] >= 10 and total[5] >= 1
    assert len(expected_figures(busiest)) > 3


def test_demo_yearly_report_prints_the_same_totals(app, demo):
    year = max(s.starts_on.year for s in demo)
    total = expected_figures(year)["total"]
    with app.test_request_context():
        data = yearly.render(year, Scope())
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert f"{year} Yılı Faaliyet Raporu" in text
    assert f"Yapılan eğitim dönemi {total[0]} " in text
    assert f"Katılımcı {total[1]} " in text
    assert f"Katılmayan {total[2]} " in text
    assert f"Düzenlenen belge {total[5]} " in text
