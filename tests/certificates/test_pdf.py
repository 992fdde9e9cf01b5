"""The document PDF: exact Turkish text, embedded fonts, and a QR code carrying the
verification URL (decoded with zxing-cpp from the image inside the PDF)."""

import io

import pytest
from pypdf import PdfReader

from tests.attendance.test_views import embedded_fonts
from tests.conftest import login
from training_app.certificates import services
from training_app.certificates.pdf import qr_for, render_documents
from training_app.extensions import db


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def issued(closed_session):
    session, admin, regs = closed_session(
        people=1,
        last_names=["Işıkçıoğlu"],
        first_names=["Şükriye İpek Gülüş"],
        title="İmar Planlarında Değişiklik ve Çevre Düzenlemesi",
    )
    certificate = services.issue_certificates(session, admin).issued[0]
    db.session.commit()
    return certificate, admin, regs[0]


def test_pdf_has_the_exact_turkish_strings_and_embeds_its_fonts(client, issued):
    certificate, admin, _reg = issued
    login(client, admin.email)
    response = client.get(f"/certificates/{certificate.id}/document.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    text = _text(response.data)
    assert "ŞÜKRİYE İPEK GÜLÜŞ IŞIKÇIOĞLU" in text
    assert "İmar Planlarında Değişiklik ve Çevre Düzenlemesi" in text
    assert "Katılım Belgesi" in text and "Sertifika" not in text
    assert "Konya Belediyeler Birliği" in text
    assert certificate.register_number in text
    assert certificate.display_code in text
    assert "Prof. Dr. Şükrü Öztürk" in text and "Genel Sekreter" in text
    assert "Eski İmza" not in text
    fonts = embedded_fonts(reader)
    assert any("DejaVu-Serif" in name for name in fonts), fonts
    assert any("DejaVu-Sans" in name for name in fonts), fonts


def test_the_qr_code_carries_the_verification_url(app, issued):
    certificate, _admin, _reg = issued
    url = f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{certificate.verification_code}"
    with app.test_request_context():
        # What was encoded into the QR symbol.
        qr = qr_for(certificate.verification_code)
        assert services.verification_url(certificate.verification_code) == url
        data = render_documents([certificate])
    assert qr.mode == "byte" or qr.mode == "alphanumeric"
    reader = PdfReader(io.BytesIO(data))
    images = list(reader.pages[0].images)
    assert len(images) == 1  # the QR code (no logo configured)
    zxingcpp = pytest.importorskip("zxingcpp")
    image = images[0].image.convert("L")
    # Give the decoder a quiet zone around the symbol, as printed on the page.
    from PIL import ImageOps

    results = zxingcpp.read_barcodes(ImageOps.expand(image, border=40, fill=255))
    assert [r.text for r in results] == [url]


def test_batch_render_one_page_per_document(app, closed_session):
    session, admin, _regs = closed_session(people=3)
    certificates = services.issue_certificates(session, admin).issued
    with app.test_request_context():
        data = render_documents(certificates)
    assert len(PdfReader(io.BytesIO(data)).pages) == 3


def test_a_revoked_document_prints_as_void(client, issued):
    certificate, admin, _reg = issued
    login(client, admin.email)
    assert "İPTAL EDİLMİŞTİR" not in _text(
        client.get(f"/certificates/{certificate.id}/document.pdf").data
    )
    services.revoke(certificate, "Hatalı düzenlendi", admin)
    db.session.commit()
    text = _text(client.get(f"/certificates/{certificate.id}/document.pdf").data)
    assert "İPTAL EDİLMİŞTİR" in text and "Bu belge geçerli değildir." in text
