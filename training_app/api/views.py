"""/api/v1: upcoming public sessions and one session, as JSON; the OpenAPI document."""

import re
from datetime import date

from flask import Blueprint, jsonify, request, url_for

from ..accounts.models import Position
from ..catalog import services
from ..catalog.models import Delivery, Session
from ..core.args import read_int
from ..core.caching import cacheable
from ..core.permissions import public
from ..core.timeutil import ISTANBUL, local_today, to_local
from ..core.turkish import search_key
from ..extensions import limiter
from .errors import PREFIX, json_error
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix=PREFIX)

#: Database ids: larger numbers are not found rather than an error on PostgreSQL.
ID = "int(max=2147483647)"

MAX_PER_PAGE = 100


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    number = read_int(raw, None, low, high)
    if number is None or not (raw.isascii() and raw.isdigit()):
        raise BadParameter(name, f"{name} must be an integer from {low} to {high}")
    return number


#: The `month` parameter as the OpenAPI document states it: YYYY-MM.
MONTH = re.compile(r"[1-9][0-9]{3}-(0[1-9]|1[0-2])")


def _choice(name: str, allowed, message: str):
    """A parameter limited to `allowed` values: absent is None, anything else (even empty) is
    refused."""
    value = request.args.get(name)
    if value is not None and value not in allowed:
        raise BadParameter(name, message)
    return value


def _filters() -> services.CatalogueFilters:
    """The query's filters, each checked against the schema of the OpenAPI document: a value the
    document refuses (an empty month, a city too long) is a 400, never silently ignored."""
    args = request.args
    q = args.get("q", "")
    if len(q) > 100:
        raise BadParameter("q", "q must be at most 100 characters")
    filters = services.CatalogueFilters(q=q.strip())
    if "category" in args:
        filters.category_id = _int_arg("category", 0, 1, 2**31 - 1)
    if "month" in args:
        if not MONTH.fullmatch(args["month"]):
            raise BadParameter("month", "month must look like 2026-05")
        year, month = (int(p) for p in args["month"].split("-"))
        filters.month = date(year, month, 1)
    city = args.get("city", "")
    if len(city) > 80:
        raise BadParameter("city", "city must be at most 80 characters")
    if city:
        filters.city = search_key(city)
    where = _choice("where", ("tr", "abroad"), "where must be tr or abroad")
    if where:
        filters.abroad = where == "abroad"
    delivery = _choice("delivery", {d.value for d in Delivery}, "unknown delivery")
    if delivery:
        filters.delivery = Delivery(delivery)
    position = _choice("position", {p.value for p in Position}, "unknown position")
    if position:
        filters.position = Position(position)
    return filters


def _instant(value):
    return to_local(value).isoformat() if value else None


def session_json(session: Session, with_meetings: bool = False) -> dict:
    """The public face of a session: never the online link or anyone's personal data."""
    course = session.course
    venue = session.venue
    data = {
        "id": session.id,
        "url": url_for("catalog.show_session", session_id=session.id, _external=True),
        "status": session.status.value,
        "course": {
            "id": course.id,
            "code": course.code,
            "title": course.title,
            "kind": course.kind.value,
            "category": course.category.name,
            "delivery": course.delivery.value,
            "document": course.document_kind.value,
            "open_to": [p.value for p in sorted(course.target_positions, key=list(Position).index)],
        },
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "city": session.city,
        "country": session.country,
        "abroad": session.is_abroad,
        "venue": {
            "name": venue.name,
            "address": venue.address,
            "city": venue.city,
            "country": venue.country,
        }
        if venue
        else None,
        "capacity": session.capacity,
        "seats_left": session.seats_left,
        "requires_approval": session.requires_approval,
        "enrolment_opens_at": _instant(session.enrolment_opens_at),
        "enrolment_closes_at": _instant(session.enrolment_closes_at),
        "cancellation_deadline": _instant(session.cancellation_deadline),
        "trainers": [p.full_name for p in session.trainers],
    }
    if with_meetings:
        data["total_hours"] = round(session.total_hours, 2)
        data["meetings"] = [
            {
                "day": m.day.isoformat(),
                "starts_at": m.start.replace(tzinfo=ISTANBUL).isoformat(),
                "ends_at": m.end.replace(tzinfo=ISTANBUL).isoformat(),
                "topic": m.topic,
            }
            for m in session.meetings
        ]
    return data


@bp.route("/sessions")
@cacheable
@public
def list_sessions():
    """Upcoming published sessions, with the catalogue's filters, by date."""
    try:
        filters = _filters()
        page_number = _int_arg("page", 1, 1, 10_000)
        per_page = _int_arg("per_page", 20, 1, MAX_PER_PAGE)
    except BadParameter as error:
        return json_error(400, error.message, error.name)
    page = services.catalogue_page(filters, local_today(), page=page_number, per_page=per_page)
    return jsonify(
        {
            "items": [session_json(s) for s in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
        }
    )


@bp.route(f"/sessions/<{ID}:session_id>")
@cacheable
@public
def show_session(session_id):
    """One public session with its meetings."""
    session = services.load_session_page(session_id)
    if session is None or not services.is_public(session):
        return json_error(404, "not found")
    return jsonify(session_json(session, with_meetings=True))


def certificate_json(certificate) -> dict:
    """The public facts of a document, as on the verification page: never an ID number."""
    from ..certificates.services import verification_url

    replaced_by = certificate.replaced_by
    today = local_today()
    return {
        "register_number": certificate.register_number,
        "verification_url": verification_url(certificate.verification_code),
        "status": certificate.status.value,
        # In force today; an expired document keeps status "valid" with expired true.
        "valid": certificate.is_in_force(today),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "expired": certificate.is_expired(today),
        "document": certificate.kind.value,
        "document_title": certificate.document_title,
        # Empty once the holder had their personal data deleted (KVKK): then null, never a name.
        "holder_name": certificate.holder_name or None,
        "course_title": certificate.course_title,
        "starts_on": certificate.starts_on.isoformat(),
        "ends_on": certificate.ends_on.isoformat(),
        "hours": round(certificate.hours, 2),
        "issued_on": certificate.issued_on.isoformat(),
        "revoked_on": to_local(certificate.revoked_at).date().isoformat()
        if certificate.revoked_at
        else None,
        "replaced_by": {
            "register_number": replaced_by.register_number,
            "verification_url": verification_url(replaced_by.verification_code),
        }
        if replaced_by is not None
        else None,
    }


def _verify_limit() -> str:
    from flask import current_app

    return current_app.config["VERIFY_API_RATE_LIMIT"]


@bp.route("/certificates/<verification_code>")
@public
@limiter.limit(_verify_limit)
def show_certificate(verification_code):
    """Verify a document by its code: valid, revoked or replaced, with its public facts."""
    from ..certificates.services import find_by_code

    certificate = find_by_code(verification_code)
    if certificate is None:
        return json_error(404, "not found")
    return jsonify(certificate_json(certificate))


@bp.route("/openapi.json")
@cacheable
@public
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document(request.host_url.rstrip("/") + bp.url_prefix))
