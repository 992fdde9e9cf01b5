"""Forms of the planning feature; they turn into the services' plain values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from ..accounts.models import POSITION_LABELS, Position
from ..core.datefields import TurkishDateField
from ..core.forms import IntegerField, db_int, db_int_or_none
from .models import DELIVERY_PREFERENCE_LABELS, PRIORITY_LABELS, DeliveryPreference, Priority
from .needs import NeedDetails
from .plans import LineDetails, month_name


def _choices(labels):
    return [(key.value, label) for key, label in labels.items()]


def month_choices():
    return [(m, month_name(m)) for m in range(1, 13)]


class CallForm(FlaskForm):
    year = IntegerField(_l("Plan year"), validators=[InputRequired()])
    deadline = TurkishDateField(
        _l("Deadline"),
        validators=[InputRequired()],
        description=_l("Coordinators can change their needs until the end of this day."),
    )
    message = TextAreaField(
        _l("Message to the municipalities"), validators=[Optional(), Length(max=4000)]
    )


class ReopenForm(FlaskForm):
    deadline = TurkishDateField(_l("New deadline"), validators=[InputRequired()])


class NeedForm(FlaskForm):
    course_id = SelectField(
        _l("Training from the catalogue"),
        coerce=db_int_or_none,
        validators=[Optional()],
        description=_l("Choose one, or write the topic below."),
    )
    topic = StringField(
        _l("Topic"),
        validators=[Optional(), Length(max=200)],
        description=_l("For a need the catalogue does not have yet."),
    )
    category_id = SelectField(_l("Category"), coerce=db_int_or_none, validators=[Optional()])
    positions = SelectMultipleField(_l("Positions concerned"), validators=[Optional()])
    people_count = IntegerField(
        _l("Number of people"),
        validators=[Optional()],
        render_kw={"min": 0, "inputmode": "numeric"},
    )
    priority = SelectField(_l("Priority"), default=Priority.MEDIUM.value)
    months = SelectMultipleField(_l("Preferred months"), coerce=db_int, validators=[Optional()])
    delivery = SelectField(_l("Delivery preference"), default=DeliveryPreference.EITHER.value)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    save_draft = SubmitField(_l("Save as draft"))
    submit = SubmitField(_l("Submit"))

    def fill_choices(self, courses, categories) -> None:
        self.course_id.choices = [("", _l("None: a new topic"))] + [
            (c.id, f"{c.title} ({c.code})") for c in courses
        ]
        self.category_id.choices = [("", _l("Not specified"))] + [
            (c.id, c.name) for c in categories
        ]
        self.positions.choices = _choices(POSITION_LABELS)
        self.priority.choices = _choices(PRIORITY_LABELS)
        self.months.choices = month_choices()
        self.delivery.choices = _choices(DELIVERY_PREFERENCE_LABELS)

    def fill_from(self, need) -> None:
        self.course_id.data = need.course_id
        self.topic.data = need.topic if need.course_id is None else ""
        self.category_id.data = need.category_id
        self.positions.data = [p.value for p in need.positions]
        self.people_count.data = need.people_count
        self.priority.data = need.priority.value
        self.months.data = need.months
        self.delivery.data = need.delivery.value
        self.note.data = need.note

    def details(self) -> NeedDetails:
        return NeedDetails(
            topic=self.topic.data,
            course_id=self.course_id.data,
            category_id=self.category_id.data,
            people_count=self.people_count.data,
            positions=[Position(v) for v in self.positions.data or []],
            priority=Priority(self.priority.data),
            months=list(self.months.data or []),
            delivery=DeliveryPreference(self.delivery.data),
            note=self.note.data,
        )


class PlanForm(FlaskForm):
    year = IntegerField(_l("Plan year"), validators=[InputRequired()])


class LineForm(FlaskForm):
    course_id = SelectField(_l("Training"), coerce=db_int_or_none, validators=[Optional()])
    month = SelectField(_l("Month"), coerce=db_int_or_none, validators=[Optional()])
    quarter = SelectField(
        _l("Quarter"),
        coerce=db_int_or_none,
        validators=[Optional()],
        description=_l("Choose a month, or a quarter when the month is not decided yet."),
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)], default="Konya")
    planned_sessions = IntegerField(
        _l("Planned sessions"), validators=[Optional()], default=1, render_kw={"min": 1}
    )
    planned_capacity = IntegerField(
        _l("Planned capacity"),
        validators=[Optional()],
        description=_l("Seats over all the sessions of this line."),
        render_kw={"min": 1},
    )
    positions = SelectMultipleField(_l("Target positions"), validators=[Optional()])
    municipality_ids = SelectMultipleField(
        _l("Target municipalities"),
        coerce=db_int,
        validators=[Optional()],
        description=_l("None chosen: every member municipality."),
    )
    budget_note = TextAreaField(_l("Budget note"), validators=[Optional(), Length(max=2000)])

    def fill_choices(self, courses, municipalities) -> None:
        self.course_id.choices = [("", _l("Choose…"))] + [
            (c.id, f"{c.title} ({c.code})") for c in courses
        ]
        self.month.choices = [("", _l("Not decided"))] + month_choices()
        self.quarter.choices = [("", _l("Not decided"))] + [
            (q, _l("Quarter %(n)d", n=q)) for q in range(1, 5)
        ]
        self.positions.choices = _choices(POSITION_LABELS)
        self.municipality_ids.choices = [(m.id, m.name) for m in municipalities]

    def fill_from(self, line) -> None:
        self.course_id.data = line.course_id
        self.month.data = line.month
        self.quarter.data = line.quarter
        self.city.data = line.city
        self.planned_sessions.data = line.planned_sessions
        self.planned_capacity.data = line.planned_capacity
        self.positions.data = [p.value for p in line.positions]
        self.municipality_ids.data = line.municipality_ids
        self.budget_note.data = line.budget_note

    def details(self) -> LineDetails:
        return LineDetails(
            course_id=self.course_id.data,
            city=self.city.data,
            planned_capacity=self.planned_capacity.data,
            planned_sessions=self.planned_sessions.data,
            month=self.month.data,
            quarter=self.quarter.data,
            budget_note=self.budget_note.data,
            positions=[Position(v) for v in self.positions.data or []],
            municipality_ids=list(self.municipality_ids.data or []),
        )


class ApproveForm(FlaskForm):
    decision_date = TurkishDateField(_l("Decision date"), validators=[InputRequired()])
    decision_number = StringField(
        _l("Decision number"), validators=[InputRequired(), Length(max=60)]
    )


class ReviseForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the revision"), validators=[InputRequired(), Length(max=2000)]
    )


class MapTopicForm(FlaskForm):
    topic_key = StringField(validators=[InputRequired(), Length(max=200)])
    course_id = SelectField(_l("Training"), coerce=db_int_or_none, validators=[Optional()])
    merged_into_key = SelectField(_l("Merge into topic"), validators=[Optional()])
