"""The needs call (eğitim ihtiyaç analizi): the office opens it for a year, each member
municipality's coordinators answer with needs until the deadline, the office follows who has
answered, reminds the others and may reopen the call.

Services take models and plain values, enforce the rules, audit, queue mail and flush.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import Person, Position, Role, RoleAssignment, User
from ..catalog.models import Category, Course, clean_text
from ..core import audit
from ..core.errors import Conflict, DomainError, InvalidTransition, NotAllowed
from ..core.mail import queue_mail
from ..core.permissions import can_manage_municipality
from ..core.turkish import format_date_long, format_date_short
from ..extensions import db
from ..municipalities.models import Municipality
from ..municipalities.services import member_municipalities
from .models import (
    DeliveryPreference,
    Need,
    NeedsCall,
    NeedStatus,
    Priority,
    months_to_mask,
)

MAX_PEOPLE = 100_000


# --- calls ------------------------------------------------------------------------------------


def open_call(year: int, deadline: date, message: str | None, today: date, by) -> NeedsCall:
    """Open the needs call of a year; every member municipality's coordinators get a mail and a
    task on their home page."""
    if year is None or not (today.year - 1 <= year <= today.year + 5):
        raise DomainError(_("Choose a year between last year and five years ahead."), field="year")
    if deadline is None or deadline < today:
        raise DomainError(_("The deadline cannot be in the past."), field="deadline")
    if db.session.scalar(select(NeedsCall.id).where(NeedsCall.year == year)) is not None:
        raise Conflict(_("A needs call for %(year)s already exists.", year=year), field="year")
    call = NeedsCall(year=year, deadline=deadline, message=clean_message(message))
    call.created_by_id = by.id if by is not None else None
    db.session.add(call)
    db.session.flush()
    audit.record("needs_call.open", call, {"year": year, "deadline": str(deadline)}, actor=by)
    for user, municipality in coordinators_of(m.id for m in member_municipalities()):
        _mail(user, "needs_call_opened", call, municipality)
    return call


def reopen_call(call: NeedsCall, deadline: date, today: date, by) -> None:
    """Give the municipalities a new deadline (only the office may, after the first one)."""
    if deadline is None or deadline < today:
        raise DomainError(_("The new deadline cannot be in the past."), field="deadline")
    if deadline == call.deadline:
        return
    audit.record(
        "needs_call.reopen", call, {"deadline": [str(call.deadline), str(deadline)]}, actor=by
    )
    call.deadline = deadline
    db.session.flush()


def clean_message(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def coordinators_of(municipality_ids) -> list[tuple[User, Municipality]]:
    """Active coordinators of these municipalities with their municipality, in one query."""
    ids = sorted(set(municipality_ids))
    if not ids:
        return []
    query = (
        select(User, Municipality)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Municipality, Municipality.id == RoleAssignment.municipality_id)
        .where(
            RoleAssignment.role == Role.COORDINATOR,
            RoleAssignment.municipality_id.in_(ids),
            User.is_active_account.is_(True),
        )
        .order_by(Municipality.sort_key, User.id)
    )
    return [(user, municipality) for user, municipality in db.session.execute(query)]


def _mail(user: User, template: str, call: NeedsCall, municipality: Municipality, **extra):
    person = db.session.scalar(select(Person).where(Person.user_id == user.id))
    queue_mail(
        user.email,
        template,
        locale=user.locale,
        person_name=person.full_name if person else user.email,
        municipality=municipality.name,
        year=call.year,
        deadline=format_date_long(call.deadline, locale=user.locale),
        deadline_short=format_date_short(call.deadline),
        message=call.message,
        call_id=call.id,
        municipality_id=municipality.id,
        **extra,
    )


@dataclass
class Answer:
    """Where a municipality stands in a call."""

    municipality: Municipality
    submitted: int = 0
    drafts: int = 0
    people: int = 0
    last_submitted_at: object = None

    @property
    def has_answered(self) -> bool:
        return self.submitted > 0


def answers(call: NeedsCall) -> list[Answer]:
    """Every member municipality with its submitted and draft needs: two queries."""
    rows = db.session.execute(
        select(
            Need.municipality_id,
            func.count(Need.id).filter(Need.status == NeedStatus.SUBMITTED).label("submitted"),
            func.count(Need.id).filter(Need.status == NeedStatus.DRAFT).label("drafts"),
            func.coalesce(
                func.sum(Need.people_count).filter(Need.status == NeedStatus.SUBMITTED), 0
            ).label("people"),
            func.max(Need.submitted_at).label("last"),
        )
        .where(Need.call_id == call.id)
        .group_by(Need.municipality_id)
    ).all()
    by_id = {r.municipality_id: r for r in rows}
    result = []
    for municipality in member_municipalities():
        r = by_id.get(municipality.id)
        result.append(
            Answer(
                municipality,
                submitted=int(r.submitted) if r else 0,
                drafts=int(r.drafts) if r else 0,
                people=int(r.people or 0) if r else 0,
                last_submitted_at=r.last if r else None,
            )
        )
    return result


def remind_unanswered(call: NeedsCall, today: date, by) -> int:
    """Mail the coordinators of every member municipality that has not submitted a need yet
    (once a day at most per municipality); returns the number of mails queued."""
    if not call.is_open(today):
        raise InvalidTransition(
            _("The deadline has passed: reopen the call before reminding municipalities.")
        )
    waiting = [a.municipality.id for a in answers(call) if not a.has_answered]
    sent = 0
    for user, municipality in coordinators_of(waiting):
        message = queue_mail(
            user.email,
            "needs_call_reminder",
            locale=user.locale,
            dedup_key=f"needs-reminder:{call.id}:{municipality.id}:{user.id}:{today.isoformat()}",
            person_name=user.display_name,
            municipality=municipality.name,
            year=call.year,
            deadline=format_date_long(call.deadline, locale=user.locale),
            call_id=call.id,
            municipality_id=municipality.id,
        )
        sent += message is not None
    audit.record(
        "needs_call.remind", call, {"municipalities": len(waiting), "mails": sent}, actor=by
    )
    return sent


def open_calls(today: date) -> list[NeedsCall]:
    return list(
        db.session.scalars(
            select(NeedsCall).where(NeedsCall.deadline >= today).order_by(NeedsCall.year)
        )
    )


def office_progress(today: date) -> list[dict]:
    """For the office's home page: each open call with how many member municipalities have
    submitted needs so far (two queries per open call; there is seldom more than one)."""
    progress = []
    for call in open_calls(today):
        found = answers(call)
        progress.append(
            {
                "call": call,
                "answered": sum(1 for a in found if a.has_answered),
                "total": len(found),
            }
        )
    return progress


def coordinator_tasks(user, today: date) -> list[dict]:
    """The open calls a coordinator still has to answer, for their home page (two queries)."""
    own = sorted(user.coordinated_municipality_ids)
    if not own:
        return []
    calls = open_calls(today)
    if not calls:
        return []
    answered = set(
        db.session.execute(
            select(Need.call_id, Need.municipality_id)
            .where(
                Need.call_id.in_([c.id for c in calls]),
                Need.municipality_id.in_(own),
                Need.status == NeedStatus.SUBMITTED,
            )
            .distinct()
        ).all()
    )
    names = dict(
        db.session.execute(
            select(Municipality.id, Municipality.name).where(Municipality.id.in_(own))
        ).all()
    )
    return [
        {
            "call": call,
            "municipality_id": mid,
            "municipality": names.get(mid, ""),
            "answered": (call.id, mid) in answered,
        }
        for call in calls
        for mid in own
    ]


# --- needs ------------------------------------------------------------------------------------


@dataclass
class NeedDetails:
    topic: str | None = None
    course_id: int | None = None
    category_id: int | None = None
    people_count: int | None = None
    positions: list[Position] = field(default_factory=list)
    priority: Priority = Priority.MEDIUM
    months: list[int] = field(default_factory=list)
    delivery: DeliveryPreference = DeliveryPreference.EITHER
    note: str | None = None


def ensure_can_change(call: NeedsCall, municipality_id: int, today: date, user) -> None:
    """A coordinator answers only for their own municipalities, and only until the deadline."""
    if not can_manage_municipality(user, municipality_id):
        raise NotAllowed(_("You can answer only for the municipalities you coordinate."))
    if not call.is_open(today):
        raise InvalidTransition(closed_message(call))


def closed_message(call: NeedsCall) -> str:
    return _(
        "The deadline of this needs call was %(date)s: the needs can no longer be changed. "
        "Ask the training office to reopen the call.",
        date=format_date_short(call.deadline),
    )


def _check_need(details: NeedDetails, submitting: bool) -> tuple[str, Course | None]:
    course = db.session.get(Course, details.course_id) if details.course_id else None
    if details.course_id and course is None:
        raise DomainError(_("Choose a training from the list."), field="course_id")
    if details.category_id and db.session.get(Category, details.category_id) is None:
        raise DomainError(_("Choose a category from the list."), field="category_id")
    topic = clean_text(details.topic) or (course.title if course else None)
    if not topic:
        raise DomainError(
            _("Choose a training from the catalogue or write the topic."), field="topic"
        )
    if len(topic) > 200:
        raise DomainError(_("The topic can be at most 200 characters long."), field="topic")
    people = details.people_count
    if people is not None and (people < 0 or people > MAX_PEOPLE):
        raise DomainError(_("Enter a number of people between 1 and 100000."), field="people_count")
    if submitting:
        if not people:
            raise DomainError(
                _("Number of people: enter how many people need this training (at least 1)."),
                field="people_count",
            )
        if not details.positions:
            raise DomainError(
                _("Positions concerned: choose at least one position."), field="positions"
            )
    return topic, course


def _apply(need: Need, details: NeedDetails, topic: str, course: Course | None) -> dict:
    values = {
        "topic": topic,
        "course_id": course.id if course else None,
        "category_id": details.category_id or (course.category_id if course else None),
        "people_count": details.people_count or 0,
        "priority": details.priority,
        "months_mask": months_to_mask(details.months),
        "delivery": details.delivery,
        "note": clean_message(details.note),
    }
    changes = audit.diff(need, values)
    old = sorted(p.value for p in need.positions) if need.id else []
    new = sorted(Position(p).value for p in details.positions)
    if old != new:
        changes["positions"] = [old, new]
    for key, value in values.items():
        setattr(need, key, value)
    need.positions = [Position(p) for p in details.positions]
    return changes


def save_need(
    call: NeedsCall,
    municipality_id: int,
    details: NeedDetails,
    submit: bool,
    today: date,
    by,
    need: Need | None = None,
) -> Need:
    """Add or change a need of a municipality: as a draft, or submitted (complete: people and
    positions named). A submitted need changed stays submitted, so it must stay complete."""
    ensure_can_change(call, municipality_id, today, by)
    if need is not None and (need.call_id != call.id or need.municipality_id != municipality_id):
        raise NotAllowed(_("This need belongs to another call or municipality."))
    submitting = submit or (need is not None and need.status == NeedStatus.SUBMITTED)
    topic, course = _check_need(details, submitting)
    creating = need is None
    if creating:
        need = Need(call=call, municipality_id=municipality_id, created_by_id=by.id)
        db.session.add(need)
    changes = _apply(need, details, topic, course)
    if submitting and need.status != NeedStatus.SUBMITTED:
        need.submit()
        changes["status"] = [NeedStatus.DRAFT.value, NeedStatus.SUBMITTED.value]
    db.session.flush()
    if creating:
        audit.record("need.create", need, {"topic": topic, "status": need.status.value}, actor=by)
    elif changes:
        audit.record("need.update", need, changes, actor=by)
    return need


def submit_drafts(call: NeedsCall, municipality_id: int, today: date, by) -> int:
    """Submit every draft of a municipality; an incomplete one stops it with the field named."""
    ensure_can_change(call, municipality_id, today, by)
    drafts = list(
        db.session.scalars(
            select(Need)
            .where(
                Need.call_id == call.id,
                Need.municipality_id == municipality_id,
                Need.status == NeedStatus.DRAFT,
            )
            .order_by(Need.id)
        )
    )
    if not drafts:
        raise DomainError(_("There is no draft to submit."))
    for need in drafts:
        if not need.people_count:
            raise DomainError(
                _(
                    "“%(topic)s”: number of people: enter how many people need this training "
                    "(at least 1).",
                    topic=need.topic,
                ),
                field="people_count",
            )
        if not need.position_rows:
            raise DomainError(
                _(
                    "“%(topic)s”: positions concerned: choose at least one position.",
                    topic=need.topic,
                ),
                field="positions",
            )
        need.submit()
        audit.record("need.submit", need, {"topic": need.topic}, actor=by)
    db.session.flush()
    return len(drafts)


def delete_need(need: Need, today: date, by) -> None:
    ensure_can_change(need.call, need.municipality_id, today, by)
    audit.record("need.delete", need, {"topic": need.topic, "status": need.status.value}, actor=by)
    db.session.delete(need)
    db.session.flush()


def municipality_needs(call: NeedsCall, municipality_id: int) -> list[Need]:
    return list(
        db.session.scalars(
            select(Need)
            .where(Need.call_id == call.id, Need.municipality_id == municipality_id)
            .order_by(Need.id)
        )
    )
