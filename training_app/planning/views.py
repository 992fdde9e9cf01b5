"""Coordinators' answers to needs calls, people's interest, and the public plan pages."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..accounts.models import Role
from ..catalog.forms import ButtonForm
from ..catalog.models import Category, Course
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import login_required, public, require_municipality, roles_required
from ..core.timeutil import local_today
from ..extensions import db
from ..municipalities.models import Municipality
from . import delivery, interest, needs, plans
from .forms import NeedForm
from .models import Need, NeedsCall, NeedStatus, PlanStatus
from .pdf import plan_context, render_plan_pdf

bp = Blueprint("planning", __name__)

ID = "int(max=2147483647)"
coordinator_or_admin = roles_required(Role.COORDINATOR, Role.ADMIN)


# --- the coordinator's needs ------------------------------------------------------------------


@bp.route("/needs")
@coordinator_or_admin
def my_needs():
    """The open needs calls and, for each, the municipalities one answers for."""
    today = local_today()
    if current_user.has_role(Role.ADMIN):
        return redirect(url_for("planning_admin.list_calls"))
    return render_template(
        "planning/my_needs.html", tasks=needs.coordinator_tasks(current_user, today)
    )


def _call_and_municipality(call_id, municipality_id):
    call = db.get_or_404(NeedsCall, call_id)
    require_municipality(current_user, municipality_id)
    municipality = db.get_or_404(Municipality, municipality_id)
    return call, municipality


def _need_form(**kwargs) -> NeedForm:
    form = NeedForm(**kwargs)
    courses = db.session.scalars(
        select(Course).where(Course.is_published.is_(True)).order_by(Course.sort_key)
    )
    categories = db.session.scalars(select(Category).order_by(Category.sort_key))
    form.fill_choices(courses, categories)
    return form


@bp.route(f"/needs/<{ID}:call_id>/<{ID}:municipality_id>")
@coordinator_or_admin
def municipality_needs(call_id, municipality_id):
    """A municipality's answer to a call: its needs, drafts and submitted, and what to do next."""
    call, municipality = _call_and_municipality(call_id, municipality_id)
    today = local_today()
    items = needs.municipality_needs(call, municipality.id)
    return render_template(
        "planning/municipality_needs.html",
        call=call,
        municipality=municipality,
        needs=items,
        is_open=call.is_open(today),
        closed_message=needs.closed_message(call),
        has_drafts=any(n.status == NeedStatus.DRAFT for n in items),
        action_form=ButtonForm(),
    )


@bp.route(f"/needs/<{ID}:call_id>/<{ID}:municipality_id>/new", methods=["GET", "POST"])
@coordinator_or_admin
def new_need(call_id, municipality_id):
    call, municipality = _call_and_municipality(call_id, municipality_id)
    today = local_today()
    back = url_for("planning.municipality_needs", call_id=call.id, municipality_id=municipality.id)
    if not call.is_open(today):
        flash(needs.closed_message(call), "warning")
        return redirect(back)
    form = _need_form()
    if form.validate_on_submit():
        try:
            need = needs.save_need(
                call, municipality.id, form.details(), bool(form.submit.data), today, current_user
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_saved_message(need), "success")
            return redirect(back)
    return _render_need_form(form, call, municipality, back, None)


def _saved_message(need: Need) -> str:
    if need.status == NeedStatus.SUBMITTED:
        return _("The need has been submitted.")
    return _("The need has been saved as a draft: submit it before the deadline.")


def _render_need_form(form, call, municipality, back, need):
    return render_template(
        "planning/need_form.html",
        form=form,
        call=call,
        municipality=municipality,
        back_url=back,
        need=need,
        call_open=call.is_open(local_today()),
        closed_message=needs.closed_message(call),
    )


@bp.route(f"/needs/edit/<{ID}:need_id>", methods=["GET", "POST"])
@coordinator_or_admin
def edit_need(need_id):
    """Change a need until the deadline; after it the form is read-only."""
    need = db.get_or_404(Need, need_id)
    require_municipality(current_user, need.municipality_id)
    call, municipality = need.call, need.municipality
    today = local_today()
    back = url_for("planning.municipality_needs", call_id=call.id, municipality_id=municipality.id)
    form = _need_form()
    if request.method == "GET":
        form.fill_from(need)
    if not call.is_open(today):
        if request.method == "POST":
            flash(needs.closed_message(call), "warning")
            return redirect(back)
        form.fill_from(need)
    elif form.validate_on_submit():
        try:
            needs.save_need(
                call,
                municipality.id,
                form.details(),
                bool(form.submit.data),
                today,
                current_user,
                need=need,
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_saved_message(need), "success")
            return redirect(back)
    return _render_need_form(form, call, municipality, back, need)


