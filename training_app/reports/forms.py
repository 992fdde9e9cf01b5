"""The report filters: a period (a year, or from/to dates) and, where one may choose, a
municipality. GET forms, so without a CSRF token."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional

from ..core.args import MAX_ID, read_int
from ..core.datefields import TurkishDateField
from .services import MAX_PERIOD_DAYS, Period

#: How far back the year list goes.
FIRST_YEAR = 2015


class MunicipalityChoice:
    """A municipality id from the address: digits only; the view checks who may see it."""

    def _check_municipality(self) -> bool:
        muni = self.municipality.data
        if muni and not (muni.isdigit() and read_int(muni, None, 1, MAX_ID)):
            self.municipality.errors.append(_l("Choose a municipality from the list."))
            return False
        return True

    @property
    def municipality_id(self) -> int | None:
        muni = self.municipality.data
        return int(muni) if muni and not self.errors else None


class PeriodForm(MunicipalityChoice, FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), validators=[Optional()], validate_choice=False)
    date_from = TurkishDateField(
        _l("From"),
        validators=[Optional()],
        description=_l("Or choose dates: they take precedence over the year."),
    )
    date_to = TurkishDateField(_l("To"), validators=[Optional()])
    municipality = SelectField(_l("Municipality"), validators=[Optional()], validate_choice=False)

    def fill_choices(self, today: date, municipalities, all_label=None) -> None:
        self.year.choices = [(str(y), str(y)) for y in range(today.year + 1, FIRST_YEAR - 1, -1)]
        if self.year.data in (None, ""):
            self.year.data = str(today.year)
        choices = [(str(m.id), m.name) for m in municipalities]
        if all_label is not None:
            choices.insert(0, ("", str(all_label)))
        self.municipality.choices = choices

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        year = self.year.data
        offered = {value for value, _label in self.year.choices or []}
        if year and (str(year) not in offered if offered else not str(year).isdigit()):
            self.year.errors.append(_l("Choose a year from the list."))
            ok = False
        start, end = self.date_from.data, self.date_to.data
        if (start is None) != (end is None):
            (self.date_to if end is None else self.date_from).errors.append(
                _l("Give both dates, or neither.")
            )
            ok = False
        elif not _period_in_order(start, end, self.date_to):
            ok = False
        return self._check_municipality() and ok

    def period(self, today: date) -> Period:
        """The period asked for; the current year when the form is empty or invalid."""
        if not self.errors:
            if self.date_from.data and self.date_to.data:
                return Period(self.date_from.data, self.date_to.data)
            if self.year.data:
                return Period.year(int(self.year.data))
        return Period.year(today.year)

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for export links."""
        args = {}
        if self.date_from.data and self.date_to.data and not self.errors:
            args["date_from"] = self.date_from.data.isoformat()
            args["date_to"] = self.date_to.data.isoformat()
        elif self.year.data:
            args["year"] = str(self.year.data)
        if self.municipality_id is not None:
            args["municipality"] = str(self.municipality_id)
        return args


def report_years(today: date) -> list[int]:
    """The years a yearly report may cover, newest first (the current one is reported so far)."""
    return list(range(today.year, FIRST_YEAR - 1, -1))


class YearlyReportForm(MunicipalityChoice, FlaskForm):
    """The year of the yearly report and, where one may choose, a municipality. The year comes
    from a list, but a typed or edited address must end in a clear message, not an error."""

    class Meta:
        csrf = False

    year = StringField(_l("Year of the report"))
    municipality = StringField(_l("Municipality"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        first, last = self.years[-1], self.years[0]
        year = (self.year.data or "").strip()
        if not year:
            self.year.errors.append(_l("Choose the year of the report."))
            ok = False
        elif not (year.isdigit() and read_int(year, None, first, last)):
            self.year.errors.append(
                _l("Choose a year between %(first)s and %(last)s.", first=first, last=last)
            )
            ok = False
        return self._check_municipality() and ok

    def set_today(self, today: date) -> None:
        self.years = report_years(today)

    @property
    def report_year(self) -> int:
        return int(self.year.data)


#: The period shown when none is asked for: the next 90 days.
DEFAULT_DAYS = 90


class ExpiryForm(MunicipalityChoice, FlaskForm):
    """GET filters: from/to dates, whether to list expired documents too, a municipality."""

    class Meta:
        csrf = False

    date_from = TurkishDateField(_l("Expiring from"), validators=[Optional()])
    date_to = TurkishDateField(_l("Expiring until"), validators=[Optional()])
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
        ok = _period_in_order(self.date_from.data, self.date_to.data, self.date_to) and ok
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


def _period_in_order(start: date | None, end: date | None, end_field) -> bool:
    """False, with the message on `end_field`, when the end is before the start or the period
    is longer than ten years (both given); True otherwise."""
    if start is None or end is None:
        return True
    if end < start:
        end_field.errors.append(_l("The end date must not be before the start date."))
        return False
    if (end - start).days > MAX_PERIOD_DAYS:
        end_field.errors.append(_l("Choose a period of at most ten years."))
        return False
    return True
