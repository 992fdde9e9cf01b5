"""Demo registrations and attendance, so that a first look shows every flow with real data:
applications waiting for the demo coordinators, a full session with a waiting list, confirmed
places, and past sessions with attendance taken and closed, most with their documents issued
(one is left for the office to issue, so the step can be tried). The demo participant holds a
confirmed seat in an upcoming session, and the demo trainer teaches a meeting on the day the demo
is loaded, so that their home pages show the next training and the "Yoklama al" button.

Runs through the real services; idempotent (does nothing once registrations exist).
"""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import delete, func, select

from ..accounts.models import Person, User
from ..attendance import services as attendance
from ..attendance.models import AttendanceStatus
from ..catalog.models import Meeting, Session, SessionStatus
from ..certificates import services as certificates
from ..core.errors import DomainError
from ..core.models import OutboxMessage
from ..core.timeutil import local_today
from ..enrollment import services as enrollment
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db

#: The demo's first aid course: its documents are valid 24 months (catalogue.py).
RENEWAL_COURSE = "YNG-102"


def _participants(demo_domain: str) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .join(User, User.id == Person.user_id)
            .where(User.email.like(f"katilimci%@{demo_domain}"))
            .order_by(Person.id)
        )
    )


def _enrol(person, session, by, rng) -> Registration | None:
    try:
        return enrollment.enroll(person, session, by, check_window=False)
    except DomainError:
        return None  # not eligible (position, clash): a real office would skip them too


def _hold_past_session(session, group, admin, rng, today, issue=True) -> int:
    """Register `group` (by the office, back then), take attendance at every meeting, close
    the session and issue its documents; returns how many were registered."""
    session.status = SessionStatus.PUBLISHED  # reopened only to run the real services
    registrations = []
    for person in group:
        # Registered by the office back then: the enrolment rules of today do not apply.
        registration = Registration(
            session=session,
            person=person,
            municipality_id=person.municipality_id,
            position=person.position,
            status=RegistrationStatus.REQUESTED,
        )
        registration.events.append(enrollment._first_event(admin))
        registration.move_to(RegistrationStatus.CONFIRMED, admin)
        db.session.add(registration)
        registrations.append(registration)
    db.session.flush()
    for meeting in session.meetings:
        marks = {}
        for registration in registrations:
            roll = rng.random()
            if roll < 0.88:
                marks[registration.id] = attendance.MarkInput(AttendanceStatus.PRESENT)
            elif roll < 0.95:
                marks[registration.id] = attendance.MarkInput(
                    AttendanceStatus.LATE, max(0, meeting.minutes - 45)
                )
            elif roll < 0.98:
                marks[registration.id] = attendance.MarkInput(AttendanceStatus.EXCUSED)
            else:
                marks[registration.id] = attendance.MarkInput(AttendanceStatus.ABSENT)
        attendance.record_marks(meeting, marks, admin)
    scores = {r.id: float(rng.randint(55, 98)) for r in registrations}
    session.seats_taken = len(registrations)
    attendance.close_session(session, scores if session.course.has_exam else {}, admin, today=today)
    if issue:
        certificates.issue_certificates(session, admin)
    return len(registrations)


#: First aid sessions held about two years ago (days before today, people): their documents
#: (valid 24 months) expire within the next weeks, or expired a fortnight ago, so that the
#: report of expiring documents and the expiry reminders have something to show.
RENEWAL_DEMO = ((-685, 6), (-745, 2))


