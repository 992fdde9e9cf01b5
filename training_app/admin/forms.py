from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from ..accounts.models import ROLE_LABELS
from ..core.args import MAX_ID, read_int
from ..core.datefields import TurkishDateField
from ..core.forms import db_int_or_none


def _int_or_none(value):
    return db_int_or_none(value)


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
    name = StringField(
        _l("Unit name"), validators=[InputRequired(), Length(max=150)], id="unit-name"
    )


def fill_municipality_choices(form) -> None:
    from ..municipalities.models import MUNICIPALITY_KIND_LABELS

    form.kind.choices = [(kind.value, label) for kind, label in MUNICIPALITY_KIND_LABELS.items()]


class MembershipPeriodForm(FlaskForm):
    """A span of union membership, from the decision that admitted the municipality."""

    joined_on = TurkishDateField(_l("Joined on"), validators=[InputRequired()])
    left_on = TurkishDateField(
        _l("Last day of membership"),
        validators=[Optional()],
        description=_l("Leave empty while the membership lasts."),
    )
    note = StringField(
        _l("Note"),
        validators=[Optional(), Length(max=200)],
        description=_l("The decision, e.g. Birlik Meclisi 12.03.2024 / 7."),
    )


class EndMembershipForm(FlaskForm):
    left_on = TurkishDateField(_l("Last day of membership"), validators=[InputRequired()])


class AuditFilterForm(FlaskForm):
    """The audit log's filters: a GET form, so without a CSRF token."""

    class Meta:
        csrf = False

    actor = StringField(
        _l("Done by"),
        validators=[Optional(), Length(max=100)],
        description=_l("Part of a name or e-mail address."),
    )
    subject = StringField(
        _l("About the person"),
        validators=[Optional(), Length(max=100)],
        description=_l("Their account, personal details, registrations and documents."),
    )
    object_type = SelectField(_l("Record type"), validators=[Optional()], validate_choice=False)
    object_id = StringField(_l("Record number"), validators=[Optional(), Length(max=10)])
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    date_from = TurkishDateField(_l("From"), validators=[Optional()])
    date_to = TurkishDateField(_l("To"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        raw_id = (self.object_id.data or "").strip()
        if raw_id and not (raw_id.isdigit() and read_int(raw_id, None, 1, MAX_ID)):
            self.object_id.errors.append(_l("Enter the record's number (digits only)."))
            ok = False
        start, end = self.date_from.data, self.date_to.data
        if start and end and end < start:
            self.date_to.errors.append(_l("The end date must not be before the start date."))
            ok = False
        return ok

    def filters(self):
        """The filters of the valid fields (an invalid field does not filter)."""
        from .audit_log import AuditFilters

        def valid(f):
            return f.data if not f.errors else None

        raw_id = (self.object_id.data or "").strip() if not self.object_id.errors else ""
        return AuditFilters(
            actor=(valid(self.actor) or "").strip(),
            subject=(valid(self.subject) or "").strip(),
            object_type=valid(self.object_type) or "",
            object_id=int(raw_id) if raw_id else None,
            action=valid(self.action) or "",
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
        )
