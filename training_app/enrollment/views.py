"""Applying, My trainings, the coordinator's inbox and nominations, the office's rosters."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..accounts.models import Person, Role
from ..catalog.models import Session
from ..core import audit
from ..core.args import int_arg, page_arg
from ..core.errors import DomainError, NotAllowed
from ..core.forms import show_refusal
from ..core.permissions import admin_required, login_required, roles_required
from ..core.uploads import UploadProblem, read_text_upload
from ..extensions import db
from ..municipalities.services import member_municipalities
from . import exports, imports, queries, quota, services
from .forms import (
    DecisionForm,
    ImportConfirmForm,
    ImportUploadForm,
    ManualRegistrationForm,
    NominationForm,
    ReasonForm,
)
from .models import PendingImport, Registration, RegistrationStatus

bp = Blueprint("enrollment", __name__)

coordinator_or_admin = roles_required(Role.COORDINATOR, Role.ADMIN)
#: Applications per page of the inbox (a decision applies to those ticked on the page).
INBOX_PAGE_SIZE = 50


def _status_arg() -> RegistrationStatus | None:
    value = request.args.get("status", "")
    return RegistrationStatus(value) if value in {s.value for s in RegistrationStatus} else None


def enrolment_panel(session: Session) -> Markup:
    """The application box of a catalogue session page (a Jinja global the catalogue calls)."""
    registration = position = problem = None
    held = False
    user = current_user
    own_quota, coordinated_quotas = None, []
    if user.is_authenticated:
        # Quota use before applying or nominating: one's own municipality, and the
        # municipalities one coordinates.
        own_id = user.person.municipality_id if user.person is not None else None
        uses = quota.quota_uses(session, {own_id, *user.coordinated_municipality_ids})
        own_quota = next((u for u in uses if u.municipality_id == own_id), None)
        coordinated_quotas = [
            u
            for u in uses
            if u.municipality_id in user.coordinated_municipality_ids and u is not own_quota
        ]
    if user.is_authenticated and user.person is not None:
        registration = services.registration_of(user.person, session)
        if registration is not None and registration.is_active:
            position = services.waitlist_position(registration)
            held = quota.held_by_quota(registration)
        else:
            problem = services.eligibility_problem(user.person, session)
    return Markup(
        render_template(
            "enrollment/_panel.html",
            session=session,
            registration=registration,
            waitlist_position=position,
            held_by_quota=held,
            own_quota=own_quota,
            coordinated_quotas=coordinated_quotas,
            seats_free=session.seats_taken < session.capacity,
            problem=problem,
            form=ReasonForm(),
            can_cancel=registration is not None and services.can_cancel_own(registration),
        )
    )


@bp.route("/sessions/<int:session_id>/apply", methods=["POST"])
@login_required
def apply(session_id):
    """A participant applies for a session."""
    session = db.get_or_404(Session, session_id)
    person = current_user.person
    if ReasonForm().validate_on_submit():
        if person is None:
            flash(_("Complete your profile before applying."), "danger")
            return redirect(url_for("accounts.profile"))
        try:
            registration = services.enroll(person, session, by=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_apply_message(registration), "success")
    return redirect(url_for("catalog.show_session", session_id=session.id))


def _apply_message(registration: Registration) -> str:
    if registration.status == RegistrationStatus.PENDING_APPROVAL:
        return _(
            "Your application has been received; your municipality's training coordinator "
            "will decide on it."
        )
    if registration.status == RegistrationStatus.WAITLISTED and quota.held_by_quota(registration):
        use = quota.quota_use(registration.session, registration.municipality_id)
        return _(
            "Your municipality's quota for this session is full (%(used)d/%(quota)d used): "
            "you are number %(n)d on the waiting list. Free seats go to people of other "
            "municipalities; you get a seat only if someone from your municipality withdraws "
            "or the union's office raises the quota, and you will be told by e-mail.",
            used=use.used,
            quota=use.quota,
            n=services.waitlist_position(registration),
        )
    if registration.status == RegistrationStatus.WAITLISTED:
        return _(
            "The session is full: you are number %(n)d on the waiting list.",
            n=services.waitlist_position(registration),
        )
    return _("Your registration is confirmed.")


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
@login_required
def cancel(registration_id):
    """Withdraw one's own registration, or (coordinator, office) cancel someone's with a reason."""
    registration = db.get_or_404(Registration, registration_id)
    own = registration.person.user_id == current_user.id
    if not own and not services.can_decide(current_user, registration):
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.cancel(registration, by=current_user, reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The registration has been cancelled."), "success")
    target = request.form.get("back")
    if target == "roster" and current_user.has_role(Role.ADMIN):
        return redirect(url_for("enrollment.session_roster", session_id=registration.session_id))
    if target == "municipality" and not own:
        return redirect(url_for("enrollment.municipality_registrations"))
    return redirect(url_for("enrollment.my_trainings"))


@bp.route("/registrations/<int:registration_id>")
@login_required
def show_registration(registration_id):
    """One registration and its history (who moved it, when, why): for the person, their
    municipality's coordinator and the office."""
    registration = db.get_or_404(Registration, registration_id)
    own = registration.person.user_id == current_user.id
    if not own and not services.can_decide(current_user, registration):
        abort(404)
    return render_template(
        "enrollment/registration.html",
        registration=registration,
        events=services.history(registration),
        waitlist_position=services.waitlist_position(registration),
    )


