from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from .models import BODY_MAX, SUBJECT_MAX


class MailTextForm(FlaskForm):
    """Subject and body with {placeholders}; checked by the service (placeholders, one line)."""

    subject = StringField(
        _l("Subject"),
        validators=[InputRequired(_l("Write a subject.")), Length(max=SUBJECT_MAX)],
    )
    body = TextAreaField(
        _l("Text"),
        validators=[InputRequired(_l("Write the text of the mail.")), Length(max=BODY_MAX)],
        description=_l("Plain text. Only the placeholders listed beside it are filled in."),
    )
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))


class ResetForm(FlaskForm):
    """Only the CSRF token: the page asks for confirmation before it is sent (data-confirm)."""
