"""The dashboard, its exports and a municipality's training record."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..core import audit
from ..core.permissions import require_municipality, roles_required
from ..core.timeutil import local_today
from ..evaluation import report_section
from ..evaluation import results as evaluation_results
from ..extensions import db
from ..municipalities.models import Municipality
from ..planning.delivery import plan_delivery
from . import charts, expiry, exports, services, yearly
from .forms import FIRST_YEAR, ExpiryForm, PeriodForm, YearlyReportForm, report_years

bp = Blueprint("reports", __name__, url_prefix="/reports")

coordinator_or_admin = roles_required(Role.COORDINATOR, Role.ADMIN)
FORMATS = ("csv", "xlsx")


def _filters(all_label=None) -> tuple[PeriodForm, services.Period, int | None]:
    """The period and municipality asked for; 404 for a municipality the user may not see."""
    form = PeriodForm(request.args)
    municipalities = services.selectable_municipalities(current_user)
    form.fill_choices(local_today(), municipalities, all_label)
    form.validate()
    municipality_id = form.municipality_id
    if municipality_id is not None:
        require_municipality(current_user, municipality_id)
        if municipality_id not in {m.id for m in municipalities}:
            abort(404)  # an id typed into the address that names no municipality
    return form, form.period(local_today()), municipality_id


def _may_choose_municipality() -> bool:
    return current_user.has_role(Role.ADMIN) or len(current_user.coordinated_municipality_ids) > 1


def _dashboard_filters():
    many = _may_choose_municipality()
    label = _("All municipalities") if current_user.has_role(Role.ADMIN) else _("All of mine")
    form, period, municipality_id = _filters(label if many else None)
    return form, period, services.scope_for(current_user, municipality_id), many


@bp.route("/")
@coordinator_or_admin
def dashboard():
    """Training figures of a period: the union's, or a coordinator's municipality's."""
    form, period, scope, show_municipality = _dashboard_filters()
    data = services.dashboard(period, scope)
    tables = {name: exports.dashboard_table(data, name) for name in services.TABLES}
    if current_user.has_role(Role.ADMIN):
        evaluations = report_section.report_section(
            period.start, period.end, scope.municipality_ids, with_topics=not scope.is_limited
        )
    else:  # a coordinator sees their people's response rate, not their answers
        evaluations = report_section.response_rate_section(
            period.start, period.end, scope.municipality_ids
        )
    today = local_today()
    report_year = min(max(period.end.year, FIRST_YEAR), today.year)
    return render_template(
        "reports/dashboard.html",
        form=form,
        show_municipality=show_municipality,
        data=data,
        tables=tables,
        charts=charts.dashboard_charts(data),
        evaluations=evaluations,
        evaluation_charts=charts.evaluation_charts(evaluations),
        hidden_note=evaluation_results.HIDDEN_NOTE,
        export_args=form.query_args(),
        report_years=report_years(today),
        # The dashboard's year; for dates, the year they end in (within the list).
        report_year=report_year,
        report_municipality=form.municipality_id,
        # The union's plan of the report year against delivery (the office's view); a
        # coordinator gets their municipality's needs against attendance instead.
        plan_delivery=plan_delivery(report_year) if not scope.is_limited else None,
    )


@bp.route("/yearly-report.pdf")
@coordinator_or_admin
def yearly_report():
    """The training section of the yearly activity report as a PDF: the union's figures for
    an admin (or one municipality's), a coordinator's own municipalities' otherwise."""
    form = YearlyReportForm(request.args)
    form.set_today(local_today())
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "warning")
        return redirect(url_for("reports.dashboard"))
    if form.municipality_id is not None:
        require_municipality(current_user, form.municipality_id)
    scope = services.scope_for(current_user, form.municipality_id)
    answers = current_user.has_role(Role.ADMIN)
    return yearly.pdf_response(form.report_year, scope, evaluation_answers=answers)


@bp.route("/export/<any(summary, municipality, position, category, month, all):table>.<fmt>")
@coordinator_or_admin
def export_table(table, fmt):
    """One dashboard table as CSV or XLSX, or every table as one XLSX workbook."""
    if fmt not in FORMATS or (table == "all" and fmt != "xlsx"):
        abort(404)
    _form, period, scope, _many = _dashboard_filters()
    names = services.TABLES if table == "all" else (table,)
    data = services.dashboard(period, scope)
    tables = [exports.dashboard_table(data, name) for name in names]
    filename = f"egitim-raporu-{table}-{period.slug}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(tables[0], filename)
    return exports.xlsx_response(
        tables, _("Training report %(period)s", period=period.slug), filename
    )


