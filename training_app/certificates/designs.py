"""Document designs (belge tasarımları): the rules for saving, copying, deleting and choosing
them, their uploaded images, and the snapshot a document keeps of its design when issued.

Office-written texts are never templates: `{placeholders}` are checked on save and replaced by
plain values (core.placeholders); the PDF template escapes every value it prints.
"""

import hashlib
import io
import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..catalog.models import Course, DocumentKind
from ..core import audit
from ..core.errors import DomainError
from ..core.placeholders import check_text
from ..core.turkish import format_date_short, format_number
from ..extensions import db
from .models import CertificateDesign, CourseDocumentDesign, DesignImage, Signatory

DEFAULT_NAME = "Birlik standart"

#: The shipped layouts: the current look, a formal one with the crest on top, one with a row of
#: partner logos. Each is templates/pdf/certificate_<name>.html.
LAYOUTS = {
    "klasik": _l("Classic (the union's standard look)"),
    "resmi": _l("Formal (crest on top, signatures in a row)"),
    "ortakli": _l("With partners (a row of partner logos)"),
}

#: What a text may name; the values come from the document's snapshot.
PLACEHOLDERS = ("ad_soyad", "egitim", "tarih", "saat", "yer", "belge_no")

TEXT_FIELDS = (
    "attendance_title",
    "achievement_title",
    "before_name",
    "attendance_after",
    "achievement_after",
    "footer",
)
MAX_TEXT = {"attendance_title": 80, "achievement_title": 80, "footer": 300}
MAX_LONG_TEXT = 600
MAX_LOGOS = 3
MAX_PARTNER_SIGNATORIES = 3

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")

#: Uploaded images: at most this many bytes, pixels and (after scaling) this long a side.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
LOGO_SIDE = 600
BACKGROUND_SIDE = 1754  # A4 landscape at 150 dpi


class DesignError(DomainError):
    """A design cannot be saved as it is; the message names the field and the problem."""


def shipped_texts() -> dict[str, str]:
    """The texts of the current look (what "Birlik standart" starts with)."""
    union = current_app.config["UNION_NAME"]
    return {
        "attendance_title": "",
        "achievement_title": "",
        "before_name": "Bu belge,",
        "attendance_after": (
            f"{union} tarafından düzenlenen “{{egitim}}” eğitimine katılarak bu belgeyi "
            "almaya hak kazandığını gösterir."
        ),
        "achievement_after": (
            f"{union} tarafından düzenlenen “{{egitim}}” eğitimini başarıyla tamamlayarak bu "
            "belgeyi almaya hak kazandığını gösterir."
        ),
        "footer": "",
    }


def default_colors() -> tuple[str, str]:
    config = current_app.config
    return (
        config.get("UNION_PRIMARY_COLOR") or "#1f3a5f",
        config.get("UNION_ACCENT_COLOR") or "#a3843f",
    )


# --- images ----------------------------------------------------------------------------------


@dataclass
class ProcessedImage:
    sha256: str
    mime_type: str
    width: int
    height: int
    data: bytes


