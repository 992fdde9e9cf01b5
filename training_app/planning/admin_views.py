"""The training office's planning screens: needs calls, consolidated demand, annual plans and
plan against delivery (blueprint `planning_admin`)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..catalog.admin_views import _venues
from ..catalog.forms import ButtonForm, SessionForm, fill_session_choices
from ..catalog.models import Course
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import admin_required
from ..core.timeutil import local_today
from ..extensions import db
from ..municipalities.services import member_municipalities
from . import delivery, demand, exports, needs, plans
from .forms import ApproveForm, CallForm, LineForm, MapTopicForm, PlanForm, ReopenForm, ReviseForm
from .models import AnnualPlan, NeedsCall, PlanLine, PlanStatus

bp = Blueprint("planning_admin", __name__, url_prefix="/admin/planning")

ID = "int(max=2147483647)"
FORMATS = ("csv", "xlsx")


def _courses():
    return list(db.session.scalars(select(Course).order_by(Course.sort_key)))


# --- needs calls ------------------------------------------------------------------------------


@bp.route("/calls", methods=["GET", "POST"])
@admin_required
def list_calls():
    """The needs calls, with a form to open the next one."""
    today = local_today()
    form = CallForm(data={"year": today.year + 1} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            call = needs.open_call(
                form.year.data, form.deadline.data, form.message.data, today, current_user
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The needs call is open; the coordinators have been mailed."), "success")
            return redirect(url_for("planning_admin.show_call", call_id=call.id))
    calls = list(db.session.scalars(select(NeedsCall).order_by(NeedsCall.year.desc())))
    return render_template("planning/admin/calls.html", calls=calls, form=form, today=today)


@bp.route(f"/calls/<{ID}:call_id>")
@admin_required
def show_call(call_id):
    """Who has answered the call and who has not."""
    call = db.get_or_404(NeedsCall, call_id)
    today = local_today()
    answers = needs.answers(call)
    return render_template(
        "planning/admin/call.html",
        call=call,
        answers=answers,
        answered=sum(a.has_answered for a in answers),
        is_open=call.is_open(today),
        reopen_form=ReopenForm(),
        action_form=ButtonForm(),
    )


@bp.route(f"/calls/<{ID}:call_id>/reopen", methods=["POST"])
@admin_required
def reopen_call(call_id):
    call = db.get_or_404(NeedsCall, call_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            needs.reopen_call(call, form.deadline.data, local_today(), current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("The call is open until the new deadline."), "success")
    else:
        flash(_("Enter the new deadline."), "danger")
    return redirect(url_for("planning_admin.show_call", call_id=call.id))


@bp.route(f"/calls/<{ID}:call_id>/remind", methods=["POST"])
@admin_required
def remind(call_id):
    """Mail the coordinators of the municipalities that have not answered yet."""
    call = db.get_or_404(NeedsCall, call_id)
    if ButtonForm().validate_on_submit():
        try:
            sent = needs.remind_unanswered(call, local_today(), current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("%(n)d reminder(s) sent.", n=sent), "success")
    return redirect(url_for("planning_admin.show_call", call_id=call.id))


# --- consolidated demand ----------------------------------------------------------------------


@bp.route(f"/calls/<{ID}:call_id>/demand")
@admin_required
def show_demand(call_id):
    """The needs of the year merged by topic and by municipality, sorted by demand."""
    call = db.get_or_404(NeedsCall, call_id)
    data = demand.consolidated_demand(call)
    courses = _courses()
    return render_template(
        "planning/admin/demand.html",
        call=call,
        demand=data,
        courses=courses,
        draft=plans.draft_plan(call.year),
        approved=plans.approved_plan(call.year),
        mappings=demand.topic_mappings(),
        action_form=ButtonForm(),
    )


@bp.route(f"/calls/<{ID}:call_id>/demand.<fmt>")
@admin_required
def export_demand(call_id, fmt):
    if fmt not in FORMATS:
        abort(404)
    call = db.get_or_404(NeedsCall, call_id)
    return exports.demand_response(demand.consolidated_demand(call), fmt)


@bp.route(f"/calls/<{ID}:call_id>/topics", methods=["POST"])
@admin_required
def map_topic(call_id):
    """Map a free-text topic to a course, or merge it into another topic."""
    call = db.get_or_404(NeedsCall, call_id)
    form = MapTopicForm()
    form.course_id.choices = [("", "")] + [(c.id, c.title) for c in _courses()]
    form.merged_into_key.choices = [("", "")] + [
        (key, key) for key in request.form.getlist("merged_into_key") if key
    ]
    if form.validate_on_submit():
        try:
            demand.map_topic(
                form.topic_key.data, form.course_id.data, form.merged_into_key.data, current_user
            )
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("The topic has been mapped."), "success")
    else:
        flash(_("Choose a training or a topic to merge into."), "danger")
    return redirect(url_for("planning_admin.show_demand", call_id=call.id))


@bp.route(f"/calls/<{ID}:call_id>/topics/unmap", methods=["POST"])
@admin_required
def unmap_topic(call_id):
    call = db.get_or_404(NeedsCall, call_id)
    if ButtonForm().validate_on_submit():
        demand.unmap_topic(request.form.get("topic_key", ""), current_user)
        db.session.commit()
        flash(_("The topic stands on its own again."), "success")
    return redirect(url_for("planning_admin.show_demand", call_id=call.id))


# --- annual plans -----------------------------------------------------------------------------


@bp.route("/plans", methods=["GET", "POST"])
@admin_required
def list_plans():
    today = local_today()
    form = PlanForm(data={"year": today.year + 1} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            plan = plans.create_plan(form.year.data, current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The draft plan has been created."), "success")
            return redirect(url_for("planning_admin.show_plan", plan_id=plan.id))
    all_plans = list(
        db.session.scalars(
            select(AnnualPlan).order_by(AnnualPlan.year.desc(), AnnualPlan.version.desc())
        )
    )
    return render_template("planning/admin/plans.html", plans=all_plans, form=form)


@bp.route(f"/plans/<{ID}:plan_id>")
@admin_required
def show_plan(plan_id):
    """A plan version: its lines, and approve / revise / build from demand."""
    plan = db.get_or_404(AnnualPlan, plan_id)
    call = db.session.scalar(select(NeedsCall).where(NeedsCall.year == plan.year))
    return render_template(
        "planning/admin/plan.html",
        plan=plan,
        call=call,
        lines=plan.lines,
        period_label=plans.period_label,
        approve_form=ApproveForm(),
        revise_form=ReviseForm(),
        action_form=ButtonForm(),
        versions=plans.plans_of(plan.year),
    )


def _line_form(**kwargs) -> LineForm:
    form = LineForm(**kwargs)
    form.fill_choices(_courses(), member_municipalities())
    return form


def _render_line_form(form, title, plan, submit):
    return render_template(
        "catalog/admin/form.html",
        form=form,
        title=title,
        back_url=url_for("planning_admin.show_plan", plan_id=plan.id),
        submit=submit,
        intro=None,
    )


@bp.route(f"/plans/<{ID}:plan_id>/lines/new", methods=["GET", "POST"])
@admin_required
def new_line(plan_id):
    plan = db.get_or_404(AnnualPlan, plan_id)
    form = _line_form()
    if form.validate_on_submit():
        try:
            plans.add_line(plan, form.details(), current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The training has been added to the plan."), "success")
            return redirect(url_for("planning_admin.show_plan", plan_id=plan.id))
    if not plan.is_editable:
        flash(_("An approved plan cannot be changed: revise it into a new version."), "warning")
        return redirect(url_for("planning_admin.show_plan", plan_id=plan.id))
    return _render_line_form(
        form, _("New line of the %(year)s plan", year=plan.year), plan, _("Add")
    )


@bp.route(f"/lines/<{ID}:line_id>", methods=["GET", "POST"])
@admin_required
def edit_line(line_id):
    line = db.get_or_404(PlanLine, line_id)
    plan = line.plan
    form = _line_form()
    if request.method == "GET":
        form.fill_from(line)
    if form.validate_on_submit():
        try:
            plans.update_line(line, form.details(), current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The line has been saved."), "success")
            return redirect(url_for("planning_admin.show_plan", plan_id=plan.id))
    if not plan.is_editable:
        flash(_("An approved plan cannot be changed: revise it into a new version."), "warning")
        return redirect(url_for("planning_admin.show_plan", plan_id=plan.id))
    return _render_line_form(form, _("Edit plan line"), plan, _("Save"))


@bp.route(f"/lines/<{ID}:line_id>/delete", methods=["POST"])
@admin_required
def delete_line(line_id):
    line = db.get_or_404(PlanLine, line_id)
    plan_id = line.plan_id
    if ButtonForm().validate_on_submit():
        try:
            plans.delete_line(line, current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("The line has been removed from the plan."), "success")
    return redirect(url_for("planning_admin.show_plan", plan_id=plan_id))


@bp.route(f"/plans/<{ID}:plan_id>/from-demand", methods=["POST"])
@admin_required
def lines_from_demand(plan_id):
    """Add the demand's courses to a draft plan (all of them, or the one topic chosen)."""
    plan = db.get_or_404(AnnualPlan, plan_id)
    call = db.session.scalar(select(NeedsCall).where(NeedsCall.year == plan.year))
    if call is None:
        flash(_("There is no needs call for %(year)s.", year=plan.year), "warning")
        return redirect(url_for("planning_admin.show_plan", plan_id=plan.id))
    if ButtonForm().validate_on_submit():
        topics = demand.consolidated_demand(call).topics
        key = request.form.get("topic")
        if key:
            topics = [t for t in topics if t.key == key]
        try:
            added = plans.add_lines_from_demand(plan, topics, current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("%(n)d training(s) added to the plan.", n=added), "success")
    return redirect(url_for("planning_admin.show_plan", plan_id=plan.id))


