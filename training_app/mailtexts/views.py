"""Yönetim → E-posta metinleri: the office edits the subject and body of each mail."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import admin_required
from ..extensions import db
from . import services
from .forms import MailTextForm, ResetForm
from .models import LOCALES
from .registry import MailKind, get_kind

bp = Blueprint("mailtexts", __name__, url_prefix="/admin/mail-texts")

LANGUAGE_LABELS = {"tr": "Türkçe", "en": "English"}


def _kind_or_404(mail_kind: str, lang: str) -> MailKind:
    kind = get_kind(mail_kind)
    if kind is None or lang not in LOCALES:
        abort(404)
    return kind


@bp.route("/")
@admin_required
def list_texts():
    """Every mail the system sends, the edited ones marked per language."""
    return render_template(
        "mailtexts/list.html", rows=services.overview(), languages=LANGUAGE_LABELS
    )


@bp.route("/<mail_kind>/<lang>", methods=["GET", "POST"])
@admin_required
def edit_text(mail_kind, lang):
    """Edit one kind's text in one language, starting from the current wording."""
    kind = _kind_or_404(mail_kind, lang)
    saved = services.office_text(kind, lang)
    form = MailTextForm()
    if not form.is_submitted():
        if saved is not None:
            form.subject.data, form.body.data = saved.subject, saved.body
        else:
            form.subject.data, form.body.data = services.shipped_text(kind, lang)
    preview = None
    if form.validate_on_submit():
        try:
            if form.save.data:
                services.save_text(kind, lang, form.subject.data, form.body.data, current_user)
                db.session.commit()
                flash(_("The text has been saved; the next mails of this kind use it."), "success")
                return redirect(url_for(".edit_text", mail_kind=kind.key, lang=lang))
            preview = services.preview(kind, lang, form.subject.data, form.body.data)
        except DomainError as error:
            show_refusal(form, error)
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "mailtexts/edit.html",
        kind=kind,
        lang=lang,
        languages=LANGUAGE_LABELS,
        saved=saved,
        # Beside an office text, the shipped one it replaces, to compare or copy from.
        shipped=services.shipped_text(kind, lang) if saved is not None else None,
        form=form,
        reset_form=ResetForm(),
        preview=preview,
    ), status


@bp.route("/<mail_kind>/<lang>/preview", methods=["POST"])
@admin_required
def preview_text(mail_kind, lang):
    """The typed text filled with sample data (htmx), or why it cannot be saved."""
    kind = _kind_or_404(mail_kind, lang)
    form = MailTextForm()
    preview, error = None, None
    if form.validate_on_submit():
        try:
            preview = services.preview(kind, lang, form.subject.data, form.body.data)
        except DomainError as refusal:
            error = refusal.message
    else:
        error = " ".join(str(message) for errors in form.errors.values() for message in errors)
    # 200 either way: htmx swaps the fragment, which shows the refusal in place of a preview.
    return render_template("mailtexts/_preview.html", preview=preview, error=error)


@bp.route("/<mail_kind>/<lang>/reset", methods=["POST"])
@admin_required
def reset_text(mail_kind, lang):
    """Go back to the shipped text (the page asked for confirmation first)."""
    kind = _kind_or_404(mail_kind, lang)
    if not ResetForm().validate_on_submit():
        abort(400)
    if services.reset_text(kind, lang, current_user):
        db.session.commit()
        flash(_("The shipped text is used again."), "success")
    else:
        flash(_("This text had not been changed."), "info")
    return redirect(url_for(".edit_text", mail_kind=kind.key, lang=lang))
