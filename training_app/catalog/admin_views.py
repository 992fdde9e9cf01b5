"""Administration of the catalogue: categories, venues, courses, sessions, meetings, trainers."""

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.args import page_arg
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import admin_required
from ..core.timeutil import local_now, local_today
from ..extensions import db
from . import courses, meetings, services, sessions, trainers
from .forms import (
    ButtonForm,
    CancelSessionForm,
    CloneSessionForm,
    CourseForm,
    MeetingForm,
    SessionForm,
    TrainersForm,
    fill_session_choices,
)
from .models import Category, Course, Meeting, Session, SessionStatus, Venue

bp = Blueprint("catalog_admin", __name__, url_prefix="/admin/catalogue")


def _render_form(form, title, parents, submit, intro=None, status=200):
    """A catalogue form under breadcrumbs; `parents` are (label, url) pairs, the last one is
    where "Back" goes."""
    return render_template(
        "catalog/admin/form.html",
        form=form,
        title=title,
        parents=parents,
        back_url=parents[-1][1],
        submit=submit,
        intro=intro,
    ), status


def _under_list(label, endpoint):
    return [(label, url_for(endpoint))]


def _under_course(course: Course):
    return [
        (_("Courses"), url_for("catalog_admin.list_courses")),
        (course.title, url_for("catalog_admin.show_course", course_id=course.id)),
    ]


def _under_session(session: Session):
    # As on the session's attendance and documents pages (session_breadcrumbs).
    return [
        (_("Sessions"), url_for("catalog_admin.list_sessions")),
        (session.course.title, url_for("catalog_admin.show_session", session_id=session.id)),
    ]


# --- courses ----------------------------------------------------------------------------------


def _category_choices(form: CourseForm, course: Course | None = None) -> None:
    categories = db.session.scalars(select(Category).order_by(Category.sort_key))
    form.category_id.choices = [("", _("Choose…"))] + [(c.id, c.name) for c in categories]
    others = db.session.execute(
        select(Course.id, Course.code, Course.title)
        .where(Course.id != (course.id if course else -1))
        .order_by(Course.sort_key)
    )
    form.renewal_course_id.choices = [("", _("None"))] + [
        (id_, f"{code} – {title}") for id_, code, title in others
    ]


@bp.route("/courses")
@admin_required
def list_courses():
    q = request.args.get("q", "").strip()
    page = db.paginate(
        services.admin_courses_query(q), page=page_arg(), per_page=50, error_out=False
    )
    return render_template(
        "catalog/admin/courses.html", page=page, q=q, counts=services.session_counts_by_course()
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@admin_required
def create_course():
    form = CourseForm()
    _category_choices(form)
    if form.validate_on_submit():
        try:
            course = courses.create_course(form.details(), by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _("The course has been added. Publish it to show it in the catalogue."), "success"
            )
            return redirect(url_for("catalog_admin.show_course", course_id=course.id))
    return _render_form(
        form, _("New course"), _under_list(_("Courses"), "catalog_admin.list_courses"), _("Add")
    )


@bp.route("/courses/<int:course_id>")
@admin_required
def show_course(course_id):
    course = db.get_or_404(Course, course_id)
    return render_template(
        "catalog/admin/course.html",
        course=course,
        sessions=services.course_sessions(course, include_drafts=True),
        action_form=ButtonForm(),
        dates_label=services.session_dates_label,
    )


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_course(course_id):
    course = db.get_or_404(Course, course_id)
    form = CourseForm(obj=course)
    _category_choices(form, course)
    if request.method == "GET":
        form.fill_from(course)
    if form.validate_on_submit():
        try:
            courses.update_course(course, form.details(), by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The course has been saved."), "success")
            return redirect(url_for("catalog_admin.show_course", course_id=course.id))
    return _render_form(form, _("Edit course"), _under_course(course), _("Save"))


@bp.route("/courses/<int:course_id>/published", methods=["POST"])
@admin_required
def set_course_published(course_id):
    """Show or hide a course in the public catalogue."""
    course = db.get_or_404(Course, course_id)
    if ButtonForm().validate_on_submit():
        published = request.form.get("published") == "1"
        courses.set_course_published(course, published, by=current_user)
        db.session.commit()
        flash(
            _("The course is now shown in the catalogue.")
            if published
            else _("The course is now hidden from the catalogue."),
            "success",
        )
    return redirect(url_for("catalog_admin.show_course", course_id=course.id))


@bp.route("/courses/<int:course_id>/delete", methods=["POST"])
@admin_required
def delete_course(course_id):
    """Delete a course nothing refers to; a course in use stays, with where it is used."""
    course = db.get_or_404(Course, course_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("catalog_admin.show_course", course_id=course.id))
    try:
        courses.delete_course(course, by=current_user)
    except DomainError as error:
        show_refusal(None, error)
        return redirect(url_for("catalog_admin.show_course", course_id=course_id))
    db.session.commit()
    flash(_("The course has been deleted."), "success")
    return redirect(url_for("catalog_admin.list_courses"))


# --- sessions ---------------------------------------------------------------------------------


def _venues():
    return list(
        db.session.scalars(select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.sort_key))
    )


@bp.route("/sessions")
@admin_required
def list_sessions():
    status_value = request.args.get("status", "")
    status = SessionStatus(status_value) if status_value in set(SessionStatus) else None
    q = request.args.get("q", "").strip()
    page = db.paginate(
        services.admin_sessions_query(status, q), page=page_arg(), per_page=50, error_out=False
    )
    return render_template(
        "catalog/admin/sessions.html",
        page=page,
        q=q,
        status=status,
        statuses=list(SessionStatus),
        dates_label=services.session_dates_label,
    )


@bp.route("/courses/<int:course_id>/sessions/new", methods=["GET", "POST"])
@admin_required
def create_session(course_id):
    course = db.get_or_404(Course, course_id)
    form = SessionForm()
    fill_session_choices(form, _venues())
    if form.validate_on_submit():
        try:
            session = sessions.create_session(course, form.details(), by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The session has been added as a draft. Add its meetings and trainers, "
                    "then publish it."
                ),
                "success",
            )
            return redirect(url_for("catalog_admin.show_session", session_id=session.id))
    return _render_form(
        form,
        _("New session of %(course)s", course=course.title),
        _under_course(course),
        _("Add"),
    )


