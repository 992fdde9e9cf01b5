"""The public catalogue, session and course pages, the trainer's sessions, and calendars."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..accounts.models import Position, Role
from ..core.args import page_arg
from ..core.caching import cacheable
from ..core.permissions import login_required, public, roles_required
from ..core.timeutil import local_today, to_local, utcnow
from ..core.turkish import format_datetime_short
from ..extensions import db
from . import services
from .cache import fragment_cache
from .calendar import build_calendar, calendar_host
from .forms import ButtonForm, CatalogueFilterForm, fill_filter_choices
from .models import Course, Delivery, Session, SessionStatus
from .trainers import trainer_agenda

bp = Blueprint("catalog", __name__)

PER_PAGE = 20


def _filters_from(form: CatalogueFilterForm) -> services.CatalogueFilters:
    """Read the GET filters leniently: an unknown value is ignored, never an error."""
    data = form.data
    month = None
    if data.get("month"):
        try:
            year, number = (int(part) for part in data["month"].split("-"))
            month = date(year, number, 1)
        except ValueError:
            month = None
    category = data.get("category") or ""
    return services.CatalogueFilters(
        q=(data.get("q") or "").strip()[:100],
        category_id=int(category)
        if category.isascii() and category.isdigit() and len(category) <= 9
        else None,
        month=month,
        city=data.get("city") or None,
        abroad={"abroad": True, "tr": False}.get(data.get("where") or ""),
        delivery=Delivery(data["delivery"]) if data.get("delivery") in set(Delivery) else None,
        position=Position(data["position"]) if data.get("position") in set(Position) else None,
    )


@bp.route("/catalogue")
@public
def list_sessions():
    """Upcoming sessions anyone can browse, filter and search."""
    today = local_today()
    cache = fragment_cache()
    key = None
    if cache is not None and len(request.query_string) <= 300:
        key = (
            str(get_locale()),
            today,
            tuple(sorted(request.args.items(multi=True))),
            services.catalogue_version(utcnow()),
        )
        results = cache.get(key)
        if results is not None:
            return render_template("catalog/list.html", results=results)
    results = _render_results(today)
    if key is not None:
        cache.put(key, results)
    return render_template("catalog/list.html", results=results)


def _render_results(today: date) -> Markup:
    """The filter form, the count, one page of sessions and the pager: the same for everyone."""
    form = CatalogueFilterForm(request.args)
    choices = services.catalogue_choices(today)
    fill_filter_choices(form, choices["categories"], choices["cities"], today)
    filters = _filters_from(form)
    page = services.catalogue_page(filters, today, page=page_arg(), per_page=PER_PAGE)
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return Markup(
        render_template(
            "catalog/_results.html",
            form=form,
            page=page,
            filters=filters,
            pager_args=args,
            dates_label=services.session_dates_label,
            now=utcnow(),
        )
    )


@dataclass
class EnrolmentView:
    """What the session page says about applying, computed here so the template only shows it."""

    message: str
    can_apply: bool
    eligible_message: str | None = None
    #: Published and not over: registrations can still be made, seen or withdrawn.
    session_active: bool = True


def _enrolment_view(session: Session, today: date) -> EnrolmentView:
    now = utcnow()

    def when(value):
        return format_datetime_short(to_local(value))

    if session.status == SessionStatus.CANCELLED:
        return EnrolmentView(_("This session has been cancelled."), False, session_active=False)
    if session.status == SessionStatus.COMPLETED or session.ends_on < today:
        return EnrolmentView(_("This session has taken place."), False, session_active=False)
    if session.status == SessionStatus.DRAFT:
        return EnrolmentView(_("This session is not published yet."), False, session_active=False)
    if session.enrolment_opens_at and now < session.enrolment_opens_at:
        return EnrolmentView(
            _("Enrolment opens on %(when)s.", when=when(session.enrolment_opens_at)), False
        )
    if session.enrolment_closes_at and now >= session.enrolment_closes_at:
        return EnrolmentView(
            _("Enrolment closed on %(when)s.", when=when(session.enrolment_closes_at)), False
        )
    if session.seats_left <= 0:
        return EnrolmentView(
            _("All seats are taken; new applications go on the waiting list."), True
        )
    message = (
        _("Enrolment is open until %(when)s.", when=when(session.enrolment_closes_at))
        if session.enrolment_closes_at
        else _("Enrolment is open.")
    )
    view = EnrolmentView(message, True)
    if current_user.is_authenticated:
        person = current_user.person
        position = person.position if person else None
        if not session.course.is_open_to(position):
            view.can_apply = False
            view.eligible_message = _("This training is not open to your position.")
    return view


def _can_preview(course: Course) -> bool:
    return current_user.is_authenticated and current_user.has_role(Role.ADMIN)


@bp.route("/catalogue/sessions/<int:session_id>")
@public
def show_session(session_id):
    """A session: schedule, venue, trainers, seats left, who may apply."""
    session = services.load_session_page(session_id)
    if session is None or not (services.is_public(session) or _can_preview(session.course)):
        abort(404)
    today = local_today()
    return render_template(
        "catalog/session.html",
        session=session,
        enrolment=_enrolment_view(session, today),
        dates_label=services.session_dates_label(session),
        is_preview=not services.is_public(session),
    )


@bp.route("/catalogue/courses/<int:course_id>")
@public
def show_course(course_id):
    """A course and its sessions, upcoming first."""
    course = db.get_or_404(Course, course_id)
    if not (course.is_published or _can_preview(course)):
        abort(404)
    today = local_today()
    sessions = services.course_sessions(course)
    upcoming = sorted((s for s in sessions if s.ends_on >= today), key=lambda s: s.starts_on)
    past = [s for s in sessions if s.ends_on < today]
    return render_template(
        "catalog/course.html",
        course=course,
        upcoming=upcoming,
        past=past,
        dates_label=services.session_dates_label,
    )


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _session_url(session: Session) -> str:
    return url_for("catalog.show_session", session_id=session.id, _external=True)


@bp.route("/catalogue/sessions/<int:session_id>/calendar.ics")
@cacheable
@public
def session_calendar(session_id):
    """Every meeting of a public session as an iCalendar file."""
    session = services.load_session_page(session_id)
    if session is None or not services.is_public(session):
        abort(404)
    body = build_calendar(session.course.title, [session], calendar_host(), _session_url)
    return _ics_response(body, f"egitim-{session.id}.ics")


# --- the public union calendar ----------------------------------------------------------------

#: How far back and ahead the public feed reaches when no month is asked for.
FEED_PAST = timedelta(days=92)
FEED_AHEAD = timedelta(days=731)


def _month_arg(today: date) -> date:
    """The ?month=YYYY-MM shown by /calendar; anything else is this month."""
    value = request.args.get("month", "")
    try:
        year, number = (int(part) for part in value.split("-"))
        if 2000 <= year <= 2100:
            return date(year, number, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def _calendar_filters(today: date) -> tuple[CatalogueFilterForm, services.CatalogueFilters]:
    form = CatalogueFilterForm(request.args)
    choices = services.catalogue_choices(today)
    fill_filter_choices(form, choices["categories"], choices["cities"], today)
    return form, _filters_from(form)


@bp.route("/calendar")
@public
def union_calendar():
    """The union's month calendar of published sessions, with the catalogue's filters."""
    today = local_today()
    form, filters = _calendar_filters(today)
    first = _month_arg(today)
    filters.month = None
    month = services.month_calendar(filters, first)
    args = {
        key: value for key, value in request.args.items() if key not in ("month", "page") and value
    }
    return render_template(
        "catalog/union_calendar.html",
        form=form,
        filters=filters,
        month=month,
        filter_args=args,
        feed_url=url_for("catalog.union_calendar_feed", _external=True, **args),
    )


@bp.route("/calendar.ics")
@cacheable
@public
def union_calendar_feed():
    """The union's public calendar for calendar apps and the union's website; no join links."""
    today = local_today()
    _form, filters = _calendar_filters(today)
    if filters.month:
        first, last = filters.month, services.month_end(filters.month)
    else:
        first, last = today - FEED_PAST, today + FEED_AHEAD
    filters.month = None
    sessions = services.union_calendar_sessions(
        filters,
        first,
        last,
        statuses=(SessionStatus.PUBLISHED, SessionStatus.COMPLETED, SessionStatus.CANCELLED),
    )
    body = build_calendar(
        _("%(union)s trainings", union=current_app.config["UNION_NAME"]),
        sessions,
        calendar_host(),
        _session_url,
    )
    response = _ics_response(body, "birlik-egitim-takvimi.ics")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token):
    """A person's meetings (taught, later also attended) for calendar apps; the token is the key."""
    user = services.user_for_calendar_token(token)
    if user is None or user.person is None:
        abort(404)
    sessions = services.calendar_sessions_for(user.person)
    body = build_calendar(_("My trainings"), sessions, calendar_host(), _session_url)
    # Personal: sent with no-store like every page that is not marked @cacheable.
    return _ics_response(body, "egitimlerim.ics")