@bp.route(f"/plans/<{ID}:plan_id>/approve", methods=["POST"])
@admin_required
def approve_plan(plan_id):
    plan = db.get_or_404(AnnualPlan, plan_id)
    form = ApproveForm()
    form.validate_on_submit()
    try:
        plans.approve_plan(plan, form.decision_date.data, form.decision_number.data, current_user)
    except DomainError as error:
        show_refusal(None, error)
    else:
        db.session.commit()
        flash(_("The plan has been approved and published."), "success")
    return redirect(url_for("planning_admin.show_plan", plan_id=plan_id))


@bp.route(f"/plans/<{ID}:plan_id>/revise", methods=["POST"])
@admin_required
def revise_plan(plan_id):
    plan = db.get_or_404(AnnualPlan, plan_id)
    form = ReviseForm()
    form.validate_on_submit()
    try:
        revision = plans.revise_plan(plan, form.reason.data, current_user)
    except DomainError as error:
        show_refusal(None, error)
        return redirect(url_for("planning_admin.show_plan", plan_id=plan_id))
    db.session.commit()
    flash(_("A new version of the plan has been created as a draft."), "success")
    return redirect(url_for("planning_admin.show_plan", plan_id=revision.id))


@bp.route(f"/lines/<{ID}:line_id>/session", methods=["GET", "POST"])
@admin_required
def line_session(line_id):
    """The session form pre-filled from a plan line; the session created is linked to it."""
    line = db.get_or_404(PlanLine, line_id)
    back = url_for("planning_admin.show_plan", plan_id=line.plan_id)
    if line.plan.status != PlanStatus.APPROVED:
        flash(_("Sessions are created from the lines of the approved plan."), "warning")
        return redirect(back)
    form = SessionForm(data=plans.session_defaults(line) if request.method == "GET" else None)
    fill_session_choices(form, _venues())
    if form.validate_on_submit():
        try:
            session = plans.create_session_from_line(line, form.details(), current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The session has been added as a draft and linked to the plan. Add its "
                    "meetings and trainers, then publish it."
                ),
                "success",
            )
            return redirect(url_for("catalog_admin.show_session", session_id=session.id))
    return render_template(
        "catalog/admin/form.html",
        form=form,
        title=_("New session of %(course)s", course=line.course.title),
        back_url=back,
        submit=_("Add"),
        intro=_(
            "From the %(year)s plan: %(period)s, %(city)s.",
            year=line.plan.year,
            period=plans.period_label(line),
            city=line.city,
        ),
    )


# --- plan against delivery --------------------------------------------------------------------


def _year_arg() -> int:
    year = request.args.get("year", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.route("/delivery")
@admin_required
def show_delivery():
    """Each line of the approved plan against what was delivered; lines not delivered and
    sessions delivered outside the plan."""
    year = _year_arg()
    return render_template(
        "planning/admin/delivery.html", data=delivery.plan_delivery(year), year=year
    )


@bp.route("/delivery.<fmt>")
@admin_required
def export_delivery(fmt):
    if fmt not in FORMATS:
        abort(404)
    return exports.delivery_response(delivery.plan_delivery(_year_arg()), fmt)
