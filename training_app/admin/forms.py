from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from ..accounts.models import ROLE_LABELS


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class StaffUserForm(FlaskForm):
    """An administrator creates a trainer, coordinator, administrator or participant account."""

    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Email(), Length(max=254)])
    first_name = StringField(_l("First name"), validators=[InputRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[InputRequired(), Length(max=100)])
    role = SelectField(_l("Role"), validators=[InputRequired()])
    municipality_id = SelectField(
        _l("Municipality"),
        coerce=_int_or_none,
        validators=[Optional()],
        description=_l("Required for a coordinator."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[Optional()],
        description=_l("Leave empty to e-mail the person a link to set their own password."),
        render_kw={"autocomplete": "new-password"},
    )


class AddRoleForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[InputRequired()])
    municipality_id = SelectField(
        _l("Municipality"),
        coerce=_int_or_none,
        validators=[Optional()],
        description=_l("Required for a coordinator."),
    )


class ActionForm(FlaskForm):
    """A bare form for POST buttons: carries only the CSRF token."""

    confirm = HiddenField(default="1")


def fill_role_choices(form, municipalities) -> None:
    form.role.choices = role_choices()
    form.municipality_id.choices = [("", _l("Choose…"))] + [(m.id, m.name) for m in municipalities]


class MunicipalityForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(), Length(max=120)],
        description=_l("As the union writes it, e.g. Ilgın or Konya Büyükşehir."),
    )
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    province = StringField(_l("Province"), validators=[InputRequired(), Length(max=60)])
    is_member = BooleanField(_l("Member of the union"))
    is_active = BooleanField(_l("Active (shown in registration forms)"))


class UnitForm(FlaskForm):
    name = StringField(_l("Unit name"), validators=[InputRequired(), Length(max=150)])


def fill_municipality_choices(form) -> None:
    from ..municipalities.models import MUNICIPALITY_KIND_LABELS

    form.kind.choices = [(kind.value, label) for kind, label in MUNICIPALITY_KIND_LABELS.items()]
