"""Rosters on a phone, QR check-in, sign-in sheets, closing a session, attendance views."""

import re

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import (
    session as flask_session,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role
from ..catalog.models import Meeting, Session
from ..core import audit
from ..core.args import MAX_ID, read_int
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import can_manage_municipality, login_required, public, roles_required
from ..core.timeutil import utcnow
from ..enrollment.models import Registration
from ..extensions import db
from . import checkin, exports, offline, online, pdf, services
from .forms import MarkForm, ReasonOnlyForm, ScoreCorrectionForm
from .models import AttendanceStatus, MarkSource
from .services import MarkInput

bp = Blueprint("attendance", __name__)

trainer_or_admin = roles_required(Role.TRAINER, Role.ADMIN)
admin_only = roles_required(Role.ADMIN)

#: How long a scanned, valid code is honoured while the participant logs in.
PENDING_CHECKIN_SECONDS = 600


def _meeting_for_trainer_or_404(meeting_id: int) -> Meeting:
    """A meeting of a session the current user teaches (or any, for an administrator)."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if not services.can_take_attendance(current_user, meeting.session):
        abort(404)
    return meeting


def _session_for_trainer_or_404(session_id: int) -> Session:
    session = db.get_or_404(Session, session_id)
    if not services.can_take_attendance(current_user, session):
        abort(404)
    return session


@bp.route("/attendance/meetings/<int:meeting_id>")
@trainer_or_admin
def meeting_roster(meeting_id):
    """The roster of one meeting: one tap per person, saved at once."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    lines = services.roster(meeting)
    return render_template(
        "attendance/roster.html",
        meeting=meeting,
        lines=lines,
        form=MarkForm(),
        closed=services.is_closed(meeting.session),
        statuses=list(AttendanceStatus),
        **_marks_window(meeting),
        is_online=online.is_online(meeting.session),
    )


def _marks_window(meeting: Meeting) -> dict:
    """Whether marks can be taken now, and from when: pages offer no mark before then."""
    return {
        "marks_open": services.marks_are_open(meeting),
        "marks_open_at": services.marks_open_at(meeting),
    }


@bp.route("/attendance/meetings/<int:meeting_id>/marks/<int:registration_id>", methods=["POST"])
@trainer_or_admin
def set_mark(meeting_id, registration_id):
    """Save one mark; answers htmx with the updated row, a plain form with a redirect."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    form = MarkForm()
    error = None
    if form.validate_on_submit():
        try:
            services.record_marks(
                meeting,
                {registration_id: MarkInput(AttendanceStatus(form.status.data), form.minutes.data)},
                current_user,
                reason=form.reason.data,
            )
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
    else:
        error = _("The mark could not be saved; check the minutes and try again.")
    if request.headers.get("HX-Request"):
        line = next(
            (line for line in services.roster(meeting) if line.registration.id == registration_id),
            None,
        )
        if line is None:
            abort(404)
        html = render_template(
            "attendance/_roster_row.html",
            line=line,
            meeting=meeting,
            form=MarkForm(),
            closed=services.is_closed(meeting.session),
            statuses=list(AttendanceStatus),
            error=error,
            saved=error is None,
            **_marks_window(meeting),
        )
        return html, (422 if error else 200)
    flash(error or _("Saved."), "danger" if error else "success")
    return redirect(url_for("attendance.meeting_roster", meeting_id=meeting.id))


@bp.route("/attendance/meetings/<int:meeting_id>/all-present", methods=["POST"])
@trainer_or_admin
def mark_all_present(meeting_id):
    meeting = _meeting_for_trainer_or_404(meeting_id)
    if ReasonOnlyForm().validate_on_submit():
        try:
            count = services.mark_all_present(meeting, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("%(n)d person(s) marked present.", n=count), "success")
    return redirect(url_for("attendance.meeting_roster", meeting_id=meeting.id))


@bp.route("/attendance/meetings/<int:meeting_id>/sheet", methods=["GET", "POST"])
@trainer_or_admin
def enter_sheet(meeting_id):
    """Type in the results of a signed paper sheet in one go."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    lines = services.roster(meeting)
    form = ReasonOnlyForm()
    if form.validate_on_submit():
        marks = {}
        for line in lines:
            value = request.form.get(f"status-{line.registration.id}", "")
            if value in {s.value for s in AttendanceStatus}:
                minutes = read_int(
                    request.form.get(f"minutes-{line.registration.id}"), None, -MAX_ID - 1, MAX_ID
                )
                marks[line.registration.id] = MarkInput(AttendanceStatus(value), minutes)
        try:
            count = services.record_marks(
                meeting, marks, current_user, source=MarkSource.SHEET, reason=form.reason.data
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("%(n)d mark(s) saved.", n=count), "success")
            return redirect(url_for("attendance.meeting_roster", meeting_id=meeting.id))
    return render_template(
        "attendance/sheet_entry.html",
        meeting=meeting,
        lines=lines,
        form=form,
        statuses=list(AttendanceStatus),
        closed=services.is_closed(meeting.session),
        **_marks_window(meeting),
    )


@bp.route("/attendance/meetings/<int:meeting_id>/sheet.pdf")
@trainer_or_admin
def sheet_pdf(meeting_id):
    """The sign-in sheet (imza föyü) of a meeting, names in Turkish alphabetical order."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    audit.record("attendance.sheet_pdf", meeting)
    db.session.commit()
    return pdf.sign_in_sheet_response(meeting, services.roster(meeting))


@bp.route("/attendance/meetings/<int:meeting_id>/history")
@admin_only
def mark_history(meeting_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    return render_template(
        "attendance/history.html", meeting=meeting, changes=services.history(meeting)
    )


@bp.route("/attendance/meetings/<int:meeting_id>/qr")
@trainer_or_admin
def show_qr(meeting_id):
    """The rotating QR code the trainer shows in the room."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    return render_template("attendance/qr.html", meeting=meeting, **_qr_context(meeting))


@bp.route("/attendance/meetings/<int:meeting_id>/qr/code")
@trainer_or_admin
def qr_code(meeting_id):
    """The QR code alone, refreshed by htmx as it rotates."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    return render_template("attendance/_qr_code.html", meeting=meeting, **_qr_context(meeting))


def _qr_context(meeting: Meeting) -> dict:
    import segno

    url = url_for(
        "attendance.check_in",
        meeting_id=meeting.id,
        token=checkin.current_qr_token(meeting),
        _external=True,
    )
    open_now = checkin.checkin_is_open(meeting)
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2) if open_now else None
    return {
        "qr_svg": svg,
        "checkin_url": url,
        "open_now": open_now,
        "refresh_seconds": checkin.QR_PERIOD_SECONDS // 2,
    }


@bp.route("/checkin/<int:meeting_id>/<token>")
@public
def check_in(meeting_id, token):
    """A participant scans the room's QR code: marked present for this meeting only.

    Someone not logged in logs in first and comes back here; the scan made before logging in
    is honoured for a few minutes even if the code has rotated meanwhile.
    """
    meeting = db.get_or_404(Meeting, meeting_id)
    pending = flask_session.get("pending_checkin") or {}
    fresh = checkin.token_is_fresh(meeting, token)
    honoured = (
        pending.get("meeting_id") == meeting.id
        and utcnow().timestamp() - pending.get("at", 0) <= PENDING_CHECKIN_SECONDS
    )
    if not fresh and not honoured:
        return render_template(
            "attendance/checkin.html",
            meeting=meeting,
            ok=False,
            message=_("This code is no longer valid. Scan the code shown in the room now."),
        ), 400
    if not current_user.is_authenticated:
        flask_session["pending_checkin"] = {"meeting_id": meeting.id, "at": utcnow().timestamp()}
        flash(_("Log in to check in; you will come back here."), "info")
        return redirect(url_for("accounts.login", next=request.path))
    flask_session.pop("pending_checkin", None)
    try:
        checkin.check_in(meeting, current_user)
    except DomainError as error:
        db.session.rollback()
        return render_template(
            "attendance/checkin.html", meeting=meeting, ok=False, message=error.message
        ), 400
    db.session.commit()
    return render_template(
        "attendance/checkin.html",
        meeting=meeting,
        ok=True,
        message=_("You are checked in. Welcome!"),
    )


@bp.route("/attendance/sessions/<int:session_id>")
@trainer_or_admin
def session_attendance(session_id):
    """The attendance matrix of a session on screen, with hours and percentages."""
    session = _session_for_trainer_or_404(session_id)
    return render_template(
        "attendance/session.html",
        session=session,
        matrix=services.attendance_matrix(session),
        completions=services.completions_of(session),
        closed=services.is_closed(session),
    )


@bp.route("/attendance/sessions/<int:session_id>/matrix.<any(csv, xlsx):fmt>")
@trainer_or_admin
def export_matrix(session_id, fmt):
    session = _session_for_trainer_or_404(session_id)
    matrix = services.attendance_matrix(session)
    audit.record("attendance.export", session, {"format": fmt})
    db.session.commit()
    return exports.matrix_response(session, matrix, fmt)


@bp.route("/attendance/sessions/<int:session_id>/close", methods=["GET", "POST"])
@admin_only
def close_session(session_id):
    """Close a session after its last meeting: completion, exam scores, documents earned."""
    session = db.get_or_404(Session, session_id)
    matrix = services.attendance_matrix(session)
    form = ReasonOnlyForm()
    errors = {}
    if form.validate_on_submit():
        scores = {}
        for registration, _marks, _minutes in matrix.rows:
            raw = request.form.get(f"score-{registration.id}", "").strip().replace(",", ".")
            if not raw:
                scores[registration.id] = None
                continue
            try:
                scores[registration.id] = float(raw)
            except ValueError:
                errors[registration.id] = _("Enter a number between 0 and 100.")
            else:
                if not 0 <= scores[registration.id] <= 100:
                    errors[registration.id] = _("Enter a number between 0 and 100.")
        if not errors:
            try:
                completions = services.close_session(session, scores, current_user)
            except DomainError as error:
                db.session.rollback()
                flash(error.message, "danger")
            else:
                db.session.commit()
                done = sum(1 for c in completions if c.registration.status.value == "completed")
                flash(
                    _(
                        "The session is closed: %(done)d completed, %(missed)d did not complete.",
                        done=done,
                        missed=len(completions) - done,
                    ),
                    "success",
                )
                return redirect(url_for("attendance.session_attendance", session_id=session.id))
    return render_template(
        "attendance/close.html",
        session=session,
        matrix=matrix,
        form=form,
        errors=errors,
        values=request.form,
    ), (400 if errors else 200)


@bp.route("/attendance/registrations/<int:registration_id>/score", methods=["GET", "POST"])
@admin_only
def correct_score(registration_id):
    """Correct one exam score after the session was closed, with a reason."""
    registration = db.get_or_404(Registration, registration_id)
    session = registration.session
    back = url_for("attendance.session_attendance", session_id=session.id)
    completion = services.completions_of(session).get(registration.id)
    if not services.is_closed(session) or not session.course.has_exam or completion is None:
        flash(_("Exam scores can be corrected only for a closed session with an exam."), "warning")
        return redirect(back)
    form = ScoreCorrectionForm()
    if form.validate_on_submit():
        score = form.score_value()
        if score is None:
            form.score.errors.append(_("Enter a number between 0 and 100."))
        else:
            try:
                completion, before = services.correct_exam_score(
                    registration, score, current_user, form.reason.data
                )
            except DomainError as error:
                show_refusal(form, error)
            else:
                db.session.commit()
                flash(_("The exam score was corrected."), "success")
                if completion.document_kind != before:
                    flash(
                        _(
                            "The document earned changed from %(old)s to %(new)s: revoke or "
                            "reissue the document on the session's documents page.",
                            old=before.label,
                            new=completion.document_kind.label,
                        ),
                        "warning",
                    )
                return redirect(back)
    elif request.method == "GET" and completion.exam_score is not None:
        form.score.data = f"{completion.exam_score:g}"
    return render_template(
        "attendance/correct_score.html",
        registration=registration,
        completion=completion,
        form=form,
    ), (400 if form.errors else 200)


@bp.route("/attendance/registrations/<int:registration_id>")
@login_required
def registration_attendance(registration_id):
    """One person's attendance per meeting: for themselves, their coordinator, the office."""
    registration = db.get_or_404(Registration, registration_id)
    own = registration.person.user_id == current_user.id
    if (
        not own
        and not can_manage_municipality(current_user, registration.municipality_id)
        and not services.can_take_attendance(current_user, registration.session)
    ):
        abort(404)
    completion = services.completions_of(registration.session).get(registration.id)
    return render_template(
        "attendance/registration.html",
        registration=registration,
        lines=services.own_attendance(registration),
        completion=completion,
    )


# --- the roster offline (a progressive web app) -----------------------------------------------


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker that keeps rosters and static files for use without a network.

    Served from the site's root so that its scope covers the roster pages; it holds no personal
    data itself (the pages it caches are the signed-in trainer's own)."""
    static = url_for("static", filename="")
    assets = [
        url_for("static", filename=name)
        for name in (
            "vendor/bootstrap/bootstrap.min.css",
            "css/app.css",
            "vendor/htmx/htmx.min.js",
            "vendor/bootstrap/bootstrap.bundle.min.js",
            "js/app.js",
            "js/offline-store.js",
            "js/offline.js",
            "img/favicon.svg",
        )
    ]
    roster = url_for("attendance.meeting_roster", meeting_id=0)
    pattern = "^" + re.escape(roster[: -len("0")]) + r"\d+$"
    response = make_response(
        render_template(
            "attendance/sw.js", assets=assets, static_prefix=static, roster_pattern=pattern
        )
    )
    response.mimetype = "text/javascript"
    return response


@bp.route("/attendance/offline/rosters")
@trainer_or_admin
def offline_rosters():
    """The roster pages of the trainer's meetings of today and the coming days, to keep."""
    urls = [
        url_for("attendance.meeting_roster", meeting_id=m.id)
        for m in offline.upcoming_meetings(current_user)
    ]
    return jsonify({"urls": urls})


@bp.route("/attendance/sync", methods=["POST"])
@trainer_or_admin
def sync_marks():
    """Marks made on the device without a network (JSON, CSRF token in a header): each one is
    saved or refused on its own, and the device is told which."""
    payload = request.get_json(silent=True)
    marks = payload.get("marks") if isinstance(payload, dict) else None
    if not isinstance(marks, list) or len(marks) > offline.MAX_BATCH:
        return jsonify({"error": _("The marks could not be read.")}), 400
    try:
        results = offline.sync_marks(marks, current_user)
        db.session.commit()
    except IntegrityError:
        # The same marks sent at the same moment from another tab: the other request saved
        # them; this one now finds them and reports them as received.
        db.session.rollback()
        results = offline.sync_marks(marks, current_user)
        db.session.commit()
    return jsonify({"results": results})
