"""Enrolment use cases: apply, approve, refuse, cancel, nominate, and the waiting list.

Seats are guarded by the database: every change that can take or free a seat first locks the
session row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the first write of the transaction
takes the database's write lock), then counts. `Session.seats_taken` is the confirmed count kept
under that lock.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import aliased

from ..accounts.models import Person, Role, User
from ..catalog.calendar import session_attachment
from ..catalog.models import Meeting, Session, SessionStatus
from ..catalog.services import session_dates_label
from ..core import audit
from ..core.errors import Conflict, DomainError, NotAllowed
from ..core.mail import queue_mail
from ..core.permissions import can_manage_municipality
from ..core.timeutil import ISTANBUL, utcnow
from ..extensions import db
from .models import ACTIVE_STATES, Registration, RegistrationStatus

S = RegistrationStatus


# --- locking and counting --------------------------------------------------------------------


def lock_session(session: Session) -> None:
    """Serialise seat decisions for one session until the transaction ends, then reload it."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(Session.id).where(Session.id == session.id).with_for_update())
    else:
        # SQLite locks the whole database for writing at the first write of a transaction.
        db.session.execute(
            update(Session).where(Session.id == session.id).values(seats_taken=Session.seats_taken)
        )
    db.session.refresh(session)


def confirmed_count(session_id: int, municipality_id: int | None = None) -> int:
    query = select(func.count(Registration.id)).where(
        Registration.session_id == session_id, Registration.status == S.CONFIRMED
    )
    if municipality_id is not None:
        query = query.where(Registration.municipality_id == municipality_id)
    return db.session.scalar(query) or 0


def seat_available(session: Session, municipality_id: int | None) -> bool:
    """A free seat in the session and within the municipality's quota (call under the lock)."""
    if session.seats_taken >= session.capacity:
        return False
    if session.municipality_quota is not None and municipality_id is not None:
        return confirmed_count(session.id, municipality_id) < session.municipality_quota
    return True


def session_has_started(session: Session, now: datetime | None = None) -> bool:
    """True once the first meeting has begun (local time)."""
    now_local = (now or utcnow()).replace(tzinfo=None)
    now_local = utc_to_local(now_local)
    first = min((m.start for m in session.meetings), default=None)
    if first is None:
        return now_local.date() >= session.starts_on
    return now_local >= first


def utc_to_local(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=UTC).astimezone(ISTANBUL).replace(tzinfo=None)


# --- eligibility -----------------------------------------------------------------------------


def _overlapping_session(person: Person, session: Session) -> Session | None:
    """Another session the person is confirmed in with a meeting overlapping one of this one's."""
    mine = aliased(Meeting)
    theirs = aliased(Meeting)
    return db.session.scalar(
        select(Session)
        .join(theirs, theirs.session_id == Session.id)
        .join(Registration, Registration.session_id == Session.id)
        .join(
            mine,
            and_(
                mine.session_id == session.id,
                mine.day == theirs.day,
                mine.starts_at < theirs.ends_at,
                theirs.starts_at < mine.ends_at,
            ),
        )
        .where(
            Registration.person_id == person.id,
            Registration.status == S.CONFIRMED,
            Session.id != session.id,
        )
        .limit(1)
    )


