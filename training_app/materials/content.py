"""What an uploaded file is, read from its bytes: its name and the browser's word are not trusted.

Accepted: PDF; PNG, JPEG, GIF and WebP images; Word, PowerPoint and Excel files (OOXML: a ZIP
archive holding `[Content_Types].xml` and the part folder of its application; Office 97-2003:
an OLE2 container named .doc, .ppt or .xls); OpenDocument text, presentation and spreadsheet (a
ZIP archive whose `mimetype` entry says so). Anything else, e.g. a program renamed .pdf or a plain
ZIP archive, is refused.
"""

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


PDF = FileType("pdf", "application/pdf")
PNG = FileType("png", "image/png")
JPEG = FileType("jpg", "image/jpeg")
GIF = FileType("gif", "image/gif")
WEBP = FileType("webp", "image/webp")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
PPTX = FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = FileType("odt", "application/vnd.oasis.opendocument.text")
ODP = FileType("odp", "application/vnd.oasis.opendocument.presentation")
ODS = FileType("ods", "application/vnd.oasis.opendocument.spreadsheet")
LEGACY_OFFICE = {
    "doc": FileType("doc", "application/msword"),
    "ppt": FileType("ppt", "application/vnd.ms-powerpoint"),
    "xls": FileType("xls", "application/vnd.ms-excel"),
}

_OOXML_PARTS = (("word/", DOCX), ("ppt/", PPTX), ("xl/", XLSX))
_ODF_TYPES = {t.content_type: t for t in (ODT, ODP, ODS)}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def identify(data: bytes, filename: str = "") -> FileType | None:
    """The type of `data`, or None when it is none of the accepted kinds. `filename` only tells
    an Office 97-2003 document from a workbook or slides (their container is the same)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _identify_zip(data)
    if data.startswith(_OLE2):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return LEGACY_OFFICE.get(extension)
    return None


def _identify_zip(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                for folder, file_type in _OOXML_PARTS:
                    if any(name.startswith(folder) for name in names):
                        return file_type
                return None
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                return _ODF_TYPES.get(declared)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    return None
