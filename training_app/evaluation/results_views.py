"""Evaluation results pages and exports: the office's (session, course, category, year), a
trainer's own, and a coordinator's response rates with a reminder button.

Every figure comes from results.py (and municipality.py for the rates), where the 5-answer
threshold is applied; free texts are read only for the office's session page and export.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Person, Role
from ..catalog.models import Category, Course, Session
from ..core.args import MAX_ID, int_arg, read_int
from ..core.errors import DomainError
from ..core.permissions import admin_required, roles_required
from ..core.timeutil import local_today
from ..extensions import db
from . import charts, exports, group_results, municipality, results
from .forms import ActionForm
from .models import SCALE_LABELS, Evaluation

bp = Blueprint("evaluation_results", __name__, url_prefix="/evaluation/results")

FORMATS = "any(csv, xlsx)"
FIRST_YEAR = 2000


def _year(required: bool = True) -> int | None:
    """The year asked for (this year by default); 404 for one outside the offered range."""
    today = local_today()
    if not request.args.get("year"):
        return today.year if required else None
    year = int_arg("year", None, min=FIRST_YEAR, max=today.year + 1)
    if year is None:
        abort(404)
    return year


def _years() -> list[int]:
    return list(range(local_today().year, FIRST_YEAR + 20, -1))


def _common(**context) -> dict:
    return {"hidden_note": results.HIDDEN_NOTE, "scale_labels": SCALE_LABELS} | context


# --- the office ----------------------------------------------------------------------------------


@bp.route("/")
@admin_required
def overview():
    """The results of a year by category and by course, with links to each."""
    year = _year()
    data = group_results.year_overview(year)
    return render_template(
        "evaluation/results/overview.html",
        **_common(
            data=data,
            year=year,
            years=_years(),
            chart=charts.means_chart(_("Average score by category"), data.categories),
        ),
    )


def _session_tables(data: results.SessionResults, with_texts: bool) -> list[exports.Table]:
    summary = results.GroupLine(_("Total"), responses=data.responses, invited=data.invited or None)
    tables = [
        exports.group_table(_("Response rate"), _("Session"), [summary]),
        exports.scale_table(data.scale),
        exports.choice_table(data.choices),
        exports.learning_table(data.learning),
    ]
    if with_texts:
        tables.append(exports.text_table(data.texts))
    return tables


@bp.route("/sessions/<int:session_id>")
@admin_required
def session_results(session_id):
    """One session: response rate, each question's mean and distribution, charts, free texts."""
    session = db.get_or_404(Session, session_id)
    data = results.session_results(session, with_texts=True)
    return render_template(
        "evaluation/results/session.html",
        **_common(
            session=session,
            data=data,
            chart=charts.distribution_chart(_("Answers to the 1–5 questions"), data.scale),
        ),
    )


@bp.route(f"/sessions/<int:session_id>.<{FORMATS}:fmt>")
@admin_required
def export_session(session_id, fmt):
    """A session's results as CSV (the 1-5 questions) or XLSX (every table, free texts too)."""
    session = db.get_or_404(Session, session_id)
    data = results.session_results(session, with_texts=fmt == "xlsx")
    filename = f"degerlendirme-donem-{session.id}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(exports.scale_table(data.scale), filename)
    heading = f"{session.course.code} {session.starts_on:%d.%m.%Y}"
    return exports.xlsx_response(_session_tables(data, with_texts=True), heading, filename)


def _group_tables(data: group_results.GroupResults, first: str) -> list[exports.Table]:
    return [
        exports.group_table(_("Response rate"), first, [data.total, *data.lines]),
        exports.scale_table(data.scale),
        exports.learning_table(data.learning),
    ]


def _group_page(data: group_results.GroupResults, kind: str, obj_id: int, first: str):
    return render_template(
        "evaluation/results/group.html",
        **_common(
            data=data,
            kind=kind,
            obj_id=obj_id,
            first=first,
            years=_years(),
            lines_chart=charts.means_chart(_("Average score (1–5)"), data.lines),
            chart=charts.distribution_chart(_("Answers to the 1–5 questions"), data.scale),
        ),
    )


@bp.route("/courses/<int:course_id>")
@admin_required
def course_results(course_id):
    """A course's sessions of a year."""
    course = db.get_or_404(Course, course_id)
    return _group_page(
        group_results.course_results(course, _year()), "course", course.id, _("Session")
    )