def eligibility_problem(
    person: Person, session: Session, now: datetime | None = None, check_window: bool = True
) -> str | None:
    """Why this person may not apply for this session, in the user's language; None if they may."""
    now = now or utcnow()
    if session.status != SessionStatus.PUBLISHED or not session.course.is_published:
        return _("This session is not open for applications.")
    if check_window:
        if session.enrolment_opens_at and now < session.enrolment_opens_at:
            return _("Applications for this session have not opened yet.")
        if session.enrolment_closes_at and now >= session.enrolment_closes_at:
            return _("Applications for this session are closed.")
    if session_has_started(session, now):
        return _("This session has already started.")
    if not session.course.is_open_to(person.position):
        return _(
            "This training is open only to: %(positions)s.",
            positions=", ".join(session.course.audience_labels),
        )
    municipality = person.municipality
    if municipality is None or not municipality.is_member or not municipality.is_active:
        return _(
            "Only staff of member municipalities can apply. Check the municipality in your profile."
        )
    existing = registration_of(person, session)
    if existing is not None and existing.status not in (S.REFUSED, S.CANCELLED):
        return (
            _("You are already registered for this session.")
            if existing.status in (S.CONFIRMED, S.COMPLETED)
            else _("You have already applied for this session.")
        )
    clash = _overlapping_session(person, session)
    if clash is not None:
        return _(
            "This session overlaps with “%(course)s” (%(dates)s), in which you are already "
            "registered.",
            course=clash.course.title,
            dates=session_dates_label(clash),
        )
    return None


def registration_of(person: Person, session: Session) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.person_id == person.id, Registration.session_id == session.id
        )
    )


# --- moves -----------------------------------------------------------------------------------


#: Mails that carry the session's calendar file: a seat is theirs, or the session is off.
WITH_CALENDAR = {
    "registration_confirmed",
    "registration_promoted",
    "registration_session_cancelled",
}


def _mail(registration: Registration, template: str, **context) -> None:
    user = registration.person.user
    if user is None or not user.is_active:
        return
    session = registration.session
    queue_mail(
        user.email,
        template,
        attachments=(
            [session_attachment(session, (user.email, registration.person.full_name))]
            if template in WITH_CALENDAR
            else []
        ),
        locale=user.locale,
        person_name=registration.person.full_name,
        course_title=session.course.title,
        dates=session_dates_label(session),
        place=session.place_label,
        session_id=session.id,
        reason=registration.reason,
        **context,
    )


def _tell_coordinators(registration: Registration) -> None:
    """Mail the municipality's coordinators that an application waits for their decision."""
    from ..accounts.models import RoleAssignment

    coordinators = db.session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == Role.COORDINATOR,
            RoleAssignment.municipality_id == registration.municipality_id,
            User.is_active_account.is_(True),
        )
    ).all()
    session = registration.session
    for coordinator in coordinators:
        queue_mail(
            coordinator.email,
            "registration_to_approve",
            locale=coordinator.locale,
            coordinator_name=coordinator.display_name,
            person_name=registration.person.full_name,
            course_title=session.course.title,
            dates=session_dates_label(session),
            place=session.place_label,
        )


def _seat_or_waitlist(registration: Registration, by: User | None) -> None:
    """Confirm when a seat is free (capacity and quota), otherwise put on the waiting list."""
    session = registration.session
    if seat_available(session, registration.municipality_id):
        registration.move_to(S.CONFIRMED, by)
        session.seats_taken += 1
        _mail(registration, "registration_confirmed")
    else:
        registration.move_to(S.WAITLISTED, by)
        from .quota import held_by_quota

        _mail(
            registration,
            "registration_waitlisted",
            position=waitlist_position(registration),
            quota_full=held_by_quota(registration),
        )


def enroll(
    person: Person, session: Session, by: User, nominated: bool = False, check_window: bool = True
) -> Registration:
    """Apply for a session (or register someone, for a coordinator's nomination or the office).

    Sessions needing approval wait for the municipality's coordinator unless the registration
    comes from a coordinator or the office; the others take a seat or a waiting-list place.
    """
    lock_session(session)
    problem = eligibility_problem(person, session, check_window=check_window)
    if problem:
        raise DomainError(problem)
    registration = registration_of(person, session)
    if registration is None:
        registration = Registration(session=session, person=person, status=S.REQUESTED)
        registration.events.append(_first_event(by))
        db.session.add(registration)
    else:
        registration.move_to(S.REQUESTED, by)
    registration.municipality_id = person.municipality_id
    registration.position = person.position
    registration.nominated_by_id = by.id if nominated else None
    db.session.flush()
    audit.record(
        "registration.request",
        registration,
        {"session_id": session.id, "nominated": nominated},
        actor=by,
    )
    if session.requires_approval and not nominated:
        registration.move_to(S.PENDING_APPROVAL, by)
        _mail(registration, "registration_received")
        _tell_coordinators(registration)
    else:
        _seat_or_waitlist(registration, by)
    db.session.flush()
    return registration