def process_image(data: bytes, background: bool = False, field: str = "logo") -> ProcessedImage:
    """A PNG or JPEG checked by its content, scaled to what the page needs and re-encoded (so no
    metadata or trailing bytes survive). Anything else is refused with a message."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise DesignError(_("The file is empty."), field)
    if len(data) > MAX_IMAGE_BYTES:
        raise DesignError(_("The image is larger than 2 MB: save it smaller."), field)
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise DesignError(_("Upload a PNG or JPEG image (this file is neither)."), field)
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS or min(image.size) < 1:
                raise DesignError(_("The image has too many pixels: scale it down."), field)
            image.load()
            side = BACKGROUND_SIDE if background else LOGO_SIDE
            image.thumbnail((side, side))
            out = io.BytesIO()
            if background or image.format == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
                mime = "image/jpeg"
            else:
                image.convert("RGBA").save(out, "PNG", optimize=True)
                mime = "image/png"
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DesignError(
            _("The image cannot be read: upload a PNG or JPEG file."), field
        ) from None
    encoded = out.getvalue()
    return ProcessedImage(hashlib.sha256(encoded).hexdigest(), mime, width, height, encoded)


def store_image(image: ProcessedImage) -> str:
    """Keep the image (once per content) and return its hash."""
    if db.session.get(DesignImage, image.sha256) is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    DesignImage(
                        sha256=image.sha256,
                        mime_type=image.mime_type,
                        width=image.width,
                        height=image.height,
                        data=image.data,
                    )
                )
        except IntegrityError:
            pass  # stored meanwhile by someone else: same bytes
    return image.sha256


def images_for(hashes) -> dict[str, tuple[str, bytes]]:
    """hash -> (mime type, bytes) of stored images (one query)."""
    hashes = {h for h in hashes if h}
    if not hashes:
        return {}
    rows = db.session.execute(
        select(DesignImage.sha256, DesignImage.mime_type, DesignImage.data).where(
            DesignImage.sha256.in_(hashes)
        )
    )
    return {sha: (mime, bytes(data)) for sha, mime, data in rows}


def attach_images(contexts: list[dict]) -> list[dict]:
    """Give documents' plain values the bytes of their images, for a process that has no
    database: one dict shared by the chunk (pickled once)."""
    hashes = set()
    for values in contexts:
        hashes.update(image_hashes(values.get("design")))
    shared = images_for(hashes)
    for values in contexts:
        values["images"] = shared
    return contexts


def image_hashes(snapshot: dict | None) -> list[str]:
    if not snapshot:
        return []
    return [
        *snapshot.get("logos", []),
        *([snapshot["background"]] if snapshot.get("background") else []),
    ]


# --- saving ----------------------------------------------------------------------------------


@dataclass
class DesignInput:
    """A design's values as typed (plain values: the view builds it from the form)."""

    name: str
    layout: str
    texts: dict[str, str]
    primary_color: str
    accent_color: str
    use_registry_signatories: bool = True
    partner_signatories: list[dict] = field(default_factory=list)
    #: Hashes of stored logos to keep, then new uploads, left to right.
    logos: list[str] = field(default_factory=list)
    new_logos: list[ProcessedImage] = field(default_factory=list)
    background: str | None = None
    new_background: ProcessedImage | None = None


def clean(values: DesignInput) -> DesignInput:
    """Normalise and check everything the office typed; DesignError names the field."""
    values.name = " ".join((values.name or "").split())
    if not values.name:
        raise DesignError(_("Write a name."), "name")
    if len(values.name) > 120:
        raise DesignError(_("The name is too long (at most 120 characters)."), "name")
    if values.layout not in LAYOUTS:
        raise DesignError(_("Choose one of the layouts."), "layout")
    texts = {}
    for name in TEXT_FIELDS:
        text = " ".join((values.texts.get(name) or "").split())
        limit = MAX_TEXT.get(name, MAX_LONG_TEXT)
        if len(text) > limit:
            raise DesignError(_("At most %(n)d characters.", n=limit), name)
        check_text(text, PLACEHOLDERS, field=name)
        texts[name] = text
    values.texts = texts
    for name in ("primary_color", "accent_color"):
        color = (getattr(values, name) or "").strip()
        if not _COLOR.fullmatch(color):
            raise DesignError(_("Write a colour as #rrggbb, e.g. #1f3a5f."), name)
        setattr(values, name, color.lower())
    partners = []
    for person in values.partner_signatories:
        name = " ".join((person.get("name") or "").split())[:150]
        title = " ".join((person.get("title") or "").split())[:200]
        if name or title:
            if not (name and title):
                raise DesignError(_("Give each partner signatory a name and a title."), "partners")
            partners.append({"name": name, "title": title})
    values.partner_signatories = partners[:MAX_PARTNER_SIGNATORIES]
    if len(values.logos) + len(values.new_logos) > MAX_LOGOS:
        raise DesignError(_("A design has at most three logos."), "logos")
    return values


