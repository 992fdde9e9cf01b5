"""Documents as PDF: A4 landscape, the union's name, an optional logo, the QR code of the
verification URL, register number, code and signatories. Rendered from the snapshot only."""

import segno
from flask import Response, current_app

from ..core.pdf import render_pdf
from ..core.turkish import format_date_long, format_date_short, format_number
from .models import Certificate
from .services import verification_url


def qr_for(code: str) -> segno.QRCode:
    """The QR code of a document: its verification URL, medium error correction."""
    return segno.make(verification_url(code), error="m")


def period(starts_on, ends_on) -> str:
    """12.05.2026 or 12.05.2026 – 16.05.2026 (official short dates)."""
    if starts_on == ends_on:
        return format_date_short(starts_on)
    return f"{format_date_short(starts_on)} – {format_date_short(ends_on)}"


def hours_text(minutes: int) -> str:
    hours = minutes / 60
    digits = 0 if minutes % 60 == 0 else 1
    return f"{format_number(hours, digits)} saat"


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
        #: "12.05.2028", or None when the document does not expire.
        "valid_until": format_date_short(certificate.valid_until)
        if certificate.valid_until
        else None,
    }


def render_documents(certificates: list[Certificate]) -> bytes:
    """One PDF with one page per document (use chunks of about 50 for big batches)."""
    return render_contexts([document_context(c) for c in certificates])


def render_contexts(documents: list[dict]) -> bytes:
    """One PDF from documents' plain values (what a rendering process receives)."""
    config = current_app.config
    return render_pdf(
        "pdf/certificate.html",
        union_name=config["UNION_NAME"],
        logo=config.get("CERTIFICATE_LOGO") or None,
        documents=documents,
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