def _first_event(by: User | None):
    from .models import RegistrationEvent

    return RegistrationEvent(
        from_status=None, to_status=S.REQUESTED, by_user_id=by.id if by else None
    )


def can_decide(user: User, registration: Registration) -> bool:
    """The coordinator of the person's municipality, or the union's office, decides."""
    return can_manage_municipality(user, registration.municipality_id)


def approve(registration: Registration, by: User) -> None:
    if not can_decide(by, registration):
        raise NotAllowed(_("Only the coordinator of the person's municipality can decide."))
    if registration.status != S.PENDING_APPROVAL:
        raise Conflict(_("This application has already been decided."))
    lock_session(registration.session)
    _seat_or_waitlist(registration, by)
    audit.record(
        "registration.approve", registration, {"result": registration.status.value}, actor=by
    )


def refuse(registration: Registration, by: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write the reason for the refusal."), field="reason")
    if not can_decide(by, registration):
        raise NotAllowed(_("Only the coordinator of the person's municipality can decide."))
    if registration.status not in (S.PENDING_APPROVAL, S.WAITLISTED):
        raise Conflict(_("This application has already been decided."))
    registration.move_to(S.REFUSED, by, reason)
    audit.record("registration.refuse", registration, {"reason": reason}, actor=by)
    _mail(registration, "registration_refused")


def can_cancel_own(registration: Registration, now: datetime | None = None) -> bool:
    deadline = registration.session.cancellation_deadline
    return registration.is_active and (deadline is None or (now or utcnow()) < deadline)


def cancel(registration: Registration, by: User, reason: str | None = None) -> None:
    """Withdraw a registration; a freed seat goes to the first person on the waiting list.

    The person may cancel until the cancellation deadline; after it only their coordinator or
    the office can, with a reason.
    """
    reason = (reason or "").strip() or None
    own = registration.person.user_id == by.id
    manager = can_manage_municipality(by, registration.municipality_id)
    if not registration.is_active:
        raise Conflict(_("This registration is not active."))
    if not manager:
        if not own:
            raise NotAllowed(_("You cannot cancel this registration."))
        if not can_cancel_own(registration):
            raise NotAllowed(
                _(
                    "The cancellation deadline has passed. Ask your municipality's "
                    "training coordinator or the union's training office."
                )
            )
    elif not own and not reason:
        raise DomainError(_("Write the reason for the cancellation."), field="reason")
    session = registration.session
    lock_session(session)
    held_seat = registration.status == S.CONFIRMED
    registration.move_to(S.CANCELLED, by, reason)
    audit.record("registration.cancel", registration, {"reason": reason, "own": own}, actor=by)
    _mail(registration, "registration_cancelled", by_self=own)
    if held_seat:
        session.seats_taken -= 1
        promote_waitlist(session)


def promote_waitlist(session: Session, by: User | None = None) -> list[Registration]:
    """Give free seats to the waiting list, first come first served, within quotas.

    Call with the session locked. Nobody is promoted once the session has started.
    """
    if session.status != SessionStatus.PUBLISHED or session_has_started(session):
        return []
    promoted = []
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.session_id == session.id, Registration.status == S.WAITLISTED)
        .order_by(Registration.requested_at, Registration.id)
    ).all()
    for registration in waiting:
        if session.seats_taken >= session.capacity:
            break
        if not seat_available(session, registration.municipality_id):
            continue  # this municipality's quota is full; the next person may still fit
        registration.move_to(S.CONFIRMED, by, _("A seat became free."))
        session.seats_taken += 1
        db.session.flush()
        audit.record("registration.promote", registration, actor=by)
        _mail(registration, "registration_promoted")
        promoted.append(registration)
    return promoted


