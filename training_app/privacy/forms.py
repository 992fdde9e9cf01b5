"""Forms of the personal-data pages: a deletion request, the office's decisions, a new version
of the privacy notice."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .services import MAX_TEXT


class ButtonForm(FlaskForm):
    """A button only (download, withdraw): CSRF and nothing else."""


class DeletionRequestForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l("You do not have to give a reason."),
    )
    confirm = BooleanField(
        _l(
            "I understand that my name, ID number and contact details will be removed and my "
            "account closed."
        ),
        validators=[InputRequired(message=_l("Tick the box to confirm your request."))],
    )


class CarryOutForm(FlaskForm):
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l("Kept with the request, e.g. how the person was told."),
    )
    confirm = BooleanField(
        _l("I have checked the request: anonymise this person now. This cannot be undone."),
        validators=[InputRequired(message=_l("Tick the box to confirm the anonymisation."))],
    )


class RejectForm(FlaskForm):
    note = TextAreaField(
        _l("Why the request is rejected"),
        validators=[
            DataRequired(message=_l("Write why the request is rejected.")),
            Length(max=MAX_TEXT),
        ],
        description=_l("Sent to the person by e-mail, with the legal ground."),
        id="reject-note",
    )


class NoticeForm(FlaskForm):
    title = StringField(
        _l("Heading"),
        validators=[DataRequired(message=_l("Enter the title.")), Length(max=200)],
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=_l("Enter the text of the notice."))],
        description=_l("Separate paragraphs with an empty line."),
    )
    confirm = BooleanField(
        _l("Publish this version: every user must acknowledge it at their next visit."),
    )
    preview = SubmitField(_l("Preview"))
    publish = SubmitField(_l("Publish"))
