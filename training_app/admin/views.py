"""User administration: create staff accounts, assign roles, deactivate."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import services as accounts
from ..accounts.models import Role, RoleAssignment, User
from ..core import audit
from ..core.args import page_arg
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.mail import failed_count
from ..core.permissions import admin_required
from ..core.timeutil import local_today
from ..extensions import db
from ..municipalities.services import member_municipalities
from . import audit_log, outbox
from .forms import (
    ActionForm,
    AddRoleForm,
    AuditFilterForm,
    EndMembershipForm,
    MembershipPeriodForm,
    MunicipalityForm,
    StaffUserForm,
    UnitForm,
    fill_municipality_choices,
    fill_role_choices,
)
from .services import users_page

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: Ids in URLs stop at PostgreSQL's integer range (a larger one is a 404, not an error).
ID = "int(max=2147483647)"


@bp.route("/users")
@admin_required
def list_users():
    role_value = request.args.get("role", "")
    role = Role(role_value) if role_value in {r.value for r in Role} else None
    q = request.args.get("q", "").strip()
    page = users_page(q, role, page=page_arg())
    return render_template(
        "admin/users.html", page=page, q=q, role=role, roles=list(Role), action_form=ActionForm()
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def create_user():
    form = StaffUserForm()
    fill_role_choices(form, member_municipalities())
    if form.validate_on_submit():
        try:
            user = accounts.create_staff_user(
                email=form.email.data,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                role=Role(form.role.data),
                municipality_id=form.municipality_id.data,
                password=form.password.data or None,
                by=current_user,
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The account has been created."), "success")
            return redirect(url_for("admin.show_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>")
@admin_required
def show_user(user_id):
    user = db.get_or_404(User, user_id)
    role_form = AddRoleForm()
    fill_role_choices(role_form, member_municipalities())
    return render_template(
        "admin/user.html", user=user, role_form=role_form, action_form=ActionForm()
    )


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@admin_required
def add_role(user_id):
    user = db.get_or_404(User, user_id)
    form = AddRoleForm()
    fill_role_choices(form, member_municipalities())
    if form.validate_on_submit():
        try:
            accounts.add_role(
                user,
                Role(form.role.data),
                by=current_user,
                municipality_id=form.municipality_id.data,
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The role has been added."), "success")
    else:
        flash(_("Choose a role."), "danger")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.route("/users/<int:user_id>/roles/<int:assignment_id>/remove", methods=["POST"])
@admin_required
def remove_role(user_id, assignment_id):
    user = db.get_or_404(User, user_id)
    assignment = db.get_or_404(RoleAssignment, assignment_id)
    if ActionForm().validate_on_submit():
        try:
            accounts.remove_role(user, assignment, by=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The role has been removed."), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def set_active(user_id):
    """Deactivate or reactivate an account; deactivation ends its sessions at once."""
    user = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            accounts.set_active(user, active, by=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(
                _("The account has been activated.")
                if active
                else _("The account has been deactivated."),
                "success",
            )
    return redirect(url_for("admin.show_user", user_id=user.id))


# --- member municipalities and their units ---------------------------------------------------


def _municipality_details(form):
    from ..municipalities.models import MunicipalityKind
    from ..municipalities.services import MunicipalityDetails

    return MunicipalityDetails(
        name=form.name.data,
        kind=MunicipalityKind(form.kind.data),
        province=form.province.data,
        is_member=form.is_member.data,
        is_active=form.is_active.data,
    )


@bp.route("/municipalities")
@admin_required
def list_municipalities():
    """Every municipality in Turkish alphabetical order, members and former members."""
    from ..municipalities.services import all_municipalities, membership_status

    municipalities = all_municipalities()
    today = local_today()
    return render_template(
        "admin/municipalities.html",
        municipalities=municipalities,
        membership={m.id: membership_status(m, today) for m in municipalities},
    )


@bp.route("/municipalities/new", methods=["GET", "POST"])
@admin_required
def create_municipality():
    """Add a member municipality (for example the union's members outside Konya)."""
    from ..municipalities import services as municipalities

    form = MunicipalityForm(
        data={"province": "Konya", "is_member": True, "is_active": True, "kind": "district"}
    )
    fill_municipality_choices(form)
    if form.validate_on_submit():
        try:
            municipality = municipalities.create_municipality(
                _municipality_details(form), current_user
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The municipality has been added."), "success")
            return redirect(url_for("admin.edit_municipality", municipality_id=municipality.id))
    return render_template(
        "admin/municipality.html", form=form, municipality=None, unit_form=None, action_form=None
    )


@bp.route("/municipalities/<int:municipality_id>", methods=["GET", "POST"])
@admin_required
def edit_municipality(municipality_id):
    """A municipality's details (membership, activity), membership periods and units."""
    from ..municipalities import services as municipalities
    from ..municipalities.models import Municipality

    municipality = db.get_or_404(Municipality, municipality_id)
    form = MunicipalityForm(obj=municipality if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = municipality.kind.value
    fill_municipality_choices(form)
    if form.validate_on_submit():
        try:
            municipalities.update_municipality(
                municipality, _municipality_details(form), current_user
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The municipality has been saved."), "success")
            return redirect(url_for("admin.edit_municipality", municipality_id=municipality.id))
        municipality = db.get_or_404(Municipality, municipality_id)  # reloaded after rollback
    return _municipality_page(municipality, form=form)


def _municipality_page(
    municipality,
    form=None,
    period_form=None,
    end_form=None,
    end_period_id=None,
    status=200,
):
    """The municipality's page; a refused form comes back with its input and the reason."""
    from ..municipalities.services import membership_status

    if form is None:
        # Never from the request: a refused period or unit form posts other fields, and an
        # unticked box would read as "inactive".
        form = MunicipalityForm(formdata=None, obj=municipality)
        form.kind.data = municipality.kind.value
        fill_municipality_choices(form)
    return (
        render_template(
            "admin/municipality.html",
            form=form,
            municipality=municipality,
            membership=membership_status(municipality),
            periods=sorted(municipality.membership_periods, key=lambda p: p.joined_on),
            period_form=period_form or MembershipPeriodForm(formdata=None),
            end_form=end_form,
            end_period_id=end_period_id,
            unit_form=UnitForm(),
            action_form=ActionForm(),
        ),
        status,
    )


@bp.route(f"/municipalities/<{ID}:municipality_id>/membership", methods=["POST"])
@admin_required
def add_membership_period(municipality_id):
    """Record a membership period; the municipality's membership follows its periods."""
    from ..municipalities import services as municipalities
    from ..municipalities.models import Municipality

    municipality = db.get_or_404(Municipality, municipality_id)
    form = MembershipPeriodForm()
    if form.validate_on_submit():
        try:
            municipalities.add_membership_period(
                municipality, form.joined_on.data, form.left_on.data, form.note.data, current_user
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The membership period has been added."), "success")
            return redirect(url_for("admin.edit_municipality", municipality_id=municipality.id))
    municipality = db.get_or_404(Municipality, municipality_id)
    return _municipality_page(municipality, period_form=form, status=400)


@bp.route(f"/membership-periods/<{ID}:period_id>/end", methods=["POST"])
@admin_required
def end_membership_period(period_id):
    """Give an open membership period its last day."""
    from ..municipalities import services as municipalities
    from ..municipalities.models import MembershipPeriod, Municipality

    period = db.get_or_404(MembershipPeriod, period_id)
    municipality_id = period.municipality_id
    form = EndMembershipForm()
    if form.validate_on_submit():
        try:
            municipalities.end_membership_period(period, form.left_on.data, current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The membership period has been ended."), "success")
            return redirect(url_for("admin.edit_municipality", municipality_id=municipality_id))
    municipality = db.get_or_404(Municipality, municipality_id)
    return _municipality_page(municipality, end_form=form, end_period_id=period_id, status=400)


@bp.route(f"/membership-periods/<{ID}:period_id>/remove", methods=["POST"])
@admin_required
def remove_membership_period(period_id):
    """Remove a wrongly entered membership period."""
    from ..municipalities import services as municipalities
    from ..municipalities.models import MembershipPeriod

    period = db.get_or_404(MembershipPeriod, period_id)
    municipality_id = period.municipality_id
    if ActionForm().validate_on_submit():
        municipalities.remove_membership_period(period, current_user)
        db.session.commit()
        flash(_("The membership period has been removed."), "success")
    return redirect(url_for("admin.edit_municipality", municipality_id=municipality_id))


@bp.route("/municipalities/<int:municipality_id>/units", methods=["POST"])
@admin_required
def add_unit(municipality_id):
    from ..municipalities import services as municipalities
    from ..municipalities.models import Municipality

    municipality = db.get_or_404(Municipality, municipality_id)
    form = UnitForm()
    if form.validate_on_submit():
        try:
            municipalities.add_unit(municipality, form.name.data, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The unit has been added."), "success")
    else:
        flash(_("Enter the unit's name."), "danger")
    return redirect(url_for("admin.edit_municipality", municipality_id=municipality.id))


@bp.route("/units/<int:unit_id>/remove", methods=["POST"])
@admin_required
def remove_unit(unit_id):
    from ..municipalities import services as municipalities
    from ..municipalities.models import Unit

    unit = db.get_or_404(Unit, unit_id)
    municipality_id = unit.municipality_id
    if ActionForm().validate_on_submit():
        municipalities.remove_unit(unit, current_user)
        db.session.commit()
        flash(_("The unit has been removed."), "success")
    return redirect(url_for("admin.edit_municipality", municipality_id=municipality_id))


# --- the audit log ---------------------------------------------------------------------------


def _audit_filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("All actions"))] + audit_log.action_choices()
    form.object_type.choices = [("", _("All record types"))] + audit_log.object_type_choices()
    form.validate()
    return form


@bp.route("/audit")
@admin_required
def list_audit_entries():
    """Who did what to which record, newest first, filtered; 50 entries a page."""
    form = _audit_filter_form()
    filters = form.filters()
    page = audit_log.audit_page(filters, page=page_arg())
    return render_template(
        "admin/audit.html", form=form, page=page, query_args=filters.query_args()
    )


@bp.route("/audit.csv")
@admin_required
def export_audit_entries():
    """The filtered entries as CSV; the export itself is an entry (it reads personal data)."""
    form = _audit_filter_form()
    filters = form.filters()
    text, count = audit_log.export_csv(filters)
    # Which filters were used, not what was typed in them (a name searched for is personal).
    facts = {"filters": sorted(filters.query_args()), "rows": count}
    audit.record("audit.export", None, facts)
    db.session.commit()
    return Response(
        text,
        mimetype="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="denetim-kaydi.csv"',
            "Cache-Control": "private, no-store",
        },
    )


# --- outgoing mail ---------------------------------------------------------------------------


@bp.route("/outbox")
@admin_required
def list_outbox():
    """Every outgoing message, newest first, filtered by state, recipient and kind."""
    filters = outbox.OutboxFilters.from_args(request.args)
    page = outbox.outbox_page(filters, page=page_arg())
    return render_template(
        "admin/outbox.html",
        page=page,
        filters=filters,
        query_args=filters.query_args(),
        states=list(outbox.STATE_LABELS.items()),
        kinds=outbox.kind_choices(),
        state_label=outbox.state_label,
        kind_label=outbox.kind_label,
        failed=failed_count(),
        action_form=ActionForm(),
    )


@bp.route(f"/outbox/<{ID}:message_id>")
@admin_required
def show_outbox_message(message_id):
    """One message: its state, attempts, last error and text (an ID number in it masked)."""
    from ..core.models import OutboxMessage

    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "admin/outbox_message.html",
        message=message,
        body=outbox.shown_body(message),
        last_error=outbox.shown_error(message),
        state_label=outbox.state_label(message.status),
        kind_label=outbox.kind_label(message.kind),
        action_form=ActionForm(),
    )


@bp.route(f"/outbox/<{ID}:message_id>/retry", methods=["POST"])
@admin_required
def retry_outbox_message(message_id):
    """Send a message that gave up again."""
    from ..core.models import OutboxMessage

    message = db.get_or_404(OutboxMessage, message_id)
    if ActionForm().validate_on_submit():
        try:
            outbox.retry(message, by=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The message will be sent again."), "success")
    return redirect(url_for("admin.show_outbox_message", message_id=message_id))


@bp.route("/outbox/retry-failed", methods=["POST"])
@admin_required
def retry_failed_outbox():
    """Send every message that gave up again."""
    if ActionForm().validate_on_submit():
        count = outbox.retry_all_failed(by=current_user)
        db.session.commit()
        flash(_("%(n)s message(s) will be sent again.", n=count), "success")
    return redirect(url_for("admin.list_outbox", state="failed"))