def history(registration: Registration):
    """Every move of a registration, oldest first, with who made it."""
    from sqlalchemy.orm import selectinload

    from .models import RegistrationEvent

    return list(
        db.session.scalars(
            select(RegistrationEvent)
            .where(RegistrationEvent.registration_id == registration.id)
            .options(selectinload(RegistrationEvent.by_user).selectinload(User.person))
            .order_by(RegistrationEvent.id)
        )
    )


def waitlist_position(registration: Registration) -> int | None:
    """1-based place on the waiting list ("Yedek listede 3. sıradasınız")."""
    if registration.status != S.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.session_id == registration.session_id,
            Registration.status == S.WAITLISTED,
            (Registration.requested_at < registration.requested_at)
            | and_(
                Registration.requested_at == registration.requested_at,
                Registration.id < registration.id,
            ),
        )
    )
    return (ahead or 0) + 1


def on_session_changed(session: Session, changes: dict | None = None, **_kwargs) -> None:
    """A raised capacity or quota frees seats: promote from the waiting list at once."""
    if changes and ({"capacity", "municipality_quota"} & set(changes)):
        lock_session(session)
        promote_waitlist(session)


def on_session_cancelled(session: Session, reason: str = "", **_kwargs) -> None:
    """Tell everyone registered or waiting that the session is cancelled; end their places."""
    active = db.session.scalars(
        select(Registration).where(
            Registration.session_id == session.id, Registration.status.in_(list(ACTIVE_STATES))
        )
    ).all()
    for registration in active:
        registration.move_to(S.CANCELLED, None, reason)
        _mail(registration, "registration_session_cancelled")
    session.seats_taken = 0


@dataclass
class DecisionResult:
    done: int
    failed: list[str]


def nominate(
    session: Session, people: list[Person], by: User
) -> tuple[list[Registration], list[str]]:
    """A coordinator registers people of their municipality directly (seats permitting)."""
    done, problems = [], []
    for person in people:
        if not can_manage_municipality(by, person.municipality_id):
            problems.append(_("%(name)s is not in your municipality.", name=person.full_name))
            continue
        try:
            # enroll() checks everything before it changes anything, so a refusal leaves no trace.
            done.append(enroll(person, session, by, nominated=True))
        except DomainError as error:
            problems.append(f"{person.full_name}: {error.message}")
    return done, problems


def decide_many(
    registrations: list[Registration], approve_them: bool, by: User, reason: str = ""
) -> tuple[int, list[str]]:
    """Approve or refuse several applications; each one that fails is reported, not fatal."""
    done, problems = 0, []
    if not approve_them and not (reason or "").strip():
        raise DomainError(_("Write the reason for the refusal."), field="reason")
    for registration in registrations:
        try:
            # approve() and refuse() check before they change anything.
            if approve_them:
                approve(registration, by)
            else:
                refuse(registration, by, reason)
            done += 1
        except DomainError as error:
            problems.append(f"{registration.person.full_name}: {error.message}")
    return done, problems


def connect_signals() -> None:
    """Listen to the catalogue: capacity changes and cancellations, calendar feeds."""
    from ..catalog import signals
    from ..catalog.services import register_calendar_source
    from ..core.mail import register_feeder
    from .notices import send_due_change_notices

    register_feeder(send_due_change_notices)
    signals.session_changed.connect(on_session_changed)
    signals.session_cancelled.connect(on_session_cancelled)
    register_calendar_source(registered_session_ids)


def registered_session_ids(person_id: int):
    """Sessions whose meetings belong in the person's calendar: confirmed or completed ones."""
    return select(Registration.session_id).where(
        Registration.person_id == person_id,
        Registration.status.in_([S.CONFIRMED, S.COMPLETED]),
    )
