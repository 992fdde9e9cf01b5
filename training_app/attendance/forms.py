from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.forms import IntegerField
from .models import ATTENDANCE_LABELS


class MarkForm(FlaskForm):
    """One tap on the roster: a status, and for a late arrival the minutes attended."""

    status = SelectField(
        _l("Attendance"),
        validators=[InputRequired()],
        choices=[SelectChoice(s.value, label) for s, label in ATTENDANCE_LABELS.items()],
    )
    minutes = IntegerField(_l("Minutes attended"), validators=[Optional(), NumberRange(min=0)])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])


class ReasonOnlyForm(FlaskForm):
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])


class ScoreCorrectionForm(FlaskForm):
    """A corrected exam score after closing; a comma is accepted as the decimal sign."""

    score = StringField(_l("Corrected exam score"), validators=[InputRequired(), Length(max=10)])
    reason = StringField(
        _l("Reason for the correction"), validators=[InputRequired(), Length(max=500)]
    )

    def score_value(self) -> float | None:
        try:
            return float((self.score.data or "").strip().replace(",", "."))
        except ValueError:
            return None
