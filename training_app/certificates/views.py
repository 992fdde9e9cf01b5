"""Issuing documents, downloads, revocation and reissue, signatories, bulk print jobs and the
public verification page."""

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role
from ..catalog.models import Session, SessionStatus
from ..core import audit
from ..core.errors import DomainError
from ..core.permissions import login_required, public, roles_required
from ..core.timeutil import local_today, utcnow
from ..extensions import db, limiter
from ..municipalities.models import Municipality
from . import jobs, pdf, print_status, services
from .forms import ConfirmForm, MunicipalityPrintForm, ReasonForm, SignatoryForm, VerifyForm
from .models import Certificate, CertificateStatus, PrintJob, PrintJobStatus, Signatory

bp = Blueprint("certificates", __name__)

admin_only = roles_required(Role.ADMIN)
coordinator_or_admin = roles_required(Role.COORDINATOR, Role.ADMIN)


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# --- a session's documents -------------------------------------------------------------------


@bp.route("/certificates/sessions/<int:session_id>")
@admin_only
def session_documents(session_id):
    """The documents of a session: issue them after closing, print them all, open one."""
    session = db.get_or_404(Session, session_id)
    certificates = services.certificates_of_session(session)
    return render_template(
        "certificates/session.html",
        session=session,
        certificates=certificates,
        earned_otherwise=services.earned_otherwise(session, certificates),
        closed=session.status == SessionStatus.COMPLETED,
        form=ConfirmForm(),
    )


@bp.route("/certificates/sessions/<int:session_id>/issue", methods=["POST"])
@admin_only
def issue(session_id):
    """Issue the documents earned in a closed session; clicking twice issues nothing twice."""
    session = db.get_or_404(Session, session_id)
    if ConfirmForm().validate_on_submit():
        try:
            result = services.issue_certificates(session, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("%(n)d document(s) issued.", n=len(result.issued)), "success")
    return redirect(url_for("certificates.session_documents", session_id=session.id))


@bp.route("/certificates/sessions/<int:session_id>/print", methods=["POST"])
@admin_only
def print_session(session_id):
    """Start a bulk print (toplu basım) of every valid document of the session."""
    session = db.get_or_404(Session, session_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("certificates.session_documents", session_id=session.id))
    try:
        job = services.start_print_job(current_user, session=session)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("certificates.session_documents", session_id=session.id))
    db.session.commit()
    jobs.job_queued(job.id)
    return redirect(url_for("certificates.show_print_job", job_id=job.id))


# --- one document ----------------------------------------------------------------------------