@bp.route("/my/trainings")
@login_required
def my_trainings():
    """Upcoming, awaiting approval, waiting list, past trainings with attendance and documents."""
    person = current_user.person
    trainings = queries.my_trainings(person) if person is not None else None
    cancellable, held = set(), set()
    if trainings is not None:
        active = trainings.upcoming + trainings.pending + [r for r, _n in trainings.waitlisted]
        cancellable = {r.id for r in active if services.can_cancel_own(r)}
        held = {r.id for r, _n in trainings.waitlisted if quota.held_by_quota(r)}
    return render_template(
        "enrollment/my_trainings.html",
        trainings=trainings,
        cancellable=cancellable,
        held_by_quota=held,
        form=ReasonForm(),
    )


# --- coordinators ----------------------------------------------------------------------------


@bp.route("/coordinator/requests", methods=["GET", "POST"])
@coordinator_or_admin
def coordinator_inbox():
    """Pending applications of the coordinator's municipality: approve or refuse, one or many."""
    form = DecisionForm()
    page = db.paginate(
        queries.pending_for(current_user),
        page=page_arg(),
        per_page=INBOX_PAGE_SIZE,
        error_out=False,
    )
    if form.validate_on_submit():
        # A row's own button decides that application alone; the bottom one, those ticked.
        row_id, row_decision = _row_decision()
        wanted = [row_id] if row_id is not None else list(form.registration_ids.data or [])
        approve_them = (row_decision or form.decision.data) == "approve"
        chosen = db.session.scalars(queries.pending_for(current_user, wanted)).all()
        if not chosen:
            flash(_("Select at least one application."), "danger")
        else:
            try:
                done, problems = services.decide_many(
                    chosen, approve_them, current_user, form.reason.data
                )
            except DomainError as error:
                db.session.rollback()
                form.reason.errors = [*form.reason.errors, error.message]
                return render_template("enrollment/inbox.html", page=page, form=form), 400
            db.session.commit()
            flash(_decision_message(chosen, approve_them, done), "success")
            for problem in problems:
                flash(problem, "warning")
            return redirect(url_for("enrollment.coordinator_inbox", page=page.page))
    if not page.items and page.page > 1:
        # The last page emptied by a decision: show the one before it.
        return redirect(url_for("enrollment.coordinator_inbox", page=max(page.pages, 1)))
    return render_template("enrollment/inbox.html", page=page, form=form)


