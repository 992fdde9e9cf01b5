"""Documents as PDF: A4 landscape, the union's name, an optional logo, the QR code of the
verification URL, register number, code and signatories. Rendered from the snapshot only."""

import segno
from flask import Response, current_app

from ..core.pdf import render_pdf
from ..core.turkish import format_date_long, format_date_short
from . import designs
from .designs import hours_text, period
from .models import Certificate
from .services import verification_url


def qr_for(code: str) -> segno.QRCode:
    """The QR code of a document: its verification URL, medium error correction."""
    return segno.make(verification_url(code), error="m")


def document_context(certificate: Certificate) -> dict:
    """Plain values of one document, as printed (never a live ORM object)."""
    return with_qr(document_values(certificate))


def with_qr(values: dict) -> dict:
    """Add the QR code image (made where the page is rendered: it is the costly part)."""
    values["qr_data_uri"] = qr_for(values["verification_code"]).png_data_uri(
        scale=6, border=0, dark="#111111"
    )
    return values


def document_values(certificate: Certificate) -> dict:
    url = verification_url(certificate.verification_code)
    void_note = void_detail = None
    if certificate.status.value == "revoked":
        void_note = "İPTAL EDİLMİŞTİR"
        void_detail = "Bu belge geçerli değildir."
    elif certificate.status.value == "replaced":
        void_note = "GEÇERSİZDİR"
        void_detail = "Bu belgenin yerine yenisi düzenlenmiştir."
    values = designs.placeholder_values(
        certificate.holder_name,
        certificate.course_title,
        period(certificate.starts_on, certificate.ends_on),
        hours_text(certificate.total_minutes),
        certificate.venue or certificate.city,
        certificate.register_number,
    )
    return {
        "void_note": void_note,
        "void_detail": void_detail,
        "verification_code": certificate.verification_code,
        "title": certificate.document_title,
        "achievement": certificate.kind.value == "achievement",
        "holder_name": certificate.holder_name,
        "position": certificate.position or "",
        "municipality": certificate.municipality_name or "",
        "course_title": certificate.course_title,
        "period": period(certificate.starts_on, certificate.ends_on),
        "hours": hours_text(certificate.total_minutes),
        "place": certificate.venue or certificate.city,
        "issued_on": format_date_long(certificate.issued_on, locale="tr"),
        "register_number": certificate.register_number,
        "code": certificate.display_code,
        "verification_url": url,
        "signatories": list(certificate.signatories or []),
        "design": certificate.design or designs.legacy_snapshot(certificate.kind.value, values),
        #: "12.05.2028", or None when the document does not expire.
        "valid_until": format_date_short(certificate.valid_until)
        if certificate.valid_until
        else None,
    }


def render_documents(certificates: list[Certificate]) -> bytes:
    """One PDF with one page per document (use chunks of about 50 for big batches)."""
    return render_contexts([document_context(c) for c in certificates])


def render_contexts(documents: list[dict]) -> bytes:
    """One PDF from documents' plain values (what a rendering process receives).

    Images of the designs come with the values (`images`, from designs.attach_images) or, in
    a process with the database, are loaded here; WeasyPrint reaches them only by their hash.
    """
    config = current_app.config
    images: dict[str, tuple[str, bytes]] = {}
    wanted: set[str] = set()
    for values in documents:
        images.update(values.get("images") or {})
        wanted.update(designs.image_hashes(values.get("design")))
    missing = wanted - images.keys()
    if missing:
        images.update(designs.images_for(missing))
    return render_pdf(
        "pdf/certificate.html",
        images=images,
        union_name=config["UNION_NAME"],
        logo=config.get("UNION_LOGO") or config.get("CERTIFICATE_LOGO") or None,
        documents=documents,
        layouts=tuple(designs.LAYOUTS),
    )


def certificate_response(certificate: Certificate) -> Response:
    data = render_documents([certificate])
    filename = f"{certificate.register_number}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
