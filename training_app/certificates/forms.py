from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..core.forms import IntegerField, db_int


class ConfirmForm(FlaskForm):
    """A button only (issue documents, start a print, retry): CSRF and nothing else."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Kept in the register and the audit trail."),
    )


class VerifyForm(FlaskForm):
    code = StringField(
        _l("Verification code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("Printed under the QR code, e.g. ABCD-EFGH-JKMN."),
    )


class SignatoryForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=150)])
    title = StringField(
        _l("Job title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As printed under the name, e.g. Birlik Başkanı."),
    )
    sort_order = IntegerField(
        _l("Order on the document"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=20)],
    )
    is_active = BooleanField(_l("Printed on new documents"), default=True)


class MunicipalityPrintForm(FlaskForm):
    municipality_id = SelectField(_l("Municipality"), coerce=db_int, validators=[InputRequired()])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
