"""User administration: create staff accounts, assign roles, deactivate."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import services as accounts
from ..accounts.models import Role, RoleAssignment, User
from ..core.errors import DomainError
from ..core.permissions import admin_required
from ..extensions import db
from ..municipalities.services import member_municipalities
from .forms import ActionForm, AddRoleForm, StaffUserForm, fill_role_choices
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
            db.session.rollback()
            field = getattr(form, error.field, None) if error.field else None
            if field is not None:
                field.errors = [*field.errors, error.message]
            else:
                flash(error.message, "danger")
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
