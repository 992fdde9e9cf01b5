"""The office's screens for the catalogue's reference data: categories and venues (on the
catalogue's admin blueprint; courses and sessions are in admin_views)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import admin_required
from ..extensions import db
from . import courses, services
from .admin_views import _render_form, _under_list, bp
from .forms import CategoryForm, VenueForm
from .models import Category, Venue

# --- categories -------------------------------------------------------------------------------


@bp.route("/categories", methods=["GET", "POST"])
@admin_required
def list_categories():
    """The categories, with a form to add one."""
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            courses.create_category(form.name.data, form.description.data, by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The category has been added."), "success")
            return redirect(url_for("catalog_admin.list_categories"))
    categories = list(db.session.scalars(select(Category).order_by(Category.sort_key)))
    counts = services.course_counts_by_category()
    return render_template(
        "catalog/admin/categories.html", categories=categories, form=form, counts=counts
    )


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@admin_required
def edit_category(category_id):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            courses.update_category(
                category, form.name.data, form.description.data, by=current_user
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The category has been saved."), "success")
            return redirect(url_for("catalog_admin.list_categories"))
    return _render_form(
        form,
        _("Edit category"),
        _under_list(_("Categories"), "catalog_admin.list_categories"),
        _("Save"),
    )


# --- venues -----------------------------------------------------------------------------------


@bp.route("/venues")
@admin_required
def list_venues():
    venues = list(db.session.scalars(select(Venue).order_by(Venue.sort_key)))
    return render_template("catalog/admin/venues.html", venues=venues)


@bp.route("/venues/new", methods=["GET", "POST"])
@admin_required
def create_venue():
    form = VenueForm()
    if form.validate_on_submit():
        try:
            courses.create_venue(form.details(), by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The venue has been added."), "success")
            return redirect(url_for("catalog_admin.list_venues"))
    return _render_form(
        form, _("New venue"), _under_list(_("Venues"), "catalog_admin.list_venues"), _("Add")
    )


@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
@admin_required
def edit_venue(venue_id):
    venue = db.get_or_404(Venue, venue_id)
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        try:
            courses.update_venue(venue, form.details(), by=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The venue has been saved."), "success")
            return redirect(url_for("catalog_admin.list_venues"))
    return _render_form(
        form, _("Edit venue"), _under_list(_("Venues"), "catalog_admin.list_venues"), _("Save")
    )
