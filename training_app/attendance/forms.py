from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
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


class OnlineAttendForm(FlaskForm):
    """ "Katıldım" in an online meeting, with the code the trainer said when one is required."""

    code = StringField(_l("Code given by the trainer"), validators=[Optional(), Length(max=12)])


class ButtonOnlyForm(FlaskForm):
    """A button that needs nothing but its CSRF token."""


class PlatformReportForm(FlaskForm):
    file = FileField(
        _l("Participants report"),
        validators=[FileRequired(_l("Choose the report file."))],
        description=_l(
            "The participants report exported from Zoom (CSV) or Microsoft Teams (attendance "
            "report, UTF-16 with tabs): name, e-mail, join and leave times."
        ),
    )
