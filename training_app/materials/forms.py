from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, URLField
from wtforms.validators import InputRequired, Length, Optional


class MaterialUploadForm(FlaskForm):
    """A file for the session; its type is checked from its content by the service."""

    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("PDF, slides, documents, spreadsheets or images."),
    )
    title = StringField(
        _l("Name of the material"),
        validators=[Optional(), Length(max=200)],
        description=_l("Shown instead of the file name; leave empty to use the file name."),
    )


class MaterialLinkForm(FlaskForm):
    url = URLField(_l("Address"), validators=[InputRequired(), Length(max=500)])
    title = StringField(_l("Name of the material"), validators=[InputRequired(), Length(max=200)])
