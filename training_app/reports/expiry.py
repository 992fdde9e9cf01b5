"""People whose documents expire in a period, per municipality: the office's (and a
coordinator's, for their own municipalities) list of who needs a renewal, with CSV and XLSX."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField
from wtforms.validators import Optional

from ..certificates.expiry import ExpiringDocument, expiring_documents
from ..core.turkish import format_date_short
from .exports import TEXT, Table
from .forms import MunicipalityChoice
from .services import MAX_PERIOD_DAYS, Scope

#: The period shown when none is asked for: the next 90 days.
DEFAULT_DAYS = 90


class ExpiryForm(MunicipalityChoice, FlaskForm):
    """GET filters: from/to dates, whether to list expired documents too, a municipality."""

    class Meta:
        csrf = False

    date_from = DateField(_l("Expiring from"), validators=[Optional()])
    date_to = DateField(_l("Expiring until"), validators=[Optional()])
    expired = BooleanField(
        _l("Also documents that have already expired"),
        description=_l("Not renewed ones; the start date is then not used."),
    )
    municipality = SelectField(_l("Municipality"), validators=[Optional()], validate_choice=False)

    def fill_choices(self, municipalities, all_label=None) -> None:
        choices = [(str(m.id), m.name) for m in municipalities]
        if all_label is not None:
            choices.insert(0, ("", str(all_label)))
        self.municipality.choices = choices

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        start, end = self.date_from.data, self.date_to.data
        if start and end:
            if end < start:
                self.date_to.errors.append(_l("The end date must not be before the start date."))
                ok = False
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.date_to.errors.append(_l("Choose a period of at most ten years."))
                ok = False
        return self._check_municipality() and ok

    def bounds(self, today: date) -> tuple[date | None, date]:
        """(first, last) day of validity to list; first is None with expired ones included.
        A missing or refused date falls back to the default: today to 90 days ahead."""
        first = self.date_from.data if not self.date_from.errors else None
        last = self.date_to.data if not self.date_to.errors else None
        if self.errors.get("date_to") or self.errors.get("date_from"):
            first = last = None
        first = first or today
        last = last or max(first, today) + timedelta(days=DEFAULT_DAYS)
        if self.expired.data:
            return None, last
        return first, last

    def query_args(self, today: date) -> dict[str, str]:
        first, last = self.bounds(today)
        args = {"date_to": last.isoformat()}
        if first is not None:
            args["date_from"] = first.isoformat()
        if self.expired.data:
            args["expired"] = "y"
        if self.municipality_id is not None:
            args["municipality"] = str(self.municipality_id)
        return args


@dataclass
class MunicipalityGroup:
    municipality_id: int | None
    name: str
    documents: list[ExpiringDocument] = field(default_factory=list)


def expiring_by_municipality(
    first: date | None, last: date, scope: Scope
) -> list[MunicipalityGroup]:
    """The expiring documents of `scope`, grouped per municipality (Turkish order)."""
    groups: list[MunicipalityGroup] = []
    for document in expiring_documents(first, last, scope.municipality_ids):
        if not groups or groups[-1].municipality_id != document.municipality_id:
            name = document.municipality_name or _("No municipality")
            groups.append(MunicipalityGroup(document.municipality_id, name))
        groups[-1].documents.append(document)
    return groups


def state_label(document: ExpiringDocument, today: date) -> str:
    """ "Expired", or how many days are left (Turkish: singular after numbers)."""
    days = (document.certificate.valid_until - today).days
    if days < 0:
        return _("Expired")
    if days == 0:
        return _("Last day today")
    return _("%(n)s days left", n=days)


def expiry_table(groups: list[MunicipalityGroup], today: date) -> Table:
    """The list as one table for CSV/XLSX: a line per document."""
    rows = [
        [
            group.name,
            d.person.full_name,
            d.certificate.course_title,
            d.certificate.register_number,
            format_date_short(d.certificate.valid_until),
            state_label(d, today),
            _("Yes") if d.renewal_booked else _("No"),
        ]
        for group in groups
        for d in group.documents
    ]
    columns = [
        (_("Municipality"), TEXT),
        (_("Full name"), TEXT),
        (_("Training"), TEXT),
        (_("Register number"), TEXT),
        (_("Valid until"), TEXT),
        (_("State"), TEXT),
        (_("Renewal booked"), TEXT),
    ]
    title = _("Expiring documents")
    return Table(title, columns, rows, title)
