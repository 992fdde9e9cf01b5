"""Account forms. Labels and messages are English message ids, translated by Flask-Babel."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from ..core.forms import db_int_or_none
from ..core.tckn import is_valid_tckn
from .models import EMPLOYMENT_TYPE_LABELS, POSITION_LABELS

_ASCII_DIGITS = frozenset("0123456789")


def validate_tckn_field(form, field):
    value = (field.data or "").strip()
    field.data = value
    if not value:
        return
    if len(value) != 11 or not set(value) <= _ASCII_DIGITS:
        raise ValidationError(_l("The T.C. identity number must be exactly 11 digits (0–9)."))
    if not is_valid_tckn(value):
        raise ValidationError(_l("This is not a valid T.C. identity number."))


def _int_or_none(value):
    return db_int_or_none(value)


def position_choices():
    return [("", _l("Choose…"))] + [(p.value, label) for p, label in POSITION_LABELS.items()]


def employment_choices():
    return [("", _l("Not specified"))] + [
        (e.value, label) for e, label in EMPLOYMENT_TYPE_LABELS.items()
    ]


class PersonFieldsMixin:
    first_name = StringField(_l("First name"), validators=[InputRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[InputRequired(), Length(max=100)])
    tckn = StringField(
        _l("T.C. identity number"),
        validators=[InputRequired(), validate_tckn_field],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 11},
    )
    municipality_id = SelectField(
        _l("Municipality"), coerce=_int_or_none, validators=[InputRequired()]
    )
    unit_id = SelectField(
        _l("Unit (directorate)"),
        coerce=_int_or_none,
        validators=[Optional()],
        validate_choice=False,
    )
    unit_other = StringField(
        _l("Other unit"),
        validators=[Optional(), Length(max=150)],
        description=_l("Only if your unit is not in the list."),
    )
    position = SelectField(_l("Position"), validators=[InputRequired()])
    title = StringField(
        _l("Job title"),
        validators=[Optional(), Length(max=150)],
        description=_l("As it should be printed, e.g. Bilgi İşlem Şefi."),
    )
    employment_type = SelectField(_l("Employment type"), validators=[Optional()])
    phone = TelField(
        _l("Phone"), validators=[Optional(), Length(max=30)], render_kw={"autocomplete": "tel"}
    )


class RegistrationForm(PersonFieldsMixin, FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired()],
        description=_l("At least 10 characters, with letters and digits."),
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        _l("Password again"),
        validators=[
            InputRequired(),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field):
        """Say at once when the password is weak, with the other mistakes of the form."""
        from .services import password_problem

        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(problem)

    privacy_acknowledged = BooleanField(
        _l("I have read the privacy notice."),
        validators=[
            InputRequired(message=_l("You must confirm that you have read the privacy notice."))
        ],
    )
    consent_newsletter = BooleanField(
        _l("I agree to receive announcements of new trainings by e-mail (optional).")
    )
    consent_photos = BooleanField(
        _l("I agree that photos taken during trainings may be published (optional).")
    )


class ProfileForm(PersonFieldsMixin, FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    consent_newsletter = BooleanField(
        _l("I agree to receive announcements of new trainings by e-mail (optional).")
    )
    consent_photos = BooleanField(
        _l("I agree that photos taken during trainings may be published (optional).")
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(), Email()],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Remember me"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(), Email()],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired()],
        description=_l("At least 10 characters, with letters and digits."),
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired()],
        description=_l("At least 10 characters, with letters and digits."),
        render_kw={"autocomplete": "new-password"},
    )
    new_password_confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(),
            EqualTo("new_password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmEmailForm(FlaskForm):
    """One button: a link opened by a mail scanner confirms nothing."""


class AcknowledgeForm(FlaskForm):
    privacy_acknowledged = BooleanField(
        _l("I have read the privacy notice."),
        validators=[
            InputRequired(message=_l("You must confirm that you have read the privacy notice."))
        ],
    )


def fill_person_choices(form, municipalities, units) -> None:
    """Set the select choices: member municipalities and the chosen municipality's units."""
    form.municipality_id.choices = [("", _l("Choose…"))] + [(m.id, m.name) for m in municipalities]
    form.unit_id.choices = [("", _l("Not in the list / not specified"))] + [
        (u.id, u.name) for u in units
    ]
    form.position.choices = position_choices()
    form.employment_type.choices = employment_choices()


def person_details_from(form):
    """The form's person fields as the service's PersonDetails."""
    from .models import EmploymentType, Position
    from .services import PersonDetails

    return PersonDetails(
        first_name=form.first_name.data or "",
        last_name=form.last_name.data or "",
        tckn=form.tckn.data or None,
        position=Position(form.position.data) if form.position.data else None,
        municipality_id=form.municipality_id.data,
        employment_type=EmploymentType(form.employment_type.data)
        if form.employment_type.data
        else None,
        unit_id=form.unit_id.data,
        unit_other=form.unit_other.data,
        title=form.title.data,
        phone=form.phone.data,
    )
