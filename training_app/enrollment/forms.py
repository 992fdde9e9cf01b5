from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..core.forms import db_int


class ReasonForm(FlaskForm):
    """Cancelling someone else's registration needs a reason; one's own does not."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])


class DecisionForm(FlaskForm):
    """Approve or refuse one or many pending applications at once."""

    registration_ids = SelectMultipleField(_l("Applications"), coerce=db_int, validate_choice=False)
    decision = SelectField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve")), SelectChoice("refuse", _l("Refuse"))],
        validators=[InputRequired()],
    )
    reason = StringField(
        _l("Reason for refusal"),
        validators=[Optional(), Length(max=500)],
        description=_l("Required when refusing; the person sees it."),
    )


class NominationForm(FlaskForm):
    session_id = SelectField(_l("Session"), coerce=db_int, validators=[InputRequired()])
    person_ids = SelectMultipleField(_l("People"), coerce=db_int, validate_choice=False)


class ManualRegistrationForm(FlaskForm):
    person_id = SelectField(
        _l("Person"), coerce=db_int, validators=[InputRequired()], validate_choice=False
    )


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Only .csv files can be imported.")),
        ],
        description=_l(
            "Columns: T.C. Kimlik No, Ad, Soyad, Belediye, Görev, E-posta. "
            "UTF-8, comma or semicolon separated, as Excel saves it."
        ),
    )


class ImportConfirmForm(FlaskForm):
    pass