@bp.route(f"/needs/edit/<{ID}:need_id>/delete", methods=["POST"])
@coordinator_or_admin
def delete_need(need_id):
    need = db.get_or_404(Need, need_id)
    require_municipality(current_user, need.municipality_id)
    back = url_for(
        "planning.municipality_needs", call_id=need.call_id, municipality_id=need.municipality_id
    )
    if ButtonForm().validate_on_submit():
        try:
            needs.delete_need(need, local_today(), current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("The need has been deleted."), "success")
    return redirect(back)


@bp.route(f"/needs/<{ID}:call_id>/<{ID}:municipality_id>/submit", methods=["POST"])
@coordinator_or_admin
def submit_drafts(call_id, municipality_id):
    """Submit every draft of the municipality at once."""
    call, municipality = _call_and_municipality(call_id, municipality_id)
    if ButtonForm().validate_on_submit():
        try:
            count = needs.submit_drafts(call, municipality.id, local_today(), current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("%(n)d need(s) submitted.", n=count), "success")
    return redirect(
        url_for("planning.municipality_needs", call_id=call.id, municipality_id=municipality.id)
    )


@bp.route(f"/needs/attended/<{ID}:municipality_id>")
@coordinator_or_admin
def needs_and_attendance(municipality_id):
    """A municipality's needs of a year against what its people attended that year."""
    require_municipality(current_user, municipality_id)
    municipality = db.get_or_404(Municipality, municipality_id)
    year = request.args.get("year", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    return render_template(
        "planning/needs_and_attendance.html",
        municipality=municipality,
        year=year,
        rows=delivery.municipality_needs_against_attendance(year, municipality.id),
    )


# --- interest ---------------------------------------------------------------------------------


def interest_panel(course: Course, upcoming) -> Markup:
    """The "notify me when it opens" box of a course page (a Jinja global the catalogue calls)."""
    today = local_today()
    if any(s.status.value == "published" for s in upcoming) or not course.is_published:
        return Markup("")
    person = current_user.person if current_user.is_authenticated else None
    return Markup(
        render_template(
            "planning/_interest_panel.html",
            course=course,
            waiting=interest.interest_of(person, course) is not None,
            can_ask=person is not None,
            form=ButtonForm(),
            today=today,
        )
    )


@bp.route(f"/catalogue/courses/<{ID}:course_id>/notify", methods=["POST"])
@login_required
def declare_interest(course_id):
    """Ask to be mailed when a session of the course is published."""
    course = db.get_or_404(Course, course_id)
    if not course.is_published:
        abort(404)
    if ButtonForm().validate_on_submit():
        try:
            interest.declare_interest(current_user.person, course, local_today())
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("We will mail you when a session of this training opens."), "success")
    return redirect(url_for("catalog.show_course", course_id=course.id))


@bp.route(f"/catalogue/courses/<{ID}:course_id>/notify/withdraw", methods=["POST"])
@login_required
def withdraw_interest(course_id):
    course = db.get_or_404(Course, course_id)
    if ButtonForm().validate_on_submit():
        interest.withdraw_interest(current_user.person, course)
        db.session.commit()
        flash(_("You will not be mailed about this training."), "success")
    return redirect(url_for("catalog.show_course", course_id=course.id))


# --- public pages -----------------------------------------------------------------------------


def _published_plan_or_404(year):
    plan = plans.approved_plan(year)
    if plan is None:
        abort(404)
    return plan


@bp.route("/plan/<int(min=2000,max=2100):year>")
@public
def published_plan(year):
    """The approved annual training plan of a year, month by month."""
    plan = _published_plan_or_404(year)
    return render_template("planning/published_plan.html", **plan_context(plan))


@bp.route("/plan/<int(min=2000,max=2100):year>.pdf")
@public
def plan_pdf(year):
    plan = _published_plan_or_404(year)
    return Response(
        render_plan_pdf(plan),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="yillik-egitim-plani-{year}.pdf"'},
    )


@bp.route("/planned")
@public
def planned_trainings():
    """Trainings of the approved plans whose sessions do not exist yet."""
    today = local_today()
    lines = plans.planned_not_scheduled(today.year)
    years = sorted(
        db.session.scalars(
            select(plans.AnnualPlan.year)
            .where(plans.AnnualPlan.status == PlanStatus.APPROVED)
            .distinct()
        )
    )
    return render_template(
        "planning/planned.html", lines=lines, period_label=plans.period_label, years=years
    )


def planning_tasks() -> list[dict]:
    """A coordinator's open needs calls for the home page (a Jinja global)."""
    if not current_user.is_authenticated or not current_user.coordinated_municipality_ids:
        return []
    return needs.coordinator_tasks(current_user, local_today())


def office_planning_tasks() -> list[dict]:
    """The office's open needs calls and how far the municipalities are (a Jinja global)."""
    if not current_user.is_authenticated or not current_user.has_role(Role.ADMIN):
        return []
    return needs.office_progress(local_today())
