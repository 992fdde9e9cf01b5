"""User administration: create staff accounts, assign roles, deactivate."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import services as accounts
from ..accounts.models import Role, RoleAssignment, User
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import admin_required
from ..extensions import db
from ..municipalities.services import member_municipalities
from .forms import (
    ActionForm,
    AddRoleForm,
    MunicipalityForm,
    StaffUserForm,
    UnitForm,
    fill_municipality_choices,
    fill_role_choices,
)
from .services import users_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@admin_required
def list_users():
    role_value = request.args.get("role", "")
    role = Role(role_value) if role_value in {r.value for r in Role} else None
    q = request.args.get("q", "").strip()
    page = users_page(q, role, page=request.args.get("page", 1, type=int))
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
    from ..municipalities.services import all_municipalities

    return render_template("admin/municipalities.html", municipalities=all_municipalities())


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
    """A municipality's details (membership, activity) and its units."""
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
    return render_template(
        "admin/municipality.html",
        form=form,
        municipality=municipality,
        unit_form=UnitForm(),
        action_form=ActionForm(),
    )


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
