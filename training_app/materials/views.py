"""Adding, listing, downloading and removing a session's materials."""

import io

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..catalog.forms import ButtonForm
from ..catalog.models import Session
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import login_required
from ..extensions import db
from . import services
from .forms import MaterialLinkForm, MaterialUploadForm
from .models import Material

bp = Blueprint("materials", __name__)

#: Room for the form's other fields above the file itself.
FORM_OVERHEAD = 64 * 1024


def _session_to_manage_or_404(session_id: int) -> Session:
    session = db.get_or_404(Session, session_id)
    if not services.can_manage(current_user, session):
        abort(404)
    return session


def _manage_page(session, form, link_form, status=200):
    materials = services.session_materials(session)
    return (
        render_template(
            "materials/manage.html",
            session=session,
            materials=materials,
            form=form,
            link_form=link_form,
            delete_form=ButtonForm(),
            deletable={m.id for m in materials if services.can_delete(current_user, m)},
            max_mb=services.max_bytes() // (1024 * 1024),
        ),
        status,
    )


@bp.route("/sessions/<int:session_id>/materials", methods=["GET", "POST"])
@login_required
def manage(session_id):
    """The session's materials for its trainers and the office: add a file, list, remove."""
    request.max_content_length = services.max_bytes() + FORM_OVERHEAD
    session = _session_to_manage_or_404(session_id)
    form = MaterialUploadForm()
    link_form = MaterialLinkForm(prefix="link")
    if request.method == "GET":
        return _manage_page(session, form, link_form)
    if form.validate_on_submit():
        upload = form.file.data
        with upload.stream:  # a large upload is spooled to a temporary file: close it now
            data = upload.read()
        try:
            services.add_file(
                session, data, upload.filename or "", form.title.data, by=current_user
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The file has been added to the session's materials."), "success")
            return redirect(url_for("materials.manage", session_id=session.id))
    return _manage_page(session, form, link_form, 400)


@bp.route("/sessions/<int:session_id>/materials/link", methods=["POST"])
@login_required
def add_link(session_id):
    """Add a link (video, text of a law, shared folder) to the session's materials."""
    session = _session_to_manage_or_404(session_id)
    form = MaterialUploadForm(formdata=None)
    link_form = MaterialLinkForm(prefix="link")
    if link_form.validate_on_submit():
        try:
            services.add_link(session, link_form.url.data, link_form.title.data, by=current_user)
        except DomainError as error:
            show_refusal(link_form, error)
        else:
            db.session.commit()
            flash(_("The link has been added to the session's materials."), "success")
            return redirect(url_for("materials.manage", session_id=session.id))
    return _manage_page(session, form, link_form, 400)


@bp.route("/materials/<int:material_id>")
@login_required
def download(material_id):
    """A material for whoever may see it (404 for everyone else); every opening is audited."""
    material = db.get_or_404(Material, material_id)
    if not services.can_see(current_user, material.session):
        abort(404)
    path = services.file_path(material) if material.is_file else None
    if path is not None and not path.is_file():
        abort(404)
    services.record_download(material, current_user)
    db.session.commit()
    if path is None:
        return redirect(material.url)
    # Read whole (at most MATERIAL_MAX_BYTES): no file handle outlives the request.
    return send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=material.content_type,
        as_attachment=True,
        download_name=material.filename,
        max_age=0,
    )


@bp.route("/materials/<int:material_id>/delete", methods=["POST"])
@login_required
def delete(material_id):
    """Remove a material: whoever added it, or the office."""
    material = db.get_or_404(Material, material_id)
    if not services.can_delete(current_user, material):
        abort(404)
    session_id = material.session_id
    if ButtonForm().validate_on_submit():
        try:
            services.delete(material, by=current_user)
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            flash(_("The material has been removed."), "success")
    return redirect(url_for("materials.manage", session_id=session_id))


def session_materials_panel(session: Session) -> Markup:
    """The materials box of a catalogue session page (a Jinja global): only for those who may
    see them; those who manage them get the link to add more."""
    if not services.can_see(current_user, session):
        return Markup("")
    return Markup(
        render_template(
            "materials/_section.html",
            session=session,
            materials=services.session_materials(session),
            can_manage=services.can_manage(current_user, session),
        )
    )


def my_materials() -> dict[int, list[Material]]:
    """session id -> materials of the logged-in person's trainings (templates: My trainings),
    computed once per request."""
    if "my_materials" not in g:
        person = current_user.person if current_user.is_authenticated else None
        g.my_materials = services.materials_by_session(person.id) if person is not None else {}
    return g.my_materials