@bp.route(f"/courses/<int:course_id>.<{FORMATS}:fmt>")
@admin_required
def export_course(course_id, fmt):
    course = db.get_or_404(Course, course_id)
    year = _year()
    data = group_results.course_results(course, year)
    tables = _group_tables(data, _("Session"))
    filename = f"degerlendirme-egitim-{course.id}-{year}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(tables[0], filename)
    return exports.xlsx_response(tables, f"{data.label} {year}", filename)


@bp.route("/categories/<int:category_id>")
@admin_required
def category_results(category_id):
    """A category's courses of a year."""
    category = db.get_or_404(Category, category_id)
    data = group_results.category_results(category, _year())
    return _group_page(data, "category", category.id, _("Training"))


@bp.route(f"/categories/<int:category_id>.<{FORMATS}:fmt>")
@admin_required
def export_category(category_id, fmt):
    category = db.get_or_404(Category, category_id)
    year = _year()
    data = group_results.category_results(category, year)
    tables = _group_tables(data, _("Training"))
    filename = f"degerlendirme-kategori-{category.id}-{year}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(tables[0], filename)
    return exports.xlsx_response(tables, f"{data.label} {year}", filename)


# --- a trainer -----------------------------------------------------------------------------------


def _trainer() -> Person | None:
    """The trainer whose figures are shown: oneself for a trainer; the one chosen by the office."""
    raw = request.args.get("trainer", "")
    chosen = int_arg("trainer", None, min=1)
    if current_user.has_role(Role.ADMIN):
        if not raw:
            return None
        if chosen is None:
            abort(404)
        return db.get_or_404(Person, chosen)
    if current_user.person is None or (raw and chosen != current_user.person.id):
        abort(404)
    return current_user.person


@bp.route("/trainer")
@roles_required(Role.TRAINER, Role.ADMIN)
def trainer_results():
    """A trainer's own figures across sessions (no free text); the office chooses a trainer."""
    trainer = _trainer()
    year = _year(required=False)
    data = group_results.trainer_results(trainer, year) if trainer else None
    return render_template(
        "evaluation/results/trainer.html",
        **_common(
            trainer=trainer,
            data=data,
            year=year,
            years=_years(),
            trainers=group_results.trainers_with_answers()
            if current_user.has_role(Role.ADMIN)
            else [],
            chart=charts.distribution_chart(_("Answers about the trainer"), data.scale)
            if data
            else None,
        ),
    )


@bp.route(f"/trainer.<{FORMATS}:fmt>")
@roles_required(Role.TRAINER, Role.ADMIN)
def export_trainer(fmt):
    trainer = _trainer()
    if trainer is None:
        abort(404)
    year = _year(required=False)
    data = group_results.trainer_results(trainer, year)
    tables = [
        exports.group_table(_("Sessions"), _("Session"), [data.total, *data.sessions]),
        exports.scale_table(data.scale),
    ]
    filename = f"degerlendirme-egitmen-{trainer.id}-{year or 'tum'}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(tables[1], filename)
    return exports.xlsx_response(tables, trainer.full_name, filename)


# --- a coordinator -------------------------------------------------------------------------------


@bp.route("/municipality")
@roles_required(Role.COORDINATOR)
def municipality_rates():
    """The response rate of their municipality's people per session (never the answers)."""
    year = _year()
    lines = municipality.rates(current_user.coordinated_municipality_ids, year)
    return render_template(
        "evaluation/results/municipality.html",
        lines=lines,
        year=year,
        years=_years(),
        action_form=ActionForm(),
    )


@bp.route("/municipality/<int:session_id>/remind", methods=["POST"])
@roles_required(Role.COORDINATOR)
def remind_municipality(session_id):
    """Remind their people who attended and have not answered (once a day)."""
    session = db.get_or_404(Session, session_id)
    form = ActionForm()
    own = current_user.coordinated_municipality_ids
    municipality_id = read_int(request.form.get("municipality"), None, 1, MAX_ID)
    if municipality_id is None and len(own) == 1:
        municipality_id = next(iter(own))
    if municipality_id not in own:
        abort(404)
    back = redirect(url_for("evaluation_results.municipality_rates", year=session.starts_on.year))
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "warning")
        return back
    evaluation = db.session.scalar(db.select(Evaluation).where(Evaluation.session_id == session.id))
    if evaluation is None:
        flash(_("The evaluation is not open: there is nobody to remind."), "warning")
        return back
    try:
        sent = municipality.remind_municipality(evaluation, municipality_id, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return back
    db.session.commit()
    flash(_("Reminder sent to %(count)s people.", count=sent), "success")
    return back