@bp.route("/sessions/<int:session_id>")
@admin_required
def show_session(session_id):
    """A session's management page: meetings, trainers, and the status actions."""
    session = db.get_or_404(Session, session_id)
    return _session_page(session, MeetingForm(data={"day": session.starts_on}))


def _trainer_options(people) -> list[tuple]:
    """Choices for the trainer picker; each carries its search key for the type-to-filter list."""
    return [(p.id, p.full_name, {"data-search": p.search_key}) for p in people]


def _session_page(session, meeting_form, status=200):
    trainers_form = TrainersForm(data={"trainer_ids": [p.id for p in session.trainers]})
    trainers_form.trainer_ids.choices = _trainer_options(trainers.trainer_choices())
    return render_template(
        "catalog/admin/session.html",
        session=session,
        trainers_form=trainers_form,
        meeting_form=meeting_form,
        action_form=ButtonForm(),
        dates_label=services.session_dates_label(session),
        can_close=session.can_be_closed(local_now()),
        venue_bookings=meetings.venue_bookings_on_session_days(session),
        venue_shared=session.venue is not None and not meetings.occupies_venue(session),
        primary=_primary_action(session),
    ), status


@dataclass
class PrimaryAction:
    """The one thing the session's state asks for next; every other action is grouped below."""

    key: str
    label: str
    url: str
    #: True for a POST button (publishing), False for a link to the page where the work is done.
    post: bool = False


