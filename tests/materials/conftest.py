"""Materials tests: a published session taught by a trainer, and people in various states."""

import io
import zipfile

import pytest

from tests.catalog.conftest import (  # noqa: F401  (fixtures)
    make_category,
    make_course,
    make_session,
    make_trainer,
    make_venue,
)
from tests.enrollment.conftest import participant  # noqa: F401
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def office_file(kind: str) -> bytes:
    """A minimal OOXML package: `[Content_Types].xml` and the application's part folder."""
    folder = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(folder, "<x/>")
    return buffer.getvalue()


@pytest.fixture
def register(app):
    """register(user, session, status=CONFIRMED): a registration in that state, committed."""

    def do(user, session, status=RegistrationStatus.CONFIRMED):
        registration = Registration(
            session=session,
            person=user.person,
            municipality_id=user.person.municipality_id,
            status=status,
        )
        db.session.add(registration)
        db.session.commit()
        return registration

    return do
