"""Demo: one document design with partner logos (AFAD and a university), given to the course of
the first past session, so the demo's documents show a design besides the default."""

import io

from sqlalchemy import select

from ..catalog.models import DocumentKind, Session, SessionStatus
from ..certificates import designs
from ..certificates.models import CertificateDesign
from ..extensions import db

NAME = "AFAD ve Selçuk Üniversitesi ortak"


def _logo(color: tuple, mark: str) -> bytes:
    """A simple flat logo drawn here (no third-party artwork in the demo)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (480, 192), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 184, 184), fill=color)
    draw.rectangle((204, 70, 470, 92), fill=color)
    draw.rectangle((204, 108, 400, 122), fill=(90, 90, 90, 255))
    draw.text((80, 88), mark, fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def load_demo_designs() -> dict:
    if db.session.scalar(select(CertificateDesign.id).where(CertificateDesign.name == NAME)):
        return {"designs_added": 0}
    # The first past session open to everyone: the demo's activity issues its documents.
    session = next(
        (
            s
            for s in db.session.scalars(
                select(Session)
                .where(Session.status == SessionStatus.COMPLETED)
                .order_by(Session.starts_on, Session.id)
            )
            if not s.course.audience
        ),
        None,
    )
    logos = [
        designs.store_image(designs.process_image(_logo((163, 35, 35, 255), "AFAD"))),
        designs.store_image(designs.process_image(_logo((20, 70, 140, 255), "SÜ"))),
    ]
    texts = designs.shipped_texts()
    texts["attendance_title"] = "Katılım Belgesi"
    texts["footer"] = (
        "Bu eğitim AFAD Konya İl Müdürlüğü ve Selçuk Üniversitesi işbirliğiyle düzenlenmiştir."
    )
    design = designs.save_design(
        None,
        designs.DesignInput(
            name=NAME,
            layout="ortakli",
            texts=texts,
            primary_color="#0b5394",
            accent_color="#a3843f",
            partner_signatories=[{"name": "Dr. Mehmet Demir", "title": "AFAD Konya İl Müdürü"}],
            new_logos=[],
            logos=logos,
        ),
        None,
    )
    if session is not None:
        designs.assign_designs(
            session.course,
            {DocumentKind.ATTENDANCE.value: design.id, DocumentKind.ACHIEVEMENT.value: design.id},
            None,
        )
    db.session.flush()
    return {"designs_added": 1}
