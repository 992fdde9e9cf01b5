"""The catalogue's entries: categories, venues and courses.

Services take models and plain values, enforce the rules with Turkish messages, write the audit
trail and flush; the view commits.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import Position, User
from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.timeutil import utcnow
from ..core.turkish import tr_sort_key, tr_upper
from ..extensions import db
from .models import (
    TURKEY,
    Category,
    Course,
    CourseKind,
    Delivery,
    DocumentKind,
    Session,
    SessionStatus,
    Venue,
    clean_text,
)

#: Ten years: longer than any legal repeat period (first aid, fire safety, OHS).
MAX_VALIDITY_MONTHS = 120

# --- categories -------------------------------------------------------------------------------


def _check_category_name(name: str, category: Category | None) -> str:
    name = clean_text(name)
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    key = tr_sort_key(name)
    other = db.session.scalar(select(Category).where(Category.sort_key == key))
    if other is not None and other is not category:
        raise Conflict(_("A category with this name already exists."), field="name")
    return name


def create_category(name: str, description: str | None, by: User | None) -> Category:
    """Add a subject area of the catalogue."""
    category = Category(name=_check_category_name(name, None), description=clean_text(description))
    db.session.add(category)
    db.session.flush()
    audit.record("category.create", category, {"name": category.name}, actor=by)
    return category


def update_category(category: Category, name: str, description: str | None, by) -> None:
    name = _check_category_name(name, category)
    changes = audit.diff(category, {"name": name, "description": clean_text(description)})
    category.name, category.description = name, clean_text(description)
    if changes:
        audit.record("category.update", category, changes, actor=by)


# --- venues -----------------------------------------------------------------------------------


@dataclass
class VenueDetails:
    name: str
    city: str
    capacity: int
    address: str | None = None
    country: str = TURKEY
    is_active: bool = True
    allows_parallel_use: bool = False


def _check_venue(details: VenueDetails, venue: Venue | None) -> None:
    if not clean_text(details.name):
        raise DomainError(_("Enter a name."), field="name")
    if not clean_text(details.city):
        raise DomainError(_("Enter the city."), field="city")
    if details.capacity is None or details.capacity < 1:
        raise DomainError(_("The capacity must be at least 1."), field="capacity")
    other = db.session.scalar(select(Venue).where(Venue.name == clean_text(details.name)))
    if other is not None and other is not venue:
        raise Conflict(_("A venue with this name already exists."), field="name")
    if venue is not None:
        largest = db.session.scalar(
            select(func.max(Session.capacity)).where(
                Session.venue_id == venue.id,
                Session.status.in_([SessionStatus.DRAFT, SessionStatus.PUBLISHED]),
            )
        )
        if largest and details.capacity < largest:
            raise DomainError(
                _(
                    "A session at this venue offers %(n)d seats; the capacity cannot be lower.",
                    n=largest,
                ),
                field="capacity",
            )


def _venue_values(details: VenueDetails) -> dict:
    return {
        "name": clean_text(details.name),
        "city": clean_text(details.city),
        "capacity": details.capacity,
        "address": clean_text(details.address),
        "country": details.country or TURKEY,
        "is_active": details.is_active,
        "allows_parallel_use": bool(details.allows_parallel_use),
    }


def create_venue(details: VenueDetails, by) -> Venue:
    _check_venue(details, None)
    venue = Venue(**_venue_values(details))
    db.session.add(venue)
    db.session.flush()
    audit.record("venue.create", venue, {"name": venue.name}, actor=by)
    return venue


def update_venue(venue: Venue, details: VenueDetails, by) -> None:
    _check_venue(details, venue)
    values = _venue_values(details)
    changes = audit.diff(venue, values)
    for key, value in values.items():
        setattr(venue, key, value)
    if changes:
        audit.record("venue.update", venue, changes, actor=by)


# --- courses ----------------------------------------------------------------------------------


@dataclass
class CourseDetails:
    code: str
    title: str
    category_id: int
    kind: CourseKind = CourseKind.COURSE
    delivery: Delivery = Delivery.CLASSROOM
    description: str | None = None
    objectives: str | None = None
    total_minutes: int = 0
    document_kind: DocumentKind = DocumentKind.ATTENDANCE
    min_attendance_percent: int = 80
    has_exam: bool = False
    pass_mark: int | None = None
    attendance_document_on_fail: bool = True
    document_called_certificate: bool = False
    target_positions: set[Position] = field(default_factory=set)
    #: Months a document stays valid; None: it does not expire.
    document_validity_months: int | None = None
    renewal_course_id: int | None = None


def _check_course(details: CourseDetails, course: Course | None) -> None:
    code = tr_upper(clean_text(details.code) or "")
    if not code:
        raise DomainError(_("Enter a code."), field="code")
    other = db.session.scalar(select(Course).where(Course.code == code))
    if other is not None and other is not course:
        raise Conflict(_("A course with this code already exists."), field="code")
    if not clean_text(details.title):
        raise DomainError(_("Enter a title."), field="title")
    if db.session.get(Category, details.category_id) is None:
        raise DomainError(_("Choose a category."), field="category_id")
    if not 1 <= (details.min_attendance_percent or 0) <= 100:
        raise DomainError(
            _("The minimum attendance must be between 1 and 100 percent."),
            field="min_attendance_percent",
        )
    if details.total_minutes is None or details.total_minutes < 0:
        raise DomainError(_("The total hours cannot be negative."), field="total_hours")
    if details.has_exam and details.pass_mark is None:
        raise DomainError(_("Enter the pass mark of the exam."), field="pass_mark")
    if details.pass_mark is not None and not 0 <= details.pass_mark <= 100:
        raise DomainError(_("The pass mark must be between 0 and 100."), field="pass_mark")
    months = details.document_validity_months
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        raise DomainError(
            _("The validity must be between 1 and 120 months, or empty."),
            field="document_validity_months",
        )
    if details.renewal_course_id is not None:
        if course is not None and details.renewal_course_id == course.id:
            raise DomainError(
                _("A course cannot be its own renewal course."), field="renewal_course_id"
            )
        if db.session.get(Course, details.renewal_course_id) is None:
            raise DomainError(_("Choose a renewal course."), field="renewal_course_id")
    if details.document_kind == DocumentKind.ACHIEVEMENT and not details.has_exam:
        raise DomainError(
            _(
                "A certificate of achievement needs an exam: tick “has an exam” or choose another "
                "document."
            ),
            field="document_kind",
        )


def _course_values(details: CourseDetails) -> dict:
    return {
        "code": tr_upper(clean_text(details.code)),
        "title": clean_text(details.title),
        "category_id": details.category_id,
        "kind": details.kind,
        "delivery": details.delivery,
        "description": (details.description or "").strip() or None,
        "objectives": (details.objectives or "").strip() or None,
        "total_minutes": details.total_minutes,
        "document_kind": details.document_kind,
        "min_attendance_percent": details.min_attendance_percent,
        "has_exam": details.has_exam,
        "pass_mark": details.pass_mark if details.has_exam else None,
        "attendance_document_on_fail": details.attendance_document_on_fail,
        "document_called_certificate": details.document_called_certificate,
        "document_validity_months": details.document_validity_months,
        "renewal_course_id": details.renewal_course_id,
    }


def create_course(details: CourseDetails, by) -> Course:
    """Add a catalogue entry; it stays unpublished until an administrator publishes it."""
    _check_course(details, None)
    course = Course(**_course_values(details))
    course.target_positions = details.target_positions
    db.session.add(course)
    db.session.flush()
    audit.record("course.create", course, {"code": course.code, "title": course.title}, actor=by)
    return course


def update_course(course: Course, details: CourseDetails, by) -> None:
    _check_course(details, course)
    values = _course_values(details)
    changes = audit.diff(course, values)
    old_positions = sorted(p.value for p in course.target_positions)
    new_positions = sorted(p.value for p in details.target_positions)
    if old_positions != new_positions:
        changes["target_positions"] = [old_positions, new_positions]
        course.updated_at = utcnow()  # the audience is another table: mark the course changed
    for key, value in values.items():
        setattr(course, key, value)
    course.target_positions = details.target_positions
    if changes:
        audit.record("course.update", course, changes, actor=by)


def set_course_published(course: Course, published: bool, by) -> None:
    """Show or hide a course (and so all its sessions) in the public catalogue."""
    if course.is_published == published:
        return
    course.is_published = published
    audit.record("course.publish" if published else "course.unpublish", course, actor=by)


def delete_course(course: Course, by) -> None:
    """Remove a catalogue entry that nothing refers to; otherwise refuse, naming where it is
    used (its sessions here; plan lines and needs through the `course_usage` signal)."""
    from . import signals

    usages = []
    session_count = db.session.scalar(
        select(func.count(Session.id)).where(Session.course_id == course.id)
    )
    if session_count:
        usages.append(_("%(n)d session(s) of this course", n=session_count))
    renewed = db.session.scalars(
        select(Course.title).where(Course.renewal_course_id == course.id).order_by(Course.sort_key)
    ).all()
    if renewed:
        usages.append(_("the renewal of %(titles)s", titles=", ".join(renewed)))
    for _receiver, found in signals.course_usage.send(course):
        usages.extend(found or ())
    if usages:
        raise Conflict(
            _(
                "This course cannot be deleted: it is used by %(usages)s.",
                usages="; ".join(str(u) for u in usages),
            )
        )
    audit.record("course.delete", course, {"code": course.code, "title": course.title}, actor=by)
    db.session.delete(course)
    db.session.flush()