@bp.route("/my/calendar")
@login_required
def my_calendar():
    """The personal calendar feed address, to add to a phone or desktop calendar."""
    token = services.calendar_token_for(current_user)
    db.session.commit()
    feed_url = url_for("catalog.calendar_feed", token=token, _external=True)
    return render_template("catalog/my_calendar.html", feed_url=feed_url, form=ButtonForm())


@bp.route("/my/calendar/reset", methods=["POST"])
@login_required
def reset_calendar_token():
    """Replace the feed's secret, e.g. after sharing it by mistake; old subscriptions stop."""
    if ButtonForm().validate_on_submit():
        services.calendar_token_for(current_user, reset=True)
        db.session.commit()
        flash(
            _("Your calendar address has been renewed. Subscribe again with the new one."),
            "success",
        )
    return redirect(url_for("catalog.my_calendar"))


@bp.route("/my/sessions")
@roles_required(Role.TRAINER)
def my_sessions():
    """A trainer's sessions and meetings, today's first."""
    person = current_user.person
    if person is None:
        abort(404)
    agenda = trainer_agenda(person, local_today())
    return render_template(
        "catalog/my_sessions.html", agenda=agenda, dates_label=services.session_dates_label
    )


@bp.app_template_filter("hours")
def hours_filter(minutes: int | None) -> str:
    """Minutes as Turkish hours: 720 -> "12", 450 -> "7,5"."""
    from ..core.turkish import format_number

    minutes = minutes or 0
    return format_number(minutes / 60, digits=0 if minutes % 60 == 0 else 1)


@bp.app_template_filter("month_name")
def month_name_filter(value: date) -> str:
    """ "Aralık 2026" in the page's language."""
    from babel.dates import format_date

    return format_date(value, "LLLL y", locale=str(get_locale() or "tr"))


@bp.app_template_filter("weekday_date")
def weekday_date_filter(value: date) -> str:
    """ "3 Aralık 2026 Perşembe" in the page's language."""
    from babel.dates import format_date

    return format_date(value, "d MMMM y EEEE", locale=str(get_locale() or "tr"))
