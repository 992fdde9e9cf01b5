"""One summary per role for the home page, each in a fixed number of queries (no N+1)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..accounts.models import Person, User
from ..attendance.models import Completion
from ..attendance.online import link_window
from ..catalog.models import (
    Course,
    CourseAudience,
    DocumentKind,
    Meeting,
    Session,
    SessionStatus,
    session_trainers,
)
from ..certificates.expiry import expiring_count
from ..certificates.models import Certificate, CertificateStatus, PrintJob, PrintJobStatus
from ..core.datefields import DATE_DISPLAY
from ..core.timeutil import local_now, local_to_utc, utcnow
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db
from ..privacy.models import DeletionRequest, DeletionRequestStatus

S = RegistrationStatus

#: How many rows a section lists before "see all" takes over.
LIMIT = 5
#: An issued document counts as new for this long.
NEW_DOCUMENT_DAYS = 30
#: A no-show is followed up for this long after the session ended.
NO_SHOW_DAYS = 90
#: Documents expiring this soon are counted on the office's and coordinators' home pages (the
#: first expiry reminder goes 60 days ahead).
EXPIRY_DAYS = 60


def expiry_report_args(today: date) -> dict[str, str]:
    """The expiring-documents report's filters for the period the home pages count, so the
    list behind the link shows the same documents as the number on it (typed the way a person
    would type them, since the report's date fields show them back)."""
    return {
        "date_from": today.strftime(DATE_DISPLAY),
        "date_to": (today + timedelta(days=EXPIRY_DAYS)).strftime(DATE_DISPLAY),
    }


#: "Open to you" looks this far ahead: a calendar month would be empty on its last day.
OPEN_WINDOW = timedelta(days=31)


def month_bounds(today: date) -> tuple[date, date]:
    """First and last day of today's month."""
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def join_link_visible(meeting: Meeting, now: datetime) -> bool:
    """The online feature's window: from shortly before a meeting until it ends."""
    opens, closes = link_window(meeting)
    return opens <= now <= closes


def _session_details(query):
    return query.options(
        selectinload(Session.course), selectinload(Session.venue), selectinload(Session.meetings)
    )


# --- participant -----------------------------------------------------------------------------


@dataclass
class NextTraining:
    registration: Registration
    meeting: Meeting | None
    #: The online link, only while joining makes sense.
    join_url: str | None


@dataclass
class ParticipantHome:
    next_training: NextTraining | None = None
    pending: list[Registration] = field(default_factory=list)
    waitlisted: list[tuple[Registration, int]] = field(default_factory=list)
    new_documents: list[Certificate] = field(default_factory=list)
    open_to_me: list[Session] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return (
            not (self.next_training or self.pending or self.waitlisted or self.new_documents)
            and not self.open_to_me
        )


def participant_home(person: Person, now: datetime | None = None) -> ParticipantHome:
    """Next training, applications and waiting places, new documents, what is open to them."""
    now = now or local_now()
    today = now.date()
    home = ParticipantHome()
    registrations = db.session.scalars(
        select(Registration)
        .join(Session, Session.id == Registration.session_id)
        .where(
            Registration.person_id == person.id,
            Registration.status.in_((S.CONFIRMED, S.PENDING_APPROVAL, S.REQUESTED, S.WAITLISTED)),
            Session.ends_on >= today,
            Session.status == SessionStatus.PUBLISHED,
        )
        .options(
            selectinload(Registration.session).selectinload(Session.course),
            selectinload(Registration.session).selectinload(Session.venue),
            selectinload(Registration.session).selectinload(Session.meetings),
        )
        .order_by(Session.starts_on, Registration.id)
    ).all()
    waitlisted = []
    for registration in registrations:
        if registration.status == S.CONFIRMED:
            if home.next_training is None:
                home.next_training = _next_training(registration, now)
        elif registration.status == S.WAITLISTED:
            waitlisted.append(registration)
        else:
            home.pending.append(registration)
    home.waitlisted = _waitlist_places(waitlisted)
    home.new_documents = db.session.scalars(
        select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(
            Registration.person_id == person.id,
            Certificate.status == CertificateStatus.VALID,
            Certificate.issued_at >= utcnow() - timedelta(days=NEW_DOCUMENT_DAYS),
        )
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(LIMIT)
    ).all()
    home.open_to_me = _open_this_month(person, now, {r.session_id for r in registrations})
    return home


def _next_training(registration: Registration, now: datetime) -> NextTraining:
    session = registration.session
    meeting = next((m for m in session.meetings if m.end >= now), None)
    join_url = None
    if session.online_url and meeting is not None and join_link_visible(meeting, now):
        join_url = session.online_url
    return NextTraining(registration, meeting, join_url)


def _waitlist_places(registrations: list[Registration]) -> list[tuple[Registration, int]]:
    """Each waitlisted registration with its place in line, in one query for all of them."""
    if not registrations:
        return []
    ahead = aliased(Registration)
    counts = dict(
        db.session.execute(
            select(Registration.id, func.count(ahead.id))
            .join(
                ahead,
                and_(
                    ahead.session_id == Registration.session_id,
                    ahead.status == S.WAITLISTED,
                    or_(
                        ahead.requested_at < Registration.requested_at,
                        and_(
                            ahead.requested_at == Registration.requested_at,
                            ahead.id <= Registration.id,
                        ),
                    ),
                ),
            )
            .where(Registration.id.in_([r.id for r in registrations]))
            .group_by(Registration.id)
        ).all()
    )
    return [(r, counts.get(r.id, 1)) for r in registrations]


def _open_this_month(person: Person, now: datetime, taken: set[int]) -> list[Session]:
    """Published sessions starting within the coming month (not yet begun) whose application
    period is open now and whose course admits the person's position (a course with no
    audience admits everyone)."""
    today = now.date()
    now_utc = local_to_utc(now)
    restricted = select(CourseAudience.course_id).where(CourseAudience.course_id == Course.id)
    admitted = ~restricted.exists()
    if person.position is not None:
        admitted = or_(
            admitted,
            select(CourseAudience.course_id)
            .where(
                CourseAudience.course_id == Course.id, CourseAudience.position == person.position
            )
            .exists(),
        )
    query = _session_details(select(Session)).join(Course, Course.id == Session.course_id)
    query = query.where(
        Session.status == SessionStatus.PUBLISHED,
        Course.is_published.is_(True),
        Session.starts_on >= today,
        Session.starts_on <= today + OPEN_WINDOW,
        or_(Session.enrolment_opens_at.is_(None), Session.enrolment_opens_at <= now_utc),
        or_(Session.enrolment_closes_at.is_(None), Session.enrolment_closes_at > now_utc),
        admitted,
    )
    if taken:
        query = query.where(Session.id.not_in(taken))
    # A session of today whose first meeting has begun takes no more applications.
    candidates = db.session.scalars(
        query.order_by(Session.starts_on, Session.id).limit(LIMIT * 2)
    ).all()
    return [s for s in candidates if not s.meetings or min(m.start for m in s.meetings) > now][
        :LIMIT
    ]


# --- trainer ---------------------------------------------------------------------------------


@dataclass
class TrainerHome:
    today: list[Meeting] = field(default_factory=list)
    this_week: list[Meeting] = field(default_factory=list)
    to_close: list[Session] = field(default_factory=list)


def trainer_home(person: Person, now: datetime | None = None) -> TrainerHome:
    """Today's meetings first, then those of the next six days, then sessions whose attendance
    is to be completed (their last day has passed and the office has not closed them)."""
    now = now or local_now()
    today = now.date()
    week_end = today + timedelta(days=6)
    taught = select(session_trainers.c.session_id).where(session_trainers.c.person_id == person.id)
    meetings = db.session.scalars(
        select(Meeting)
        .join(Session, Session.id == Meeting.session_id)
        .where(
            Session.id.in_(taught),
            Session.status == SessionStatus.PUBLISHED,
            Meeting.day >= today,
            Meeting.day <= week_end,
        )
        .options(
            selectinload(Meeting.session).selectinload(Session.course),
            selectinload(Meeting.session).selectinload(Session.venue),
        )
        .order_by(Meeting.day, Meeting.starts_at, Meeting.id)
    ).all()
    home = TrainerHome()
    for meeting in meetings:
        (home.today if meeting.day == today else home.this_week).append(meeting)
    home.to_close = db.session.scalars(
        _session_details(select(Session))
        .where(
            Session.id.in_(taught),
            Session.status == SessionStatus.PUBLISHED,
            Session.ends_on < today,
        )
        .order_by(Session.ends_on, Session.id)
    ).all()
    return home


# --- coordinator -----------------------------------------------------------------------------


@dataclass
class CoordinatorHome:
    waiting_count: int = 0
    waiting: list[Registration] = field(default_factory=list)
    this_month: list[Registration] = field(default_factory=list)
    this_month_count: int = 0
    no_show_count: int = 0
    no_shows: list[Registration] = field(default_factory=list)
    #: Their people's documents expiring within EXPIRY_DAYS, not renewed.
    expiring_count: int = 0
    #: The report's filters for that same period (the link behind the count).
    expiring_args: dict[str, str] = field(default_factory=dict)


def coordinator_home(user: User, now: datetime | None = None) -> CoordinatorHome:
    """Applications waiting (oldest first), their people's trainings this month, no-shows."""
    from ..enrollment.queries import pending_for

    now = now or local_now()
    today = now.date()
    first, last = month_bounds(today)
    ids = user.coordinated_municipality_ids
    home = CoordinatorHome()
    pending = pending_for(user)
    home.waiting_count = db.session.scalar(
        select(func.count()).select_from(pending.order_by(None).subquery())
    )
    home.waiting = db.session.scalars(pending.limit(LIMIT)).all()
    if not ids:
        return home
    details = (
        selectinload(Registration.session).selectinload(Session.course),
        selectinload(Registration.person),
    )
    in_month = (
        select(Registration)
        .join(Session, Session.id == Registration.session_id)
        .where(
            Registration.municipality_id.in_(ids),
            Registration.status.in_((S.CONFIRMED, S.COMPLETED)),
            Session.status.in_((SessionStatus.PUBLISHED, SessionStatus.COMPLETED)),
            Session.starts_on <= last,
            Session.ends_on >= first,
        )
    )
    home.this_month_count = db.session.scalar(select(func.count()).select_from(in_month.subquery()))
    home.this_month = db.session.scalars(
        in_month.options(*details).order_by(Session.starts_on, Registration.id).limit(LIMIT)
    ).all()
    no_shows = (
        select(Registration)
        .join(Session, Session.id == Registration.session_id)
        .where(
            Registration.municipality_id.in_(ids),
            Registration.status == S.NO_SHOW,
            Session.ends_on >= today - timedelta(days=NO_SHOW_DAYS),
        )
    )
    home.no_show_count = db.session.scalar(select(func.count()).select_from(no_shows.subquery()))
    home.no_shows = db.session.scalars(
        no_shows.options(*details).order_by(Session.ends_on.desc(), Registration.id).limit(LIMIT)
    ).all()
    home.expiring_count = expiring_count(today, today + timedelta(days=EXPIRY_DAYS), ids)
    home.expiring_args = expiry_report_args(today)
    return home


# --- office ----------------------------------------------------------------------------------


@dataclass
class DocumentsToIssue:
    session: Session
    count: int


@dataclass
class DeletionDue:
    request: DeletionRequest
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass
class OfficeHome:
    to_close: list[Session] = field(default_factory=list)
    to_issue: list[DocumentsToIssue] = field(default_factory=list)
    prints_ready: list[PrintJob] = field(default_factory=list)
    deletions: list[DeletionDue] = field(default_factory=list)
    #: Applications the office may decide (every municipality's), oldest first.
    waiting_count: int = 0
    #: Documents expiring within EXPIRY_DAYS, not renewed (people to invite to a renewal).
    expiring_count: int = 0
    #: The report's filters for that same period (the link behind the count).
    expiring_args: dict[str, str] = field(default_factory=dict)

    @property
    def task_count(self) -> int:
        return (
            (len(self.to_close) + len(self.to_issue) + len(self.prints_ready) + len(self.deletions))
            + (1 if self.waiting_count else 0)
            + (1 if self.expiring_count else 0)
        )


def office_home(now: datetime | None = None) -> OfficeHome:
    """The training office's task list: each row is one piece of work and where it is done."""
    now = now or local_now()
    today = now.date()
    home = OfficeHome()
    home.to_close = db.session.scalars(
        select(Session)
        .where(Session.status == SessionStatus.PUBLISHED, Session.ends_on < today)
        .options(selectinload(Session.course))
        .order_by(Session.ends_on, Session.id)
    ).all()
    rows = db.session.execute(
        select(Session, func.count(Registration.id))
        .join(Registration, Registration.session_id == Session.id)
        .join(Completion, Completion.registration_id == Registration.id)
        .outerjoin(Certificate, Certificate.valid_registration_id == Registration.id)
        .where(
            Session.status == SessionStatus.COMPLETED,
            Registration.status == S.COMPLETED,
            Completion.document_kind != DocumentKind.NONE,
            Certificate.id.is_(None),
        )
        .options(selectinload(Session.course))
        .group_by(Session.id)
        .order_by(Session.ends_on, Session.id)
    ).all()
    home.to_issue = [DocumentsToIssue(session, count) for session, count in rows]
    home.prints_ready = db.session.scalars(
        select(PrintJob)
        .where(PrintJob.status == PrintJobStatus.DONE, PrintJob.downloaded_at.is_(None))
        .order_by(PrintJob.finished_at.desc(), PrintJob.id.desc())
    ).all()
    requests = db.session.scalars(
        select(DeletionRequest)
        .where(DeletionRequest.status == DeletionRequestStatus.OPEN)
        .options(selectinload(DeletionRequest.person))
        .order_by(DeletionRequest.due_on, DeletionRequest.id)
    ).all()
    home.deletions = [DeletionDue(r, (r.due_on - today).days) for r in requests]
    home.waiting_count = db.session.scalar(
        select(func.count(Registration.id)).where(Registration.status == S.PENDING_APPROVAL)
    )
    home.expiring_count = expiring_count(today, today + timedelta(days=EXPIRY_DAYS))
    home.expiring_args = expiry_report_args(today)
    return home


# --- everyone --------------------------------------------------------------------------------


def upcoming_sessions(today: date, limit: int = 6) -> list[Session]:
    """The next published sessions of published courses, for the public home page."""
    return db.session.scalars(
        _session_details(select(Session))
        .join(Course, Course.id == Session.course_id)
        .where(
            Session.status == SessionStatus.PUBLISHED,
            Course.is_published.is_(True),
            Session.starts_on >= today,
        )
        .order_by(Session.starts_on, Session.id)
        .limit(limit)
    ).all()
