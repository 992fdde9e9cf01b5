"""People whose documents expire in a period, per municipality: the office's (and a
coordinator's, for their own municipalities) list of who needs a renewal, with CSV and XLSX."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from ..certificates.expiry import ExpiringDocument, expiring_documents
from ..core.turkish import format_date_short
from .exports import TEXT, Table
from .services import Scope


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