def _record_municipality(form, municipality_id) -> Municipality | None:
    """The municipality of the record: the one chosen, or a coordinator's only one."""
    if municipality_id is None:
        own = current_user.coordinated_municipality_ids
        if current_user.has_role(Role.ADMIN) or len(own) != 1:
            return None
        municipality_id = next(iter(own))
    return db.get_or_404(Municipality, municipality_id)


@bp.route("/municipality-record")
@coordinator_or_admin
def municipality_record():
    """Each person's trainings, hours and documents for one municipality."""
    form, period, municipality_id = _filters(_("Choose a municipality"))
    municipality = _record_municipality(form, municipality_id)
    records = services.municipality_record(municipality, period) if municipality else None
    return render_template(
        "reports/municipality_record.html",
        form=form,
        municipality=municipality,
        show_municipality=_may_choose_municipality(),
        period=period,
        records=records,
        export_args=form.query_args()
        | ({"municipality": str(municipality.id)} if municipality else {}),
    )


@bp.route("/municipality-record.xlsx")
@coordinator_or_admin
def export_municipality_record():
    """The municipality's training record as XLSX (names: recorded in the audit log)."""
    form, period, municipality_id = _filters(_("Choose a municipality"))
    municipality = _record_municipality(form, municipality_id)
    if municipality is None:
        flash(_("Choose a municipality."), "warning")
        return redirect(url_for("reports.municipality_record", **form.query_args()))
    records = services.municipality_record(municipality, period)
    services.log_record_export(municipality, period, len(records), current_user)
    db.session.commit()
    heading = _(
        "Training record of %(name)s, %(period)s", name=municipality.name, period=period.slug
    )
    filename = f"egitim-kaydi-{municipality.id}-{period.slug}.xlsx"
    return exports.xlsx_response(exports.record_tables(records), heading, filename)


# --- expiring documents ----------------------------------------------------------------------


def _expiry_filters():
    """The expiry list's filters, groups and the user's scope (404 for another municipality)."""
    form = ExpiryForm(request.args)
    many = _may_choose_municipality()
    label = _("All municipalities") if current_user.has_role(Role.ADMIN) else _("All of mine")
    municipalities = services.selectable_municipalities(current_user)
    form.fill_choices(municipalities, label if many else None)
    form.validate()
    municipality_id = form.municipality_id
    if municipality_id is not None:
        require_municipality(current_user, municipality_id)
        if municipality_id not in {m.id for m in municipalities}:
            abort(404)
    today = local_today()
    first, last = form.bounds(today)
    scope = services.scope_for(current_user, municipality_id)
    return form, many, today, first, last, expiry.expiring_by_municipality(first, last, scope)


@bp.route("/expiring-documents")
@coordinator_or_admin
def expiring_documents():
    """People whose documents expire in a period (or already have), per municipality, and
    whether they booked a renewal."""
    form, many, today, first, last, groups = _expiry_filters()
    return render_template(
        "reports/expiring_documents.html",
        form=form,
        show_municipality=many,
        today=today,
        first=first,
        last=last,
        groups=groups,
        state_label=expiry.state_label,
        export_args=form.query_args(today),
    )


@bp.route("/expiring-documents.<fmt>")
@coordinator_or_admin
def export_expiring_documents(fmt):
    """The list as CSV or XLSX (names: recorded in the audit log)."""
    if fmt not in FORMATS:
        abort(404)
    form, _many, today, first, last, groups = _expiry_filters()
    table = expiry.expiry_table(groups, today)
    audit.record(
        "report.expiring_documents_export",
        None,
        {
            "from": first.isoformat() if first else None,
            "to": last.isoformat(),
            "municipality_id": form.municipality_id,
            "documents": len(table.rows),
        },
        actor=current_user,
    )
    db.session.commit()
    filename = f"suresi-dolan-belgeler-{last.isoformat()}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(table, filename)
    return exports.xlsx_response([table], table.title, filename)
