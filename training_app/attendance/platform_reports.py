"""Participants reports of online platforms (Zoom, Microsoft Teams) read into join/leave rows.

Zoom's "Participants" export is UTF-8 CSV with commas ("Name (Original Name)", "User Email",
"Join Time", "Leave Time", "Duration (Minutes)", ...). Teams' attendance report is UTF-16 with
tabs, in sections ("1. Summary", "2. Participants", "3. In-Meeting Activities"); the activities
table has one row per join ("Name", "Join Time", "Leave Time", "Duration", "Email", "Role") and is
preferred to the participants table, whose first join and last leave hide the gaps.

Several rows per person are normal (a dropped connection, a rejoin). Times are read as the
wall clock of the meeting (Europe/Istanbul), the way both platforms export them for a Turkish
account; day and month order is settled by the meeting's day.
"""

import codecs
import csv
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from ..core.turkish import search_key
from ..core.uploads import UploadProblem, read_text_upload

#: Column -> accepted headers (as search keys), best first: the table whose join column has the
#: better name wins when a report holds several tables (Teams' activities over its summary).
COLUMNS = {
    "name": ("name (original name)", "name", "full name", "participant", "ad soyad", "ad"),
    "email": ("user email", "email", "e-mail", "e-posta", "eposta"),
    "joined": ("join time", "joined at", "first join", "katilma zamani", "katilma saati"),
    "left": ("leave time", "left at", "last leave", "ayrilma zamani", "ayrilma saati"),
}
REQUIRED = ("name", "joined", "left")

_TIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
)

#: "Ayşe Yılmaz (Çumra Belediyesi)" is how people rename themselves on Zoom.
_TRAILING_NOTE = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass
class ReportRow:
    line: int
    name: str
    email: str
    joined: datetime
    left: datetime

    @property
    def name_key(self) -> str:
        return search_key(_TRAILING_NOTE.sub("", self.name))


@dataclass
class Report:
    platform: str
    rows: list[ReportRow]


def expected_columns() -> str:
    return _(
        "Expected a Zoom or Microsoft Teams participants report with the columns Name, E-mail, "
        "Join time and Leave time (Zoom: “Name (Original Name)”, “User Email”, “Join Time”, "
        "“Leave Time”; Teams: “Name”, “Email”, “Join Time”, “Leave Time”)."
    )


def decode_report(data: bytes) -> str:
    """The report's text: UTF-16 (what Teams writes) as well as what core.uploads reads."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return read_text_upload(data)  # refused there, with its message
    encoding = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in data[:200] and data[1:200:2].count(0) > len(data[:200]) // 4:
        encoding = "utf-16-le"
    elif b"\x00" in data[:200] and data[0:200:2].count(0) > len(data[:200]) // 4:
        encoding = "utf-16-be"
    if encoding is None:
        return read_text_upload(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UploadProblem(
            _("The file looks like UTF-16 text but cannot be read as such.")
            + " "
            + expected_columns()
        ) from None


def _delimiter(line: str) -> str:
    if "\t" in line:
        return "\t"
    return ";" if line.count(";") > line.count(",") else ","


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        values = next(csv.reader([line], delimiter=delimiter))
        return [c.strip().lstrip("\ufeff").strip() for c in values]
    except (csv.Error, StopIteration):
        return []


def _header_columns(cells: list[str]) -> tuple[dict[str, int], int] | None:
    """Column positions and a rank (lower is better) when `cells` is a report header."""
    keys = [search_key(c) for c in cells]
    found, rank = {}, 0
    for column, names in COLUMNS.items():
        for position, name in enumerate(names):
            if name in keys:
                found[column] = keys.index(name)
                if column == "joined":
                    rank = position
                break
    if all(c in found for c in REQUIRED):
        return found, rank
    return None


def _platform(header: list[str], delimiter: str) -> str:
    keys = {search_key(c) for c in header}
    if "name (original name)" in keys or "user email" in keys:
        return "Zoom"
    if delimiter == "\t" or "in-meeting duration" in keys or "role" in keys:
        return "Teams"
    return _("unknown platform")


def parse_time(value: str, day: date) -> datetime | None:
    """A report time; where day and month could be read both ways, the meeting's day wins."""
    value = " ".join(value.replace(",", " ").split()).upper()
    candidates = []
    for pattern in _TIME_FORMATS:
        try:
            candidates.append(datetime.strptime(value, pattern))
        except ValueError:
            continue
    for candidate in candidates:
        if candidate.date() == day:
            return candidate
    return candidates[0] if candidates else None


def parse_report(data: bytes, day: date) -> Report:
    """Rows of a Zoom or Teams report for a meeting on `day`, or UploadProblem saying what is
    wrong and what was expected. Nothing is stored."""
    text = decode_report(data)
    lines = text.splitlines()
    best = None
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        delimiter = _delimiter(line)
        cells = _cells(line, delimiter)
        header = _header_columns(cells)
        if header is not None and (best is None or header[1] < best[2]):
            best = (index, header[0], header[1], delimiter, cells)
    if best is None:
        first = next((line for line in lines if line.strip()), "")
        found = ", ".join(c for c in _cells(first, _delimiter(first)) if c)[:200]
        raise UploadProblem(
            expected_columns() + " " + _("Columns found: %(found)s.", found=found or "—"), "file"
        )
    start, columns, _rank, delimiter, header = best
    rows = []
    width = max(columns.values()) + 1
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if not line.strip():
            break  # the table ends; another section may follow
        cells = _cells(line, delimiter)
        if len(cells) < width:
            break
        name = cells[columns["name"]]
        email = cells[columns["email"]].lower() if "email" in columns else ""
        joined = parse_time(cells[columns["joined"]], day)
        left = parse_time(cells[columns["left"]], day)
        if joined is None or left is None:
            raise UploadProblem(
                _(
                    "Line %(line)d: the time “%(value)s” cannot be read. Expected a date and "
                    "time such as 30.11.2026 09:58:12 or 11/30/2026 09:58:12 AM.",
                    line=number,
                    value=(cells[columns["joined"]] if joined is None else cells[columns["left"]])[
                        :40
                    ],
                ),
                "file",
            )
        if not name and not email:
            continue
        rows.append(ReportRow(number, name[:200], email[:254], joined, left))
    if not rows:
        raise UploadProblem(
            _("The report has the expected columns but no participant rows."), "file"
        )
    return Report(_platform(header, delimiter), rows)


def merged_seconds(intervals: list[tuple[int, int]]) -> int:
    """Total length of intervals, overlaps counted once (two devices, a rejoin)."""
    total, current_start, current_end = 0, None, None
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return total


def as_text(intervals: list[tuple[int, int]]) -> str:
    """Intervals for a hidden form field: "0-1800 1900-3600" (seconds from the start)."""
    return " ".join(f"{a}-{b}" for a, b in intervals)


def from_text(value: str | None, limit: int) -> list[tuple[int, int]]:
    """Intervals back from a form field, clipped to 0..limit; anything else is dropped."""
    intervals = []
    for part in (value or "").split()[:500]:
        a, sep, b = part.partition("-")
        if not (sep and a.isascii() and a.isdigit() and b.isascii() and b.isdigit()):
            continue
        if len(a) > 7 or len(b) > 7:
            continue
        start, end = min(int(a), limit), min(int(b), limit)
        if end > start:
            intervals.append((start, end))
    return intervals