def _renewals_due(people, main, admin, rng, today) -> int:
    """Old sessions of the first aid course, with documents that now need a renewal."""
    from datetime import timedelta

    from ..catalog.models import Course
    from .catalogue import _meetings_for, _weekday_start

    course = db.session.scalar(select(Course).where(Course.code == RENEWAL_COURSE))
    if course is None or not course.document_validity_months:
        return 0
    added = 0
    eligible = [p for p in people if course.is_open_to(p.position)]
    for number, (offset, size) in enumerate(RENEWAL_DEMO):
        hours = course.total_minutes // 60
        start = _weekday_start(today + timedelta(days=offset), max(1, -(-hours // 6)))
        meetings = _meetings_for(hours, start)
        session = Session(
            course=course,
            status=SessionStatus.PUBLISHED,
            starts_on=start,
            ends_on=meetings[-1].day,
            city="Konya",
            country="Türkiye",
            capacity=20,
            requires_approval=True,
            meetings=meetings,
        )
        db.session.add(session)
        group = rng.sample(eligible, min(len(eligible), size))
        if number == 0 and course.is_open_to(main.position) and main not in group:
            group.append(main)  # the demo participant sees the validity on My trainings
        added += _hold_past_session(session, group, admin, rng, today)
    return added


def _confirmed_seat(person: Person, sessions: list[Session], admin: User) -> int:
    """Register the person (by the office) for the first of `sessions` that gives a seat."""
    for session in sessions:
        try:
            registration = enrollment.enroll(
                person, session, admin, nominated=True, check_window=False
            )
        except DomainError:
            continue
        if registration.status == RegistrationStatus.CONFIRMED:
            return 1
    return 0


def _meeting_today(demo_domain: str, sessions: list[Session], today) -> None:
    """Move the first meeting of one of the demo trainer's upcoming sessions to today, clear of
    their other meetings, so that the trainer's home page offers the roll-call."""
    trainer = db.session.scalar(
        select(Person).join(User).where(User.email == f"egitmen@{demo_domain}")
    )
    if trainer is None:
        return
    taught = [s for s in sessions if s.meetings and any(t.id == trainer.id for t in s.trainers)]
    if not taught:
        return
    # A one-day session in a hall if there is one: the roll-call is taken in the room.
    session = min(taught, key=lambda s: (s.venue is None, len(s.meetings), s.starts_on))
    # It starts after whatever its trainers or its hall already have today (a draft, say).
    trainer_ids = {t.id for t in session.trainers}
    taken = [
        m.ends_at
        for m in db.session.scalars(
            select(Meeting)
            .join(Session, Meeting.session_id == Session.id)
            .where(Meeting.day == today, Session.status != SessionStatus.CANCELLED)
        )
        if {t.id for t in m.session.trainers} & trainer_ids
        or (session.venue_id and m.session.venue_id == session.venue_id)
    ]
    starts = max([time(9, 30), *taken])
    if starts >= time(20, 0):
        return
    meeting = session.meetings[0]
    meeting.day = session.starts_on = today
    meeting.starts_at = starts
    meeting.ends_at = min(time(23, 59), time(starts.hour + 3, starts.minute))
    # Applications closed when it began.
    closes = datetime.combine(today, time(0))
    if session.enrolment_opens_at is not None and session.enrolment_opens_at > closes:
        session.enrolment_opens_at = closes - timedelta(days=14)
    if session.enrolment_closes_at is None or session.enrolment_closes_at > closes:
        session.enrolment_closes_at = closes


def load_demo_activity(demo_domain: str) -> dict:
    if db.session.scalar(select(func.count(Registration.id))):
        return {"registrations_added": 0}
    from ..certificates.models import Signatory

    if db.session.scalar(select(func.count(Signatory.id))) == 0:
        # Fictional signatories for the demo documents; the office enters the real ones.
        db.session.add_all(
            [
                Signatory(name="Ahmet Yılmaz", title="Birlik Başkanı", sort_order=1),
                Signatory(name="Fatma Kaya", title="Genel Sekreter", sort_order=2),
            ]
        )
    rng = random.Random(2026)
    first_outbox_id = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    admin = db.session.scalar(select(User).where(User.email == f"admin@{demo_domain}"))
    people = _participants(demo_domain)
    main = db.session.scalar(
        select(Person).join(User).where(User.email == f"katilimci@{demo_domain}")
    )
    today = local_today()
    sessions = list(db.session.scalars(select(Session).order_by(Session.starts_on, Session.id)))
    past = [s for s in sessions if s.status == SessionStatus.COMPLETED]
    upcoming = [s for s in sessions if s.status == SessionStatus.PUBLISHED and s.starts_on > today]
    added = 0

    # Past sessions: registrations, attendance taken at every meeting, then closed.
    for session in past[:6]:
        group = [
            p
            for p in rng.sample(people, min(len(people), 14))
            if session.course.is_open_to(p.position)
        ][:12]
        if session is past[0] and session.course.is_open_to(main.position):
            group.append(main)
        issue = session is not past[min(5, len(past) - 1)]
        added += _hold_past_session(session, group, admin, rng, today, issue=issue)
    added += _renewals_due(people, main, admin, random.Random(1978), today)

    # Upcoming sessions: some applications for each, one session full with a waiting list.
    coordinators = {
        m_id: u
        for u in db.session.scalars(
            select(User).where(User.email.like(f"koordinator%@{demo_domain}"))
        )
        for m_id in u.coordinated_municipality_ids
    }
    for index, session in enumerate(upcoming[:10]):
        if index == 0:
            session.capacity = min(session.capacity, 8)
            session.requires_approval = False
            group = rng.sample(people, 11) + [main]
        else:
            group = rng.sample(people, 6) + ([main] if index in (1, 2) else [])
        for person in group:
            registration = _enrol(person, session, person.user, rng)
            if registration is None:
                continue
            added += 1
            coordinator = coordinators.get(registration.municipality_id)
            # About half of the applications are decided; the rest wait in the inboxes.
            if registration.status == RegistrationStatus.PENDING_APPROVAL and rng.random() < 0.5:
                enrollment.approve(registration, coordinator or admin)
    added += _confirmed_seat(main, upcoming[3:10], admin)
    _meeting_today(demo_domain, upcoming[3:], today)
    db.session.flush()
    # Demo people have no real mailboxes: drop what the services queued for them.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > first_outbox_id))
    return {"registrations_added": added}
