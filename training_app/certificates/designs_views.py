"""Document design pages (Belge tasarımları): list, create, edit, copy, delete, a live PDF
preview with sample data, and a course's choice of design per document kind."""

import base64

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from ..accounts.models import Role
from ..catalog.models import Course, DocumentKind
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import roles_required
from ..core.turkish import format_date_long
from ..extensions import db
from . import designs
from .design_forms import PLACEHOLDER_HELP, CourseDesignsForm, DesignForm
from .forms import ConfirmForm
from .models import CertificateDesign, CourseDocumentDesign

bp = Blueprint("designs", __name__)

admin_only = roles_required(Role.ADMIN)


@bp.route("/certificates/designs")
@admin_only
def list_designs():
    """Every design, the default first, with how many courses use it."""
    rows = designs.all_designs()
    db.session.commit()  # the default design, created the first time
    uses = dict(
        db.session.execute(
            select(
                CourseDocumentDesign.design_id, func.count(CourseDocumentDesign.course_id)
            ).group_by(CourseDocumentDesign.design_id)
        ).all()
    )
    return render_template(
        "certificates/designs.html",
        designs=rows,
        uses=uses,
        layouts=designs.LAYOUTS,
        form=ConfirmForm(),
    )


@bp.route("/certificates/designs/new", methods=["GET", "POST"])
@admin_only
def create_design():
    form = DesignForm()
    if request.method == "GET":
        primary, accent = designs.default_colors()
        _fill(
            form,
            name="",
            layout="klasik",
            texts=designs.shipped_texts(),
            primary=primary,
            accent=accent,
            registry=True,
            partners=[],
        )
    if form.validate_on_submit():
        try:
            design = designs.save_design(None, _input(form, None), current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The design is saved."), "success")
            return redirect(url_for("designs.edit_design", design_id=design.id))
    return _page(form, None)


@bp.route("/certificates/designs/<int:design_id>", methods=["GET", "POST"])
@admin_only
def edit_design(design_id):
    """Change a design: documents issued before keep the design they were issued with."""
    design = db.get_or_404(CertificateDesign, design_id)
    form = DesignForm()
    if request.method == "GET":
        _fill(
            form,
            name=design.name,
            layout=design.layout,
            texts=design.texts,
            primary=design.primary_color,
            accent=design.accent_color,
            registry=design.use_registry_signatories,
            partners=design.partner_signatories,
        )
        form.keep_logos.data = list(design.logos)
    form.keep_logos.choices = [(sha, sha) for sha in design.logos]
    if form.validate_on_submit():
        try:
            designs.save_design(design, _input(form, design), current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The design is saved."), "success")
            return redirect(url_for("designs.edit_design", design_id=design.id))
    return _page(form, design)


@bp.route("/certificates/designs/<int:design_id>/duplicate", methods=["POST"])
@admin_only
def duplicate_design(design_id):
    design = db.get_or_404(CertificateDesign, design_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("designs.list_designs"))
    copy = designs.duplicate_design(design, current_user)
    db.session.commit()
    flash(_("A copy was made: %(name)s.", name=copy.name), "success")
    return redirect(url_for("designs.edit_design", design_id=copy.id))


@bp.route("/certificates/designs/<int:design_id>/delete", methods=["POST"])
@admin_only
def delete_design(design_id):
    """Delete a design no course uses (refused naming the courses otherwise)."""
    design = db.get_or_404(CertificateDesign, design_id)
    if ConfirmForm().validate_on_submit():
        try:
            designs.delete_design(design, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The design is deleted."), "success")
    return redirect(url_for("designs.list_designs"))


@bp.route("/certificates/designs/preview", methods=["POST"])
@admin_only
def preview_design():
    """The form's current values printed on a sample document (nothing is saved)."""
    from .pdf import render_contexts, with_qr

    form = DesignForm()
    form.keep_logos.choices = [(sha, sha) for sha in form.keep_logos.data or []]
    if not form.validate_on_submit():
        return _preview_refusal(_("The preview could not be made: check the form."))
    if not (form.name.data or "").strip():
        form.name.data = _("Preview")  # a design not yet named can be looked at all the same
    try:
        values = designs.clean(_input(form, None, any_stored_logo=True))
    except DomainError as error:
        db.session.rollback()
        return _preview_refusal(error.message)
    images = designs.images_for([*values.logos, values.background])
    for image in [*values.new_logos, values.new_background]:
        if image is not None:
            images[image.sha256] = (image.mime_type, image.data)
    kind = request.form.get("preview_kind")
    kind = kind if kind in (k.value for k in DocumentKind) else DocumentKind.ATTENDANCE.value
    document = _sample_document(values, kind)
    document["images"] = images
    data = render_contexts([with_qr(document)])
    return _pdf_response(data)


@bp.route("/certificates/courses/<int:course_id>/designs", methods=["POST"])
@admin_only
def assign_course_designs(course_id):
    """Choose the design of the course's documents, per kind."""
    course = db.get_or_404(Course, course_id)
    form = _course_form(course)
    if form.validate_on_submit():
        try:
            designs.assign_designs(
                course,
                {"attendance": form.attendance.data, "achievement": form.achievement.data},
                current_user,
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The document designs of the course are saved."), "success")
    else:
        flash(_("Choose one of the designs."), "danger")
    return redirect(url_for("catalog_admin.show_course", course_id=course.id))


def course_designs_panel(course: Course) -> Markup:
    """The course page's choice of designs (a Jinja global the catalogue page calls)."""
    form = _course_form(course)
    chosen = designs.chosen_designs(course.id)
    if not form.is_submitted():
        form.attendance.data = chosen.get("attendance")
        form.achievement.data = chosen.get("achievement")
    return Markup(
        render_template("certificates/_course_designs.html", course=course, design_form=form)
    )


# --- helpers ---------------------------------------------------------------------------------


def _course_form(course: Course) -> CourseDesignsForm:
    form = CourseDesignsForm(prefix="designs")
    choices = [(None, _("Default design (%(name)s)", name=designs.DEFAULT_NAME))]
    choices += [(d.id, d.name) for d in designs.all_designs() if not d.is_default]
    form.attendance.choices = choices
    form.achievement.choices = choices
    return form


def _fill(form, name, layout, texts, primary, accent, registry, partners) -> None:
    form.name.data = name
    form.layout.data = layout
    for field in designs.TEXT_FIELDS:
        getattr(form, field).data = texts.get(field, "")
    form.primary_color.data = primary
    form.accent_color.data = accent
    form.use_registry_signatories.data = registry
    for n, person in enumerate(partners[: designs.MAX_PARTNER_SIGNATORIES], start=1):
        getattr(form, f"partner{n}_name").data = person["name"]
        getattr(form, f"partner{n}_title").data = person["title"]


def _input(form, design, any_stored_logo: bool = False) -> designs.DesignInput:
    """The form's values as plain values; uploads are checked (and refused) here."""
    if any_stored_logo:
        stored = designs.images_for(form.keep_logos.data or [])
        keep = [sha for sha in form.keep_logos.data or [] if sha in stored]
    else:
        allowed = set(design.logos) if design is not None else set()
        keep = [sha for sha in form.keep_logos.data or [] if sha in allowed]
    new_logos = [
        designs.process_image(upload.read(), field="logo_files")
        for upload in form.logo_files.data or []
        if getattr(upload, "filename", None)
    ]
    background = design.background if design is not None else None
    if any_stored_logo:
        background = request.form.get("background_sha") or None
        if background and not designs.images_for([background]):
            background = None
    if form.remove_background.data:
        background = None
    new_background = None
    upload = form.background_file.data
    if upload is not None and getattr(upload, "filename", None):
        new_background = designs.process_image(
            upload.read(), background=True, field="background_file"
        )
    return designs.DesignInput(
        name=form.name.data or "",
        layout=form.layout.data or "",
        texts={field: getattr(form, field).data or "" for field in designs.TEXT_FIELDS},
        primary_color=form.primary_color.data or "",
        accent_color=form.accent_color.data or "",
        use_registry_signatories=form.use_registry_signatories.data,
        partner_signatories=[
            {
                "name": getattr(form, f"partner{n}_name").data or "",
                "title": getattr(form, f"partner{n}_title").data or "",
            }
            for n in range(1, designs.MAX_PARTNER_SIGNATORIES + 1)
        ],
        logos=keep,
        new_logos=new_logos,
        background=background,
        new_background=new_background,
    )


def _sample_document(values: designs.DesignInput, kind: str) -> dict:
    """What a preview prints: a sample person and course with the design's own values."""
    from ..core.timeutil import local_today

    holder, course = "AYŞE IŞIK ÇAĞLAR", "Afet Yönetimi ve İlk Yardım Eğitimi"
    period, hours, place = "12.05.2026 – 16.05.2026", "30 saat", "Konya"
    number = "KBB-2026-000000"
    design = designs.fill_design(
        {
            "name": values.name,
            "layout": values.layout,
            "texts": values.texts,
            "primary_color": values.primary_color,
            "accent_color": values.accent_color,
            "logos": [*values.logos, *(i.sha256 for i in values.new_logos)],
            "background": values.new_background.sha256
            if values.new_background
            else values.background,
        },
        kind,
        designs.placeholder_values(holder, course, period, hours, place, number),
    )
    transient = CertificateDesign(
        use_registry_signatories=values.use_registry_signatories,
        partner_signatories=values.partner_signatories,
    )
    achievement = kind == DocumentKind.ACHIEVEMENT.value
    return {
        "void_note": "ÖRNEKTİR",
        "void_detail": "Önizleme: geçerli bir belge değildir.",
        "verification_code": "ORNEK0000000",
        "title": "Başarı Belgesi" if achievement else "Katılım Belgesi",
        "achievement": achievement,
        "holder_name": holder,
        "position": "Birim Amiri",
        "municipality": "Selçuklu Belediyesi",
        "course_title": course,
        "period": period,
        "hours": hours,
        "place": place,
        "issued_on": format_date_long(local_today(), locale="tr"),
        "register_number": number,
        "code": "ORNE-K000-0000",
        "verification_url": url_for("certificates.verify_form", _external=True),
        "signatories": designs.signatories_of(transient),
        "design": design,
    }


def _pdf_response(data: bytes) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="onizleme.pdf"',
            "Cache-Control": "private, no-store",
            # Shown in the design page's frame (the app's pages may not be framed otherwise).
            "X-Frame-Options": "SAMEORIGIN",
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
        },
    )


def _preview_refusal(message: str):
    page = render_template("certificates/design_preview_error.html", message=message)
    response = Response(page, status=400, mimetype="text/html")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self'; frame-ancestors 'self'"
    )
    return response


def _page(form: DesignForm, design: CertificateDesign | None):
    stored = designs.images_for(design.logos + [design.background]) if design else {}
    return render_template(
        "certificates/design_edit.html",
        form=form,
        design=design,
        logos=[
            (sha, f"data:{stored[sha][0]};base64,{base64.b64encode(stored[sha][1]).decode()}")
            for sha in (design.logos if design else [])
            if sha in stored
        ],
        placeholders=PLACEHOLDER_HELP,
    )
