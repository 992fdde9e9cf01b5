"""My personal data (a copy, a deletion request), the office's queue of deletion requests and
the privacy notice editor."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import PrivacyNotice
from ..accounts.services import current_privacy_notice
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import admin_required, login_required
from ..core.timeutil import local_today
from ..core.turkish import format_date_short
from ..extensions import db, limiter
from . import data_copy, services
from .forms import ButtonForm, CarryOutForm, DeletionRequestForm, NoticeForm, RejectForm
from .models import ANSWER_WITHIN_DAYS, DeletionRequest, DeletionRequestStatus

bp = Blueprint("privacy", __name__)


def _own_person():
    """The logged-in user's person record; 404 for an account without one."""
    person = current_user.person
    if person is None:
        abort(404)
    return person


def _my_data_page(form=None, status=200):
    person = current_user.person
    open_request = services.open_request_of(person) if person else None
    return render_template(
        "privacy/my_data.html",
        person=person,
        form=form or DeletionRequestForm(),
        button=ButtonForm(),
        open_request=open_request,
        past_requests=[r for r in services.requests_of(person) if r is not open_request]
        if person
        else [],
        answer_days=ANSWER_WITHIN_DAYS,
    ), status


@bp.route("/privacy/my-data")
@login_required
def my_data():
    """Your rights in plain words, a copy of your data and a deletion request."""
    return _my_data_page()


def _archive_limit() -> str:
    return current_app.config["DATA_ARCHIVE_RATE_LIMIT"]


def _per_user() -> str:
    return f"user:{current_user.get_id()}"


@bp.route("/privacy/my-data/archive", methods=["POST"])
@login_required
@limiter.limit(_archive_limit, key_func=_per_user)
def download_archive():
    """A ZIP with your data (JSON), your documents (PDF) and a README; the download is audited.

    POST, not GET: it is an audited action, and a link cannot trigger it from another site."""
    person = _own_person()
    data = data_copy.personal_data_archive(person, by=current_user)
    db.session.commit()
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{data_copy.archive_filename()}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/privacy/my-data/deletion", methods=["POST"])
@login_required
def request_deletion():
    """Ask for your personal data to be deleted."""
    person = _own_person()
    form = DeletionRequestForm()
    if not form.validate_on_submit():
        return _my_data_page(form, 400)
    try:
        request = services.request_deletion(person, form.reason.data)
    except DomainError as error:
        show_refusal(form, error)
        return _my_data_page(form, 400)
    db.session.commit()
    flash(
        _(
            "Your request has been received. We will answer it by %(date)s at the latest.",
            date=format_date_short(request.due_on),
        ),
        "success",
    )
    return redirect(url_for("privacy.my_data"))


@bp.route("/privacy/my-data/deletion/<int:request_id>/withdraw", methods=["POST"])
@login_required
def withdraw_request(request_id):
    """Take back your own open request."""
    request = db.get_or_404(DeletionRequest, request_id)
    if current_user.person is None or request.person_id != current_user.person.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_deletion(request, current_user)
    except DomainError as error:
        show_refusal(None, error)
    else:
        db.session.commit()
        flash(_("Your request has been withdrawn. Nothing was deleted."), "success")
    return redirect(url_for("privacy.my_data"))


# --- the office's queue -----------------------------------------------------------------------


@bp.route("/admin/privacy/requests")
@admin_required
def admin_requests():
    """Open deletion requests, the most urgent first; overdue ones stand out."""
    return render_template(
        "privacy/requests.html",
        rows=services.open_requests(),
        answered=services.answered_requests(),
    )


def _request_page(request, carry_out_form=None, reject_form=None, status=200):
    person = request.person
    return render_template(
        "privacy/request.html",
        request_=request,
        person=person,
        days_left=(request.due_on - local_today()).days,
        overdue=services.is_overdue(request),
        documents=services.holds_documents(person),
        teaching=services.upcoming_sessions_taught_by(person)
        if request.status == DeletionRequestStatus.OPEN
        else [],
        carry_out_form=carry_out_form or CarryOutForm(),
        reject_form=reject_form or RejectForm(),
    ), status


@bp.route("/admin/privacy/requests/<int:request_id>")
@admin_required
def admin_request(request_id):
    """One request: who asked, what they hold, and the two answers (carry out, reject)."""
    return _request_page(db.get_or_404(DeletionRequest, request_id))


@bp.route("/admin/privacy/requests/<int:request_id>/carry-out", methods=["POST"])
@admin_required
def carry_out(request_id):
    """Anonymise the person after the confirmation box is ticked."""
    request = db.get_or_404(DeletionRequest, request_id)
    form = CarryOutForm()
    if not form.validate_on_submit():
        return _request_page(request, carry_out_form=form, status=400)
    try:
        services.carry_out_deletion(request, current_user, form.note.data)
    except DomainError as error:
        show_refusal(form, error)
        return _request_page(request, carry_out_form=form, status=400)
    db.session.commit()
    flash(_("The person's data has been anonymised."), "success")
    return redirect(url_for("privacy.admin_requests"))


@bp.route("/admin/privacy/requests/<int:request_id>/reject", methods=["POST"])
@admin_required
def reject(request_id):
    """Refuse the request, telling the person why."""
    request = db.get_or_404(DeletionRequest, request_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _request_page(request, reject_form=form, status=400)
    try:
        services.reject_deletion(request, current_user, form.note.data)
    except DomainError as error:
        show_refusal(form, error)
        return _request_page(request, reject_form=form, status=400)
    db.session.commit()
    flash(_("The request has been rejected and the person informed."), "success")
    return redirect(url_for("privacy.admin_requests"))


# --- the privacy notice -----------------------------------------------------------------------


@bp.route("/admin/privacy/notices")
@admin_required
def admin_notices():
    """Every version of the privacy notice with how many users acknowledged it."""
    return render_template("privacy/notices.html", rows=services.notice_versions())


@bp.route("/admin/privacy/notices/new", methods=["GET", "POST"])
@admin_required
def new_notice():
    """Write a new version (prefilled with the current one), preview it, publish it."""
    form = NoticeForm()
    current = current_privacy_notice()
    if not form.is_submitted() and current is not None:
        form.title.data = current.title
        form.body.data = current.body
    preview = None
    if form.validate_on_submit():
        if form.publish.data and not form.confirm.data:
            form.confirm.errors = [_("Tick the box to publish this version.")]
        elif form.publish.data:
            try:
                notice = services.publish_notice(form.title.data, form.body.data, current_user)
            except DomainError as error:
                show_refusal(form, error)
            else:
                db.session.commit()
                flash(
                    _(
                        "Version %(v)s has been published. Users acknowledge it at their next "
                        "visit.",
                        v=notice.version,
                    ),
                    "success",
                )
                return redirect(url_for("privacy.admin_notices"))
        else:
            preview = {"title": form.title.data, "body": form.body.data.replace("\r\n", "\n")}
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "privacy/notice_edit.html", form=form, current=current, preview=preview
    ), status


@bp.route("/admin/privacy/notices/<int:notice_id>")
@admin_required
def show_notice(notice_id):
    """One published version, as users saw it."""
    notice = db.get_or_404(PrivacyNotice, notice_id)
    return render_template("privacy/notice.html", notice=notice)