def save_design(design: CertificateDesign | None, values: DesignInput, by: User | None):
    """Create or update a design; issued documents keep their own snapshot either way."""
    values = clean(values)
    default_design()  # exists before any other design can take its name
    logos = [*values.logos, *(store_image(image) for image in values.new_logos)]
    background = values.background
    if values.new_background is not None:
        background = store_image(values.new_background)
    fields = {
        "name": values.name,
        "layout": values.layout,
        "texts": values.texts,
        "primary_color": values.primary_color,
        "accent_color": values.accent_color,
        "use_registry_signatories": values.use_registry_signatories,
        "partner_signatories": values.partner_signatories,
        "logos": logos,
        "background": background,
    }
    clash = db.session.scalar(
        select(CertificateDesign.id).where(
            CertificateDesign.name == values.name,
            CertificateDesign.id != (design.id if design else -1),
        )
    )
    if clash is not None:
        raise DesignError(_("Another design has this name."), "name")
    if design is None:
        design = CertificateDesign(**fields)
        db.session.add(design)
        db.session.flush()
        audit.record("certificate_design.create", design, {"name": design.name}, actor=by)
    else:
        changes = audit.diff(design, fields)
        for key, value in fields.items():
            setattr(design, key, value)
        if changes:
            audit.record("certificate_design.update", design, changes, actor=by)
    db.session.flush()
    return design


def duplicate_design(design: CertificateDesign, by: User | None) -> CertificateDesign:
    """A copy to start a new design from ("… (kopya)", numbered when taken)."""
    names = set(db.session.scalars(select(CertificateDesign.name)))
    base = f"{design.name} (kopya)"[:110]
    name, n = base, 2
    while name in names:
        name, n = f"{base} {n}", n + 1
    copy = CertificateDesign(
        name=name,
        layout=design.layout,
        texts=dict(design.texts),
        logos=list(design.logos),
        background=design.background,
        primary_color=design.primary_color,
        accent_color=design.accent_color,
        use_registry_signatories=design.use_registry_signatories,
        partner_signatories=[dict(p) for p in design.partner_signatories],
    )
    db.session.add(copy)
    db.session.flush()
    audit.record("certificate_design.duplicate", copy, {"from": design.name}, actor=by)
    return copy


def courses_using(design: CertificateDesign) -> list[str]:
    return list(
        db.session.scalars(
            select(Course.title)
            .join(CourseDocumentDesign, CourseDocumentDesign.course_id == Course.id)
            .where(CourseDocumentDesign.design_id == design.id)
            .distinct()
            .order_by(Course.title)
        )
    )


def delete_design(design: CertificateDesign, by: User | None) -> None:
    """Delete an unused design (issued documents keep their snapshot, not the row)."""
    if design.is_default:
        raise DesignError(_("The default design cannot be deleted."))
    used = courses_using(design)
    if used:
        raise DesignError(
            _(
                "The design is used by: %(courses)s. Choose another design there first.",
                courses=", ".join(used),
            )
        )
    audit.record("certificate_design.delete", design, {"name": design.name}, actor=by)
    db.session.delete(design)
    db.session.flush()


def default_design() -> CertificateDesign:
    """The shipped "Birlik standart" (created the first time it is needed)."""
    design = db.session.scalar(select(CertificateDesign).where(CertificateDesign.is_default))
    if design is not None:
        return design
    primary, accent = default_colors()
    try:
        with db.session.begin_nested():
            design = CertificateDesign(
                name=DEFAULT_NAME,
                layout="klasik",
                is_default=True,
                texts=shipped_texts(),
                logos=[],
                primary_color=primary,
                accent_color=accent,
                use_registry_signatories=True,
                partner_signatories=[],
            )
            db.session.add(design)
    except IntegrityError:  # made at the same moment by another request (unique name)
        design = db.session.scalar(select(CertificateDesign).where(CertificateDesign.is_default))
    return design


def all_designs() -> list[CertificateDesign]:
    default_design()
    return list(
        db.session.scalars(
            select(CertificateDesign).order_by(
                CertificateDesign.is_default.desc(), CertificateDesign.name
            )
        )
    )


# --- a course's choice -----------------------------------------------------------------------


def chosen_designs(course_id: int) -> dict[str, int]:
    """kind value -> design id the course chose (a kind missing: the default)."""
    rows = db.session.execute(
        select(CourseDocumentDesign.kind, CourseDocumentDesign.design_id).where(
            CourseDocumentDesign.course_id == course_id
        )
    )
    return dict(rows.all())


