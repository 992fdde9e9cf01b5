"""Online meetings: the join box (home page, session page), "Katıldım", the meeting code and
the platform report upload with its preview."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..accounts.models import Role
from ..catalog.models import Meeting
from ..core.args import MAX_ID, read_int
from ..core.errors import DomainError
from ..core.permissions import login_required, roles_required
from ..core.safety import safe_next_url
from ..core.uploads import UploadProblem
from ..extensions import db
from . import online, platform_reports, services
from .forms import ButtonOnlyForm, OnlineAttendForm, PlatformReportForm, ReasonOnlyForm

bp = Blueprint("online", __name__)

trainer_or_admin = roles_required(Role.TRAINER, Role.ADMIN)


def online_session_box(session) -> Markup:
    """The "Çevrim içi oturum" box of a session page (a Jinja global the catalogue calls)."""
    box = online.join_box(current_user, session)
    if box is None:
        return Markup("")
    return Markup(
        render_template(
            "attendance/_online_box.html", box=box, form=OnlineAttendForm(), back=request.path
        )
    )


def online_home_boxes() -> Markup:
    """The running and next online meetings of the person on the home page."""
    boxes = online.home_boxes(current_user)
    return Markup(
        "".join(
            render_template(
                "attendance/_online_box.html", box=box, form=OnlineAttendForm(), back=request.path
            )
            for box in boxes
        )
    )


def _meeting_for_trainer_or_404(meeting_id: int) -> Meeting:
    meeting = db.get_or_404(Meeting, meeting_id)
    if not services.can_take_attendance(current_user, meeting.session):
        abort(404)
    return meeting


@bp.route("/online/meetings/<int:meeting_id>/attend", methods=["POST"])
@login_required
def attend(meeting_id):
    """ "Katıldım": a confirmed participant checks in to the running online meeting."""
    meeting = db.get_or_404(Meeting, meeting_id)
    back = safe_next_url(request.form.get("next")) or url_for(
        "catalog.show_session", session_id=meeting.session_id
    )
    form = OnlineAttendForm()
    if form.validate_on_submit():
        try:
            online.attend_online(meeting, current_user, form.code.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Your attendance is recorded. Have a good meeting!"), "success")
    return redirect(back)


@bp.route("/online/meetings/<int:meeting_id>/code", methods=["POST"])
@trainer_or_admin
def set_code(meeting_id):
    """Require a new code for "Katıldım" (said aloud in the meeting), or stop requiring one."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    if ButtonOnlyForm().validate_on_submit():
        if request.form.get("action") == "clear":
            online.clear_online_code(meeting, current_user)
            flash(_("“Katıldım” no longer asks for a code."), "info")
        else:
            code = online.new_online_code(meeting, current_user)
            flash(_("New code: %(code)s. Say it in the meeting.", code=code), "success")
        db.session.commit()
    return redirect(url_for("attendance.meeting_roster", meeting_id=meeting.id))


@bp.route("/online/meetings/<int:meeting_id>/report", methods=["GET", "POST"])
@trainer_or_admin
def upload_report(meeting_id):
    """Upload Zoom's or Teams' participants report and see the proposed marks; nothing is
    written until the trainer confirms."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    form = PlatformReportForm()
    if form.validate_on_submit():
        try:
            report = platform_reports.parse_report(form.file.data.read(), meeting.day)
        except UploadProblem as problem:
            form.file.errors = [*form.file.errors, problem.message]
        else:
            return render_template(
                "attendance/online_report_preview.html",
                meeting=meeting,
                preview=online.preview_report(meeting, report),
                roster=services.roster(meeting),
                form=ReasonOnlyForm(),
                as_text=platform_reports.as_text,
                closed=services.is_closed(meeting.session),
            )
    return render_template("attendance/online_report.html", meeting=meeting, form=form), (
        400 if form.errors else 200
    )


@bp.route("/online/meetings/<int:meeting_id>/report/confirm", methods=["POST"])
@trainer_or_admin
def confirm_report(meeting_id):
    """Save the previewed report: the rows matched, and the unmatched ones given to someone."""
    meeting = _meeting_for_trainer_or_404(meeting_id)
    form = ReasonOnlyForm()
    if not form.validate_on_submit():
        return redirect(url_for("online.upload_report", meeting_id=meeting.id))
    limit = meeting.minutes * 60
    intervals: dict[int, list[tuple[int, int]]] = {}
    for line in services.roster(meeting):
        registration_id = line.registration.id
        intervals[registration_id] = platform_reports.from_text(
            request.form.get(f"iv-{registration_id}"), limit
        )
    for index in range(read_int(request.form.get("unmatched"), 0, 0, 1000)):
        target = read_int(request.form.get(f"u-{index}-to"), None, 0, MAX_ID)
        if target in intervals:
            intervals[target] += platform_reports.from_text(
                request.form.get(f"u-{index}-iv"), limit
            )
    try:
        count = online.save_report(meeting, intervals, current_user, reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("online.upload_report", meeting_id=meeting.id))
    db.session.commit()
    flash(_("%(n)d mark(s) saved.", n=count), "success")
    return redirect(url_for("attendance.meeting_roster", meeting_id=meeting.id))