@bp.route("/certificates/<int:certificate_id>")
@admin_only
def show(certificate_id):
    """A document's register entry: snapshot, status, revoke or reissue."""
    certificate = db.get_or_404(Certificate, certificate_id)
    return render_template(
        "certificates/show.html",
        certificate=certificate,
        revoke_form=ReasonForm(prefix="revoke"),
        reissue_form=ReasonForm(prefix="reissue"),
    )


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@admin_only
def revoke(certificate_id):
    certificate = db.get_or_404(Certificate, certificate_id)
    form = ReasonForm(prefix="revoke")
    if not form.validate_on_submit():
        flash(_("Write the reason."), "danger")
    else:
        try:
            services.revoke(certificate, form.reason.data, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The document is revoked."), "success")
    return redirect(url_for("certificates.show", certificate_id=certificate.id))


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@admin_only
def reissue(certificate_id):
    certificate = db.get_or_404(Certificate, certificate_id)
    form = ReasonForm(prefix="reissue")
    if not form.validate_on_submit():
        flash(_("Write the reason."), "danger")
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    try:
        new = services.reissue(certificate, form.reason.data, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    db.session.commit()
    flash(_("A new document was issued: %(number)s.", number=new.register_number), "success")
    return redirect(url_for("certificates.show", certificate_id=new.id))


@bp.route("/certificates/<int:certificate_id>/document.pdf")
@login_required
def download(certificate_id):
    """The PDF of one document: for its holder, their coordinator and the training office."""
    certificate = db.get_or_404(Certificate, certificate_id)
    if not services.can_download(current_user, certificate):
        abort(404)
    audit.record(
        "certificate.download", certificate, {"register_number": certificate.register_number}
    )
    db.session.commit()
    return pdf.certificate_response(certificate)


@bp.route("/certificates/municipality")
@coordinator_or_admin
def municipality_documents():
    """Valid and withdrawn documents of the municipalities the user coordinates (all: admin)."""
    query = select(Certificate).order_by(Certificate.year.desc(), Certificate.holder_sort_key)
    if not current_user.has_role(Role.ADMIN):
        query = query.where(
            Certificate.municipality_id.in_(current_user.coordinated_municipality_ids or [-1])
        )
    certificates = db.session.scalars(query.limit(500)).all()
    return render_template("certificates/municipality.html", certificates=certificates)


# --- signatories -----------------------------------------------------------------------------


@bp.route("/certificates/signatories", methods=["GET", "POST"])
@admin_only
def signatories():
    """Who signs new documents; a document keeps the signatories of its day of issue."""
    form = SignatoryForm()
    if form.validate_on_submit():
        services.save_signatory(
            None,
            form.name.data,
            form.title.data,
            form.sort_order.data,
            form.is_active.data,
            current_user,
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("certificates.signatories"))
    rows = db.session.scalars(
        select(Signatory).order_by(Signatory.is_active.desc(), Signatory.sort_order, Signatory.id)
    ).all()
    return render_template("certificates/signatories.html", form=form, signatories=rows)


@bp.route("/certificates/signatories/<int:signatory_id>", methods=["GET", "POST"])
@admin_only
def edit_signatory(signatory_id):
    signatory = db.get_or_404(Signatory, signatory_id)
    form = SignatoryForm(obj=signatory)
    if form.validate_on_submit():
        services.save_signatory(
            signatory,
            form.name.data,
            form.title.data,
            form.sort_order.data,
            form.is_active.data,
            current_user,
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("certificates.signatories"))
    return render_template("certificates/signatory_edit.html", form=form, signatory=signatory)


# --- bulk print jobs -------------------------------------------------------------------------


def _municipality_print_form() -> MunicipalityPrintForm:
    form = MunicipalityPrintForm()
    form.municipality_id.choices = [
        (m.id, m.display_name)
        for m in db.session.scalars(select(Municipality).order_by(Municipality.sort_key))
    ]
    if form.year.data is None:
        form.year.data = local_today().year
    return form


@bp.route("/certificates/print-jobs", methods=["GET", "POST"])
@admin_only
def print_jobs():
    """The documents desk: closed sessions to issue for, bulk prints of a municipality's year,
    earlier print jobs."""
    form = _municipality_print_form()
    if form.validate_on_submit():
        municipality = db.get_or_404(Municipality, form.municipality_id.data)
        try:
            job = services.start_print_job(
                current_user, municipality=municipality, year=form.year.data
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            jobs.job_queued(job.id)
            return redirect(url_for("certificates.show_print_job", job_id=job.id))
    rows = db.session.scalars(select(PrintJob).order_by(PrintJob.id.desc()).limit(50)).all()
    closed = db.session.scalars(
        select(Session)
        .where(Session.status == SessionStatus.COMPLETED)
        .options(selectinload(Session.course))
        .order_by(Session.ends_on.desc(), Session.id.desc())
        .limit(30)
    ).all()
    return render_template(
        "certificates/print_jobs.html", form=form, jobs=rows, closed_sessions=closed
    )


@bp.route("/certificates/print-jobs/<int:job_id>")
@admin_only
def show_print_job(job_id):
    """A print job's progress; polls with htmx and survives a reload (the row holds it)."""
    return _print_job_page("certificates/print_job.html", job_id)


@bp.route("/certificates/print-jobs/<int:job_id>/progress")
@admin_only
def print_job_progress(job_id):
    return _print_job_page("certificates/_print_job_progress.html", job_id)


def _print_job_page(template: str, job_id: int):
    """The job's page or its progress fragment: the same context for both."""
    job = db.get_or_404(PrintJob, job_id)
    return render_template(
        template, job=job, form=ConfirmForm(), abandoned=print_status.is_interrupted(job)
    )


@bp.route("/certificates/print-jobs/<int:job_id>/retry", methods=["POST"])
@admin_only
def retry_print_job(job_id):
    job = db.get_or_404(PrintJob, job_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.retry_print_job(job, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            jobs.job_queued(job.id)
    return redirect(url_for("certificates.show_print_job", job_id=job.id))


@bp.route("/certificates/print-jobs/<int:job_id>/download")
@admin_only
def download_print_job(job_id):
    """The merged PDF; kept after download (downloaded_at is recorded) until cleaned up."""
    job = db.get_or_404(PrintJob, job_id)
    path = jobs.result_file(job) if job.status == PrintJobStatus.DONE else None
    if path is None:
        abort(404)
    job.downloaded_at = utcnow()
    audit.record("print_job.download", job, {"label": job.label})
    db.session.commit()
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"toplu-basim-{job.id}.pdf",
        max_age=0,
    )


# --- public verification ---------------------------------------------------------------------


@bp.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(_verify_limit, methods=["POST"])
def verify_form():
    """Type the code printed on a document to check it."""
    form = VerifyForm()
    if form.validate_on_submit():
        code = services.normalise_code(form.code.data)
        if code:
            return redirect(url_for("certificates.verify", verification_code=code))
        form.code.errors.append(_("Enter the code printed on the document."))
    return render_template("certificates/verify_form.html", form=form)


@bp.route("/verify/<verification_code>")
@public
@limiter.limit(_verify_limit)
def verify(verification_code):
    """What the QR code opens: valid (until when), expired, revoked (with date) or replaced;
    never an ID number."""
    certificate = services.find_by_code(verification_code)
    if certificate is None:
        return render_template(
            "certificates/verify.html",
            certificate=None,
            form=VerifyForm(),
            code=verification_code[:40],
        ), 404
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        CertificateStatus=CertificateStatus,
        # Expired is neither valid nor revoked: the register holds it, its time has run out.
        expired=certificate.is_expired(local_today()),
        # A holder who had their data deleted: the document stays verifiable without the name.
        holder_name_removed=not certificate.holder_name,
    )


def my_document_ids() -> dict[int, int]:
    """registration id -> valid document id of the logged-in person (templates: My trainings).

    Computed once per request whatever the number of trainings listed.
    """
    return {rid: document_id for rid, (document_id, _until) in _my_documents().items()}


def my_document_validity() -> dict[int, dict]:
    """registration id -> {"until": date, "expired": bool} of the logged-in person's valid
    documents that expire (templates: My trainings shows validity beside each document)."""
    today = local_today()
    return {
        rid: {"until": until, "expired": today > until}
        for rid, (_id, until) in _my_documents().items()
        if until is not None
    }


def _my_documents() -> dict:
    from flask import g

    if "my_documents" not in g:
        person = current_user.person if current_user.is_authenticated else None
        g.my_documents = services.documents_by_registration(person)
    return g.my_documents


@bp.cli.command("work")
@click.option("--loop", is_flag=True, help="Keep watching the queue.")
def work_command(loop):
    """Run queued bulk print jobs (`flask certificates work [--loop]`)."""
    if loop:
        jobs.worker_loop()
    else:
        click.echo(f"{jobs.run_pending_jobs()} print job(s) processed.")