def assign_designs(course: Course, choice: dict[str, int | None], by: User | None) -> None:
    """Set the course's design per document kind (None: the default design)."""
    current = {
        row.kind: row
        for row in db.session.scalars(
            select(CourseDocumentDesign).where(CourseDocumentDesign.course_id == course.id)
        )
    }
    changes = {}
    for kind in (DocumentKind.ATTENDANCE.value, DocumentKind.ACHIEVEMENT.value):
        design_id = choice.get(kind)
        if design_id is not None and db.session.get(CertificateDesign, design_id) is None:
            raise DesignError(_("Choose one of the designs."), kind)
        row = current.get(kind)
        old = row.design_id if row else None
        if old == design_id:
            continue
        changes[kind] = [old, design_id]
        if design_id is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(
                CourseDocumentDesign(course_id=course.id, kind=kind, design_id=design_id)
            )
        else:
            row.design_id = design_id
    if changes:
        audit.record("course.document_designs", course, changes, actor=by)
    db.session.flush()


def design_for(course_id: int, kind: DocumentKind) -> CertificateDesign:
    row = db.session.get(CourseDocumentDesign, (course_id, kind.value))
    return row.design if row is not None else default_design()


# --- snapshots ---------------------------------------------------------------------------------


def period(starts_on, ends_on) -> str:
    """12.05.2026 or 12.05.2026 – 16.05.2026 (official short dates)."""
    if starts_on == ends_on:
        return format_date_short(starts_on)
    return f"{format_date_short(starts_on)} – {format_date_short(ends_on)}"


def hours_text(minutes: int) -> str:
    hours = minutes / 60
    digits = 0 if minutes % 60 == 0 else 1
    return f"{format_number(hours, digits)} saat"


def signatories_of(design: CertificateDesign, registry: list[Signatory] | None = None) -> list:
    """[{"name", "title"}] printed under a document of this design, as of now."""
    people = []
    if design.use_registry_signatories:
        if registry is None:
            registry = db.session.scalars(
                select(Signatory)
                .where(Signatory.is_active)
                .order_by(Signatory.sort_order, Signatory.id)
            ).all()
        people = [{"name": s.name, "title": s.title} for s in registry]
    return people + [dict(p) for p in design.partner_signatories or []]


def _segments(text: str, values: dict) -> list[list]:
    """A text with its placeholders filled, as [placeholder name or "", text] pieces: the
    template prints each piece escaped and may style one (the course title) differently."""
    pieces = []
    for part in re.split(r"(\{[^{}]*\})", text or ""):
        if not part:
            continue
        name = part[1:-1].strip() if part.startswith("{") and part.endswith("}") else None
        if name is not None and name in values:
            pieces.append([name, str(values[name] or "")])
        else:
            pieces.append(["", part])
    return pieces


def fill_design(design_values: dict, kind: str, values: dict) -> dict:
    """A design's printable snapshot for one document: texts filled with `values` (keys of
    PLACEHOLDERS), layout, colours and image hashes. `design_values` holds the design's own
    fields (a row's or a form's)."""
    texts = design_values["texts"]
    achievement = kind == DocumentKind.ACHIEVEMENT.value
    title = texts.get("achievement_title" if achievement else "attendance_title") or ""
    after = texts.get("achievement_after" if achievement else "attendance_after") or ""
    return {
        "name": design_values["name"],
        "layout": design_values["layout"],
        "primary": design_values["primary_color"],
        "accent": design_values["accent_color"],
        "title": _segments(title, values),
        "before": _segments(texts.get("before_name") or "", values),
        "after": _segments(after, values),
        "footer": _segments(texts.get("footer") or "", values),
        "logos": list(design_values.get("logos") or []),
        "background": design_values.get("background"),
    }


def design_values(design: CertificateDesign) -> dict:
    return {
        "name": design.name,
        "layout": design.layout,
        "texts": design.texts,
        "primary_color": design.primary_color,
        "accent_color": design.accent_color,
        "logos": design.logos,
        "background": design.background,
    }


def placeholder_values(
    holder_name, course_title, period, hours, place, register_number
) -> dict[str, str]:
    return {
        "ad_soyad": holder_name,
        "egitim": course_title,
        "tarih": period,
        "saat": hours,
        "yer": place,
        "belge_no": register_number,
    }


def legacy_snapshot(kind: str, values: dict) -> dict:
    """The look of documents issued before designs existed: the shipped texts and colours."""
    primary, accent = default_colors()
    return fill_design(
        {
            "name": DEFAULT_NAME,
            "layout": "klasik",
            "texts": shipped_texts(),
            "primary_color": primary,
            "accent_color": accent,
        },
        kind,
        values,
    )
