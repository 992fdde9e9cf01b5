"""One way to read an uploaded text file (CSV): what is not text, or not in an encoding we read,
is refused with a message that names the problem and says what to do, never a server error.

Accepted: UTF-8 with or without BOM, and Windows-1254 (what Turkish Excel saves as "CSV") when
the bytes are text in it. Refused: empty files, images, PDFs, workbooks and other binary files,
UTF-16 and UTF-32 (Excel's "Unicode text").
"""

import codecs
import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _

from .errors import DomainError

#: A cell longer than this is reported on its row (no name, address or number is that long);
#: the csv module itself is allowed whole files, so that it never stops with an error.
MAX_CELL = 1000
CSV_FIELD_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))

#: How a file starts -> what it is, for the message.
_MAGIC = (
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "workbook"),
    (b"\xd0\xcf\x11\xe0", "workbook"),
)

#: Control characters that text files hold (tab, line ends, form feed).
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f"}


class UploadProblem(DomainError):
    """The uploaded file cannot be read as text; the message says why and what to do."""


def _what_it_is(kind: str) -> str:
    return {
        "image": _("an image"),
        "pdf": _("a PDF document"),
        "workbook": _("an Excel workbook or another Office or ZIP file"),
    }[kind]


def read_text_upload(data: bytes, field: str | None = "file") -> str:
    """The text of an uploaded CSV file, or UploadProblem (attached to the form's `field`)."""
    if not data.strip():
        raise UploadProblem(_("The file is empty."), field)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise _unsupported_encoding(field)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise UploadProblem(
                _(
                    "This is not a CSV file: it looks like %(what)s. In Excel choose "
                    "“Save As”, then “CSV UTF-8 (Comma delimited)”, and upload that file.",
                    what=_what_it_is(kind),
                ),
                field,
            )
    if b"\x00" in data:
        # UTF-16 without a BOM: every other byte of plain letters is zero.
        if data[1::2].count(0) > len(data) // 4 or data[0::2].count(0) > len(data) // 4:
            raise _unsupported_encoding(field)
        raise _not_text(field)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1254")
        except UnicodeDecodeError:
            raise _not_text(field) from None
    if any(ch < " " and ch not in _TEXT_CONTROLS for ch in text):
        raise _not_text(field)
    return text


def _unsupported_encoding(field):
    return UploadProblem(
        _(
            "The file is saved as UTF-16 or UTF-32 (“Unicode text”), an encoding that cannot "
            "be read here. In Excel choose “Save As”, then “CSV UTF-8 (Comma delimited)”, and "
            "upload that file."
        ),
        field,
    )


def _not_text(field):
    return UploadProblem(
        _(
            "The file does not hold text: it cannot be a CSV file. Save the list from Excel as "
            "“CSV UTF-8 (Comma delimited)” and upload that file."
        ),
        field,
    )


def csv_rows(text: str) -> Iterator[list[str]]:
    """The rows of a CSV text, comma or semicolon separated (whichever the first line holds
    more of). A line the csv module cannot read ends the file with UploadProblem."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise UploadProblem(
                _(
                    "Line %(line)d of the file cannot be read as CSV. Check it, save the file "
                    "again as “CSV UTF-8 (Comma delimited)” and upload it.",
                    line=reader.line_num,
                )
            ) from None
        yield values


def overlong_cell(values: list[str]) -> bool:
    """Whether a row holds a cell longer than MAX_CELL characters."""
    return any(len(value) > MAX_CELL for value in values)
