"""Forms of the document design pages and of a course's choice of designs."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import db_int_or_none
from .designs import LAYOUTS, MAX_PARTNER_SIGNATORIES, PLACEHOLDERS

PLACEHOLDER_HELP = ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def _text(label, description=None, area=False, limit=600):
    cls = TextAreaField if area else StringField
    return cls(
        label,
        validators=[Optional(), Length(max=limit)],
        description=description,
        render_kw={"rows": 3} if area else None,
    )


class DesignForm(FlaskForm):
    name = StringField(_l("Name of the design"), validators=[Length(max=120)])
    layout = SelectField(_l("Layout"), choices=[])
    attendance_title = _text(
        _l("Title of a Katılım Belgesi"),
        _l("Empty: the document's own name (Katılım Belgesi)."),
        limit=80,
    )
    achievement_title = _text(
        _l("Title of a Başarı Belgesi"),
        _l("Empty: the document's own name (Başarı Belgesi)."),
        limit=80,
    )
    before_name = _text(_l("Sentence before the name"), limit=600)
    attendance_after = _text(
        _l("Sentence after the name (Katılım Belgesi)"),
        _l("The course title is printed in bold where you write {egitim}."),
        area=True,
    )
    achievement_after = _text(_l("Sentence after the name (Başarı Belgesi)"), area=True)
    footer = _text(_l("Footer line"), limit=300)
    primary_color = StringField(
        _l("Main colour"), validators=[Length(max=7)], render_kw={"type": "color"}
    )
    accent_color = StringField(
        _l("Accent colour"), validators=[Length(max=7)], render_kw={"type": "color"}
    )
    keep_logos = SelectMultipleField(
        _l("Logos kept"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
    logo_files = MultipleFileField(
        _l("Add logos"),
        description=_l("PNG or JPEG, at most 2 MB each; at most three logos in all."),
        render_kw={"accept": "image/png,image/jpeg"},
    )
    background_file = FileField(
        _l("Background image"),
        description=_l(
            "PNG or JPEG, at most 2 MB; printed behind the whole page (choose a light image)."
        ),
        render_kw={"accept": "image/png,image/jpeg"},
    )
    remove_background = BooleanField(_l("Remove the background image"))
    use_registry_signatories = BooleanField(
        _l("Print the active signatories (İmzacılar)"), default=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.layout.choices = [(key, str(label)) for key, label in LAYOUTS.items()]


# Partner signatories: name and title, up to three pairs.
for _n in range(1, MAX_PARTNER_SIGNATORIES + 1):
    setattr(
        DesignForm,
        f"partner{_n}_name",
        StringField(_l("Partner signatory %(n)d: name", n=_n), validators=[Length(max=150)]),
    )
    setattr(
        DesignForm,
        f"partner{_n}_title",
        StringField(_l("Partner signatory %(n)d: title", n=_n), validators=[Length(max=200)]),
    )


class CourseDesignsForm(FlaskForm):
    """The design of a course's documents, per kind (empty: the default design)."""

    attendance = SelectField(_l("Design of the Katılım Belgesi"), coerce=db_int_or_none)
    achievement = SelectField(_l("Design of the Başarı Belgesi"), coerce=db_int_or_none)
