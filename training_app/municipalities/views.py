"""Lookups of municipalities for forms."""

from flask import Blueprint, render_template

from ..core.args import int_arg
from ..core.permissions import public
from .services import units_of

bp = Blueprint("municipalities", __name__, url_prefix="/municipalities")


@bp.route("/units")
@public
def unit_options():
    """The <option> list of a municipality's units, swapped into forms by htmx."""
    municipality_id = int_arg("municipality_id", min=1)
    units = units_of(municipality_id) if municipality_id else []
    return render_template("municipalities/_unit_options.html", units=units)