def _row_decision() -> tuple[int | None, str | None]:
    """The application whose own Approve / Refuse button was pressed, if one was."""
    for decision in ("approve", "refuse"):
        value = request.form.get(f"{decision}_one", "")
        if value.isascii() and value.isdigit() and len(value) <= 9:
            return int(value), decision
    return None, None


def _decision_message(chosen: list[Registration], approved: bool, done: int) -> str:
    """How many were confirmed and how many went to the waiting list (or were refused)."""
    if not approved:
        return _("%(n)d application(s) refused.", n=done)
    confirmed = sum(r.status == RegistrationStatus.CONFIRMED for r in chosen)
    waitlisted = sum(r.status == RegistrationStatus.WAITLISTED for r in chosen)
    if not waitlisted:
        return _("%(n)d application(s) approved and confirmed.", n=confirmed)
    return _(
        "%(confirmed)d application(s) confirmed, %(waitlisted)d put on the waiting list "
        "(no seat was left).",
        confirmed=confirmed,
        waitlisted=waitlisted,
    )


@bp.route("/coordinator/registrations")
@coordinator_or_admin
def municipality_registrations():
    """Every registration of the coordinator's municipalities, newest sessions first."""
    ids = _visible_municipality_ids()
    status = _status_arg()
    page = db.paginate(
        queries.registrations_of_municipalities(ids, status),
        page=page_arg(),
        per_page=50,
        error_out=False,
    )
    title = (
        _("Registrations of all municipalities")
        if current_user.has_role(Role.ADMIN)
        else _("Registrations of my municipality")
    )
    return render_template(
        "enrollment/municipality_registrations.html",
        page=page,
        status=status,
        statuses=list(RegistrationStatus),
        form=ReasonForm(),
        title=title,
    )


def _visible_municipality_ids() -> set[int]:
    if current_user.has_role(Role.ADMIN):
        return {m.id for m in member_municipalities(include_inactive=True)}
    return current_user.coordinated_municipality_ids


@bp.route("/coordinator/nominate", methods=["GET", "POST"])
@coordinator_or_admin
def nominate():
    """Register people of one's municipality for a session directly."""
    form = NominationForm()
    sessions = queries.nomination_sessions()
    form.session_id.choices = [
        (s.id, f"{s.course.title} ({s.starts_on:%d.%m.%Y}, {s.city})") for s in sessions
    ]
    people = queries.people_of(_visible_municipality_ids())
    if form.validate_on_submit():
        session = db.get_or_404(Session, form.session_id.data)
        wanted = set(form.person_ids.data or [])
        chosen = [p for p in people if p.id in wanted]
        if not chosen:
            flash(_("Select at least one person."), "danger")
        else:
            done, problems = services.nominate(session, chosen, current_user)
            db.session.commit()
            waiting = sum(1 for r in done if r.status == RegistrationStatus.WAITLISTED)
            flash(
                _(
                    "%(confirmed)d person(s) registered, %(waiting)d on the waiting list.",
                    confirmed=len(done) - waiting,
                    waiting=waiting,
                ),
                "success",
            )
            for problem in problems:
                flash(problem, "warning")
            return redirect(url_for("enrollment.municipality_registrations"))
    return render_template("enrollment/nominate.html", form=form, people=people)


# --- the union's office ----------------------------------------------------------------------


@bp.route("/admin/sessions/<int:session_id>/roster")
@admin_required
def session_roster(session_id):
    """A session's registrations in Turkish alphabetical order, by state and municipality."""
    session = db.get_or_404(Session, session_id)
    status = _status_arg()
    municipality_id = int_arg("municipality_id", min=1)
    registrations = queries.roster(session, status, municipality_id)
    manual_form = ManualRegistrationForm()
    return render_template(
        "enrollment/roster.html",
        session=session,
        registrations=registrations,
        status=status,
        statuses=list(RegistrationStatus),
        municipality_id=municipality_id,
        municipalities=member_municipalities(include_inactive=True),
        counts=queries.status_counts(session),
        manual_form=manual_form,
        form=ReasonForm(),
        decision_form=DecisionForm(),
    )