def _primary_action(session: Session) -> PrimaryAction | None:
    """Draft: publish. Published: take today's attendance, close once it may be closed, else
    the registrations. Completed: issue the documents. Cancelled: nothing."""
    sid = session.id
    if session.status == SessionStatus.DRAFT:
        url = url_for("catalog_admin.publish_session", session_id=sid)
        return PrimaryAction("publish", _("Publish"), url, post=True)
    if session.status == SessionStatus.COMPLETED:
        url = url_for("certificates.session_documents", session_id=sid)
        return PrimaryAction("documents", _("Issue documents"), url)
    if session.status != SessionStatus.PUBLISHED:
        return None
    if session.can_be_closed(local_now()):
        url = url_for("attendance.close_session", session_id=sid)
        return PrimaryAction("close", _("Close the session"), url)
    today = local_today()
    meeting = next((m for m in session.meetings if m.day == today), None)
    if meeting is not None:
        url = url_for("attendance.meeting_roster", meeting_id=meeting.id)
        return PrimaryAction("attendance", _("Take attendance"), url)
    url = url_for("enrollment.session_roster", session_id=sid)
    return PrimaryAction("registrations", _("Registrations"), url)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_session(session_id):
    session = db.get_or_404(Session, session_id)
    form = SessionForm(obj=session)
    fill_session_choices(form, _venues())
    if request.method == "GET":
        form.fill_from(session)
    if form.validate_on_submit():
        try:
            sessions.update_session(session, form.details(), by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The session has been saved."), "success")
            return redirect(url_for("catalog_admin.show_session", session_id=session.id))
    return _render_form(
        form,
        _("Edit session"),
        _under_session(session),
        _("Save"),
    )


def _flash_trainer_change(change: trainers.TrainerChange, chosen: bool) -> None:
    """Say what saving the trainers did: nothing chosen, nothing changed, or who came and went."""
    if not change:
        if chosen:
            flash(_("Nothing changed: these are already the session's trainers."), "info")
        else:
            flash(_("No trainer was chosen: nothing was saved."), "warning")
        return
    parts = [_("The trainers have been saved.")]
    if change.added:
        parts.append(_("Added: %(names)s.", names=", ".join(p.full_name for p in change.added)))
    if change.removed:
        parts.append(_("Removed: %(names)s.", names=", ".join(p.full_name for p in change.removed)))
    flash(" ".join(parts), "success")


@bp.route("/sessions/<int:session_id>/trainers", methods=["POST"])
@admin_required
def set_trainers(session_id):
    session = db.get_or_404(Session, session_id)
    form = TrainersForm()
    form.trainer_ids.choices = _trainer_options(trainers.trainer_choices())
    if form.validate_on_submit():
        people = [p for p in trainers.trainer_choices() if p.id in set(form.trainer_ids.data or ())]
        try:
            change = trainers.set_trainers(session, people, by=current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            _flash_trainer_change(change, chosen=bool(people))
    else:
        flash(_("Choose trainers from the list."), "danger")
    return redirect(url_for("catalog_admin.show_session", session_id=session.id))


@bp.route("/sessions/<int:session_id>/meetings", methods=["POST"])
@admin_required
def add_meeting(session_id):
    """Add a meeting; a refused one comes back with its fields as typed and the reason."""
    session = db.get_or_404(Session, session_id)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meetings.add_meeting(session, form.details(), by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The meeting has been added."), "success")
            return redirect(url_for("catalog_admin.show_session", session_id=session.id))
    session = db.get_or_404(Session, session_id)  # reloaded after the rollback
    return _session_page(session, form, status=400)


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@admin_required
def edit_meeting(meeting_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit():
        try:
            meetings.update_meeting(meeting, form.details(), by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The meeting has been saved."), "success")
            return redirect(url_for("catalog_admin.show_session", session_id=meeting.session_id))
    return _render_form(
        form,
        _("Edit meeting"),
        _under_session(meeting.session),
        _("Save"),
    )


@bp.route("/meetings/<int:meeting_id>/delete", methods=["POST"])
@admin_required
def delete_meeting(meeting_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    session_id = meeting.session_id
    if ButtonForm().validate_on_submit():
        try:
            meetings.delete_meeting(meeting, by=current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("The meeting has been deleted."), "success")
    return redirect(url_for("catalog_admin.show_session", session_id=session_id))


def _status_action(session_id, action, done_message):
    session = db.get_or_404(Session, session_id)
    if ButtonForm().validate_on_submit():
        try:
            action(session)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(done_message, "success")
    return redirect(url_for("catalog_admin.show_session", session_id=session.id))


@bp.route("/sessions/<int:session_id>/publish", methods=["POST"])
@admin_required
def publish_session(session_id):
    return _status_action(
        session_id,
        lambda s: sessions.publish_session(s, by=current_user),
        _("The session has been published."),
    )


@bp.route("/sessions/<int:session_id>/draft", methods=["POST"])
@admin_required
def unpublish_session(session_id):
    return _status_action(
        session_id,
        lambda s: sessions.session_back_to_draft(s, by=current_user),
        _("The session is a draft again and hidden from the catalogue."),
    )


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@admin_required
def cancel_session(session_id):
    """Cancel a session with a reason; trainers and the enrolled are told by mail."""
    session = db.get_or_404(Session, session_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            sessions.cancel_session(session, form.reason.data, by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The session has been cancelled."), "success")
            return redirect(url_for("catalog_admin.show_session", session_id=session.id))
    return _render_form(
        form,
        _("Cancel the session"),
        _under_session(session),
        _("Cancel the session"),
        intro=_(
            "%(course)s, %(dates)s",
            course=session.course.title,
            dates=services.session_dates_label(session),
        ),
    )


@bp.route("/sessions/<int:session_id>/clone", methods=["GET", "POST"])
@admin_required
def clone_session(session_id):
    """Copy a session for the next term, with its meetings shifted."""
    session = db.get_or_404(Session, session_id)
    form = CloneSessionForm()
    if form.validate_on_submit():
        try:
            copy = sessions.clone_session(session, form.starts_on.data, by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The copy has been made as a draft."), "success")
            return redirect(url_for("catalog_admin.show_session", session_id=copy.id))
    return _render_form(
        form,
        _("Copy the session"),
        _under_session(session),
        _("Make the copy"),
        intro=_(
            "%(course)s, %(dates)s",
            course=session.course.title,
            dates=services.session_dates_label(session),
        ),
    )


# Categories' and venues' screens live in their own module, on this blueprint.
from . import admin_reference_views  # noqa: E402, F401
