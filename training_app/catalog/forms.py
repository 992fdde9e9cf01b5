"""Catalogue forms: the public filters and the administration of the catalogue."""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional

from ..accounts.models import POSITION_LABELS, Position
from ..core.datefields import TurkishDateField, TurkishDateTimeField, TurkishTimeField
from ..core.forms import IntegerField, db_int, db_int_or_none
from ..core.timeutil import local_to_utc, to_local
from .courses import CourseDetails, VenueDetails
from .meetings import MeetingDetails
from .models import COURSE_KIND_LABELS, DELIVERY_LABELS, DOCUMENT_KIND_LABELS, TURKEY
from .sessions import SessionDetails


def _int_or_none(value):
    return db_int_or_none(value)


def _choices(labels: dict) -> list[tuple[str, str]]:
    # Translated once here: lazy labels would be translated again for every option rendered.
    return [(member.value, str(label)) for member, label in labels.items()]


# --- public -----------------------------------------------------------------------------------


class CatalogueFilterForm(FlaskForm):
    """The catalogue's filters; a GET form, so without a CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("Course title, code, city or venue."),
    )
    category = SelectField(_l("Category"), validators=[Optional()], validate_choice=False)
    month = SelectField(_l("Month"), validators=[Optional()], validate_choice=False)
    city = SelectField(_l("City"), validators=[Optional()], validate_choice=False)
    where = SelectField(_l("In Türkiye or abroad"), validators=[Optional()], validate_choice=False)
    delivery = SelectField(_l("Delivery"), validators=[Optional()], validate_choice=False)
    position = SelectField(_l("Open to"), validators=[Optional()], validate_choice=False)


def fill_filter_choices(form: CatalogueFilterForm, categories, cities, today: date) -> None:
    everything = ("", str(_l("All")))
    form.category.choices = [everything] + [(str(c.id), c.name) for c in categories]
    form.month.choices = [everything] + _month_choices(
        str(get_locale() or "tr"), today.year, today.month
    )
    form.city.choices = [everything] + list(cities)
    form.where.choices = [everything, ("tr", str(_l("In Türkiye"))), ("abroad", str(_l("Abroad")))]
    form.delivery.choices = [everything] + _choices(DELIVERY_LABELS)
    form.position.choices = [everything] + _choices(POSITION_LABELS)


@lru_cache(maxsize=64)
def _month_choices(locale: str, year: int, month: int) -> list[tuple[str, str]]:
    """The twelve months from the given one, as ("2026-12", "Aralık 2026") pairs."""
    months = []
    for _i in range(12):
        first = date(year, month, 1)
        months.append((first.strftime("%Y-%m"), babel_format_date(first, "LLLL y", locale=locale)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- administration ---------------------------------------------------------------------------


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class VenueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=150)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City"), validators=[InputRequired(), Length(max=80)])
    country = StringField(_l("Country"), default=TURKEY, validators=[Optional(), Length(max=80)])
    capacity = IntegerField(
        _l("Capacity (seats)"),
        validators=[InputRequired()],
        render_kw={"min": 1, "inputmode": "numeric"},
    )
    is_active = BooleanField(_l("In use"), default=True)
    allows_parallel_use = BooleanField(
        _l("Several meetings may be held here at the same time"),
        description=_l(
            "For an outdoor area or a large complex. Otherwise the venue holds one meeting at a "
            "time and an overlapping booking is refused."
        ),
    )

    def details(self) -> VenueDetails:
        return VenueDetails(
            name=self.name.data or "",
            city=self.city.data or "",
            capacity=self.capacity.data,
            address=self.address.data,
            country=self.country.data or TURKEY,
            is_active=self.is_active.data,
            allows_parallel_use=self.allows_parallel_use.data,
        )


class CourseForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(), Length(max=20)],
        description=_l("A short unique reference, e.g. IHL-101."),
    )
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    category_id = SelectField(_l("Category"), coerce=_int_or_none, validators=[InputRequired()])
    kind = SelectField(_l("Type"), validators=[InputRequired()])
    delivery = SelectField(_l("Delivery"), validators=[InputRequired()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    objectives = TextAreaField(_l("Objectives"), validators=[Optional(), Length(max=5000)])
    target_positions = SelectMultipleField(
        _l("Open to"),
        validators=[Optional()],
        description=_l("Choose none to open the course to everyone."),
    )
    total_hours = DecimalField(
        _l("Total hours"),
        places=1,
        validators=[Optional(), NumberRange(min=0, max=1000)],
        render_kw={"step": "0.5", "min": 0, "inputmode": "decimal"},
    )
    document_kind = SelectField(_l("Document"), validators=[InputRequired()])
    min_attendance_percent = IntegerField(
        _l("Minimum attendance (%)"),
        default=80,
        validators=[InputRequired()],
        description=_l("Share of the hours a participant must attend; usually 80."),
        render_kw={"min": 1, "max": 100, "inputmode": "numeric"},
    )
    has_exam = BooleanField(_l("Has an end-of-course exam"))
    pass_mark = IntegerField(
        _l("Pass mark"),
        validators=[Optional()],
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"},
    )
    attendance_document_on_fail = BooleanField(
        _l("A participant who fails the exam still gets a certificate of attendance"),
        default=True,
    )
    document_called_certificate = BooleanField(_l("The document may be called “Sertifika”"))
    document_validity_months = IntegerField(
        _l("Validity of the document (months)"),
        validators=[Optional(), NumberRange(min=1, max=120)],
        description=_l(
            "Counted from the last day of the training, e.g. 24 for first aid. Leave empty when "
            "the document does not expire."
        ),
        render_kw={"min": 1, "max": 120, "inputmode": "numeric"},
    )
    renewal_course_id = SelectField(
        _l("Renewal course"),
        coerce=_int_or_none,
        validators=[Optional()],
        description=_l("Another course whose sessions renew this document, if any."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices set after construction: WTForms 3.3 deprecates tuples passed to the field.
        self.kind.choices = _choices(COURSE_KIND_LABELS)
        self.delivery.choices = _choices(DELIVERY_LABELS)
        self.target_positions.choices = _choices(POSITION_LABELS)
        self.document_kind.choices = _choices(DOCUMENT_KIND_LABELS)

    def fill_from(self, course) -> None:
        self.kind.data = course.kind.value
        self.delivery.data = course.delivery.value
        self.document_kind.data = course.document_kind.value
        self.target_positions.data = [p.value for p in course.target_positions]
        self.total_hours.data = Decimal(course.total_minutes) / 60

    def details(self) -> CourseDetails:
        from .models import CourseKind, Delivery, DocumentKind

        hours = self.total_hours.data or Decimal(0)
        return CourseDetails(
            code=self.code.data or "",
            title=self.title.data or "",
            category_id=self.category_id.data,
            kind=CourseKind(self.kind.data),
            delivery=Delivery(self.delivery.data),
            description=self.description.data,
            objectives=self.objectives.data,
            total_minutes=int(hours * 60),
            document_kind=DocumentKind(self.document_kind.data),
            min_attendance_percent=self.min_attendance_percent.data,
            has_exam=self.has_exam.data,
            pass_mark=self.pass_mark.data,
            attendance_document_on_fail=self.attendance_document_on_fail.data,
            document_called_certificate=self.document_called_certificate.data,
            target_positions={Position(v) for v in self.target_positions.data or []},
            document_validity_months=self.document_validity_months.data,
            renewal_course_id=self.renewal_course_id.data,
        )


class SessionForm(FlaskForm):
    starts_on = TurkishDateField(_l("First day"), validators=[InputRequired()])
    ends_on = TurkishDateField(_l("Last day"), validators=[InputRequired()])
    venue_id = SelectField(
        _l("Venue"),
        coerce=_int_or_none,
        validators=[Optional()],
        description=_l("The city and country are taken from the venue when left empty."),
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    country = StringField(
        _l("Country"),
        validators=[Optional(), Length(max=80)],
        description=_l("Empty means Türkiye."),
    )
    online_url = URLField(
        _l("Online meeting link"),
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
        description=_l("Shown only to registered participants."),
    )
    capacity = IntegerField(
        _l("Capacity"), validators=[InputRequired()], render_kw={"min": 1, "inputmode": "numeric"}
    )
    municipality_quota = IntegerField(
        _l("Municipality quota"),
        validators=[Optional()],
        description=_l("The most seats one municipality may take; empty for no limit."),
        render_kw={"min": 1, "inputmode": "numeric"},
    )
    enrolment_opens_at = TurkishDateTimeField(_l("Enrolment opens"), validators=[Optional()])
    enrolment_closes_at = TurkishDateTimeField(_l("Enrolment closes"), validators=[Optional()])
    cancellation_deadline = TurkishDateTimeField(
        _l("Cancellation deadline"),
        validators=[Optional()],
        description=_l("Until when a participant may cancel their registration."),
    )
    requires_approval = BooleanField(_l("Registrations need approval"), default=True)

    def fill_from(self, session) -> None:
        for name in ("enrolment_opens_at", "enrolment_closes_at", "cancellation_deadline"):
            value = getattr(session, name)
            getattr(self, name).data = to_local(value).replace(tzinfo=None) if value else None

    def details(self) -> SessionDetails:
        return SessionDetails(
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            capacity=self.capacity.data,
            city=self.city.data,
            country=self.country.data,
            venue_id=self.venue_id.data,
            online_url=self.online_url.data,
            municipality_quota=self.municipality_quota.data,
            enrolment_opens_at=local_to_utc(self.enrolment_opens_at.data),
            enrolment_closes_at=local_to_utc(self.enrolment_closes_at.data),
            cancellation_deadline=local_to_utc(self.cancellation_deadline.data),
            requires_approval=self.requires_approval.data,
        )


def fill_session_choices(form: SessionForm, venues) -> None:
    form.venue_id.choices = [("", _l("No venue (online or not decided yet)"))] + [
        (v.id, v.label) for v in venues
    ]


class TrainersForm(FlaskForm):
    trainer_ids = SelectMultipleField(
        _l("Trainers"),
        coerce=db_int,
        validators=[Optional()],
        description=_l("Type part of a name to narrow the list."),
        # static/js/picker.js turns the select into a searchable list with removable chips.
        render_kw={
            "data-picker": True,
            "data-remove-label": _l("Remove"),
            "data-no-results": _l("No trainer matches."),
        },
    )


class MeetingForm(FlaskForm):
    day = TurkishDateField(_l("Day"), validators=[InputRequired()])
    starts_at = TurkishTimeField(_l("Start time"), validators=[InputRequired()])
    ends_at = TurkishTimeField(_l("End time"), validators=[InputRequired()])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=200)])

    def details(self) -> MeetingDetails:
        return MeetingDetails(
            day=self.day.data,
            starts_at=self.starts_at.data,
            ends_at=self.ends_at.data,
            topic=self.topic.data,
        )


class CancelSessionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the cancellation"),
        validators=[InputRequired(), Length(max=1000)],
        description=_l("Sent to the trainers and the enrolled."),
    )


class CloneSessionForm(FlaskForm):
    starts_on = TurkishDateField(
        _l("First day of the new session"),
        validators=[InputRequired()],
        description=_l("Meetings, enrolment dates and deadlines move by the same number of days."),
    )


class ButtonForm(FlaskForm):
    """A bare form for POST buttons: carries only the CSRF token."""

    confirm = HiddenField(default="1")