@bp.route("/admin/sessions/<int:session_id>/roster/add", methods=["POST"])
@admin_required
def add_registration(session_id):
    """The office registers a person by hand (window and approval do not apply)."""
    session = db.get_or_404(Session, session_id)
    form = ManualRegistrationForm()
    if form.validate_on_submit():
        person = db.get_or_404(Person, form.person_id.data)
        try:
            registration = services.enroll(
                person, session, current_user, nominated=True, check_window=False
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(
                _("%(name)s: %(state)s.", name=person.full_name, state=registration.status.label),
                "success",
            )
    else:
        flash(_("Choose a person."), "danger")
    return redirect(url_for("enrollment.session_roster", session_id=session.id))


@bp.route("/admin/people/search")
@admin_required
def search_people():
    """People matching a typed name, as <option>s for the manual registration form (htmx)."""
    people = queries.search_people(request.args.get("q", ""))
    return render_template("enrollment/_people_options.html", people=people)


@bp.route("/admin/registrations/<int:registration_id>/decide", methods=["POST"])
@admin_required
def decide(registration_id):
    registration = db.get_or_404(Registration, registration_id)
    form = DecisionForm()
    form.registration_ids.choices = [(registration.id, registration.id)]
    if form.validate_on_submit():
        try:
            services.decide_many(
                [registration], form.decision.data == "approve", current_user, form.reason.data
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("%(n)d application(s) decided.", n=1), "success")
    return redirect(url_for("enrollment.session_roster", session_id=registration.session_id))


@bp.route("/admin/sessions/<int:session_id>/roster/import", methods=["GET", "POST"])
@admin_required
def import_registrations(session_id):
    """Upload a CSV, see every bad row before anything is written."""
    session = db.get_or_404(Session, session_id)
    form = ImportUploadForm()
    if form.validate_on_submit():
        try:
            text = read_text_upload(form.file.data.read())
        except UploadProblem as problem:
            show_refusal(form, problem)
            return render_template("enrollment/import.html", session=session, form=form), 400
        preview = imports.parse(text, session)
        pending = None
        if not preview.file_problem and preview.good:
            pending = imports.store_upload(session, current_user, form.file.data.filename, text)
            db.session.commit()
        return render_template(
            "enrollment/import_preview.html",
            session=session,
            preview=preview,
            pending=pending,
            form=ImportConfirmForm(),
        )
    return render_template("enrollment/import.html", session=session, form=form)


@bp.route("/admin/sessions/<int:session_id>/roster/import/<int:import_id>", methods=["POST"])
@admin_required
def confirm_import(session_id, import_id):
    """Register every row of a previewed file in one transaction."""
    session = db.get_or_404(Session, session_id)
    pending = db.get_or_404(PendingImport, import_id)
    if pending.session_id != session.id:
        abort(404)
    if ImportConfirmForm().validate_on_submit():
        try:
            count, _preview = imports.import_rows(
                imports.load_upload(pending), session, current_user
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return redirect(url_for("enrollment.import_registrations", session_id=session.id))
        db.session.delete(pending)
        db.session.commit()
        flash(_("%(n)d registration(s) imported.", n=count), "success")
    return redirect(url_for("enrollment.session_roster", session_id=session.id))


@bp.route("/admin/sessions/<int:session_id>/roster.<any(csv, xlsx):fmt>")
@admin_required
def export_roster(session_id, fmt):
    """The roster as CSV or XLSX, ID numbers masked; the export is logged."""
    session = db.get_or_404(Session, session_id)
    registrations = queries.roster(session, _status_arg())
    audit.record("roster.export", session, {"format": fmt, "rows": len(registrations)})
    db.session.commit()
    return exports.roster_response(session, registrations, fmt)


@bp.errorhandler(NotAllowed)
def _not_allowed(_error):
    abort(404)
