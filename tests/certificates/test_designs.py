"""Document designs: issued documents keep their design, texts are checked and never run,
uploads are checked by content, bulk prints carry the design's images."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from tests.conftest import login
from training_app.certificates import designs, jobs, services
from training_app.certificates.models import CertificateDesign, DesignImage, PrintJob
from training_app.certificates.models import PrintJobStatus as J
from training_app.certificates.pdf import render_documents
from training_app.extensions import db


def png(width=120, height=60, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def design_form(**overrides) -> dict:
    values = {
        "name": "AFAD ortak",
        "layout": "ortakli",
        "attendance_title": "Katılım Belgesi (AFAD işbirliğiyle)",
        "achievement_title": "",
        "before_name": "Sayın",
        "attendance_after": "“{egitim}” eğitimine {tarih} tarihlerinde {yer} ilinde katıldı.",
        "achievement_after": "“{egitim}” eğitimini başarıyla tamamladı.",
        "footer": "Belge no {belge_no} · {saat}",
        "primary_color": "#0b5394",
        "accent_color": "#cc0000",
        "use_registry_signatories": "y",
        "partner1_name": "Dr. Ömer Çağlar",
        "partner1_title": "AFAD İl Müdürü",
    }
    values.update(overrides)
    return values


def save(values: dict, design=None, by=None):
    texts = {name: values.get(name, "") for name in designs.TEXT_FIELDS}
    design = designs.save_design(
        design,
        designs.DesignInput(
            name=values["name"],
            layout=values["layout"],
            texts=texts,
            primary_color=values["primary_color"],
            accent_color=values["accent_color"],
            partner_signatories=[
                {"name": values.get("partner1_name", ""), "title": values.get("partner1_title", "")}
            ],
            logos=list(design.logos) if design else [],
        ),
        by,
    )
    db.session.commit()
    return design


def test_a_design_edit_never_changes_an_issued_document_and_a_reissue_applies_it(
    closed_session,
):
    session, admin, _regs = closed_session(people=1)
    design = save(design_form())
    designs.assign_designs(session.course, {"attendance": design.id}, admin)
    db.session.commit()
    (certificate,) = services.issue_certificates(session, admin).issued
    db.session.commit()
    before = pdf_text(render_documents([certificate]))
    assert "Katılım Belgesi (AFAD işbirliğiyle)" in before
    assert f"Belge no {certificate.register_number}" in before
    assert "Dr. Ömer Çağlar AFAD İl Müdürü" in before

    save(design_form(attendance_title="Yeni Başlık Şöyle", partner1_name="Ayşe Işık"), design)
    db.session.refresh(certificate)
    after = pdf_text(render_documents([certificate]))
    assert after == before
    assert "Yeni Başlık" not in after

    new = services.reissue(certificate, "Tasarım değişti", admin)
    db.session.commit()
    reissued = pdf_text(render_documents([new]))
    assert "Yeni Başlık Şöyle" in reissued and "Ayşe Işık AFAD İl Müdürü" in reissued
    assert f"Belge no {new.register_number}" in reissued


def test_a_document_issued_before_designs_prints_the_shipped_look(closed_session):
    session, admin, _regs = closed_session(people=1)
    (certificate,) = services.issue_certificates(session, admin).issued
    certificate.design = None  # as issued before designs existed
    db.session.commit()
    text = pdf_text(render_documents([certificate]))
    assert "Katılım Belgesi Bu belge," in text
    assert "eğitimine katılarak bu belgeyi almaya hak kazandığını gösterir." in text


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{ad_soyad} {kurum} {tarihi}", "{kurum}, {tarihi}"),
        ("{{ ''.__class__ }}", "{''.__class__}"),
        ("{egitim.title}", "{egitim.title}"),
    ],
)
def test_unknown_placeholders_are_refused_with_their_names_and_the_form_keeps_them(
    client, make_user, text, named
):
    from training_app.accounts.models import Role

    admin = make_user(Role.ADMIN, email="office@example.org", municipality_name=None)
    login(client, admin.email)
    response = client.post("/certificates/designs/new", data=design_form(footer=text))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tanınmayan yer tutucu" in page and named.replace("'", "&#39;") in page
    assert 'value="AFAD ortak"' in page  # what was typed stays
    assert (
        db.session.scalar(select(CertificateDesign).where(CertificateDesign.layout == "ortakli"))
        is None
    )


def test_markup_and_template_syntax_in_texts_print_as_plain_text(closed_session):
    session, admin, _regs = closed_session(people=1)
    design = save(
        design_form(
            before_name='<img src="file:///etc/passwd"> <img src="http://127.0.0.1:9/x.png">',
            footer="<b>kalın</b> {ad_soyad}",
        )
    )
    designs.assign_designs(session.course, {"attendance": design.id}, admin)
    (certificate,) = services.issue_certificates(session, admin).issued
    db.session.commit()
    text = "".join(pdf_text(render_documents([certificate])).split())
    assert '<imgsrc="file:///etc/passwd"><imgsrc="http://127.0.0.1:9/x.png">' in text
    assert f"<b>kalın</b>{certificate.holder_name.replace(' ', '')}" in text


def test_colours_layout_and_names_are_checked(app):
    with app.test_request_context():
        for field, bad in (
            ("primary_color", "red; background: url(http://x)"),
            ("accent_color", "#12345"),
            ("layout", "../../etc/passwd"),
            ("name", "  "),
        ):
            with pytest.raises(designs.DesignError) as refused:
                save(design_form(**{field: bad}))
            assert refused.value.field == field
            db.session.rollback()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (bytes(range(256)) * 8, "logo.png", "PNG ya da JPEG"),
        (b"%PDF-1.7\n" + b"x" * 2000, "logo.png", "PNG ya da JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 500, "bozuk.png", "okunamıyor"),
        (png(), "a" * 1200 + ".png", None),
    ],
)
def test_logo_uploads_are_checked_by_content(client, make_user, data, filename, message):
    from training_app.accounts.models import Role

    admin = make_user(Role.ADMIN, email="office@example.org", municipality_name=None)
    login(client, admin.email)
    form = design_form(logo_files=[(io.BytesIO(data), filename)])
    response = client.post(
        "/certificates/designs/new", data=form, content_type="multipart/form-data"
    )
    if message is None:
        assert response.status_code == 302
        design = db.session.scalar(
            select(CertificateDesign).where(CertificateDesign.layout == "ortakli")
        )
        image = db.session.get(DesignImage, design.logos[0])
        assert image.mime_type == "image/png" and (image.width, image.height) == (120, 60)
    else:
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        assert db.session.scalar(select(DesignImage)) is None


def test_a_ten_megabyte_upload_is_refused_with_a_message(client, make_user):
    from training_app.accounts.models import Role

    admin = make_user(Role.ADMIN, email="office@example.org", municipality_name=None)
    login(client, admin.email)
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024)
    builder = EnvironBuilder(
        path="/certificates/designs/new",
        method="POST",
        data=design_form(logo_files=[(io.BytesIO(big), "buyuk.png")]),
        content_type="multipart/form-data",
    )
    environ = builder.get_environ()
    try:
        response = client.open(environ)
    finally:  # the test client spools a body this big to a temporary file
        environ["wsgi.input"].close()
        builder.close()
    assert response.status_code == 413
    assert "çok büyük" in response.get_data(as_text=True)


def test_big_images_are_scaled_to_what_the_page_needs(app):
    with app.test_request_context():
        logo = designs.process_image(png(3000, 1000))
        background = designs.process_image(png(4000, 2800), background=True)
    assert (logo.width, logo.height) == (designs.LOGO_SIDE, 200)
    assert background.mime_type == "image/jpeg" and background.width == designs.BACKGROUND_SIDE


def test_the_office_previews_creates_copies_assigns_and_deletes_designs(client, closed_session):
    session, admin, _regs = closed_session(people=1)
    login(client, admin.email)
    page = client.get("/certificates/designs").get_data(as_text=True)
    assert designs.DEFAULT_NAME in page
    assert "(ve kendi tasarımı olmayan her eğitim)" in page  # the default serves every other course

    preview = client.post(
        "/certificates/designs/preview",
        data=design_form(logo_files=[(io.BytesIO(png()), "a.png"), (io.BytesIO(png()), "b.png")]),
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert "no-store" in preview.headers["Cache-Control"]
    text = pdf_text(preview.data)
    assert "AYŞE IŞIK ÇAĞLAR" in text and "Katılım Belgesi (AFAD işbirliğiyle)" in text
    assert db.session.scalar(select(DesignImage)) is None  # a preview saves nothing

    response = client.post(
        "/certificates/designs/new",
        data=design_form(logo_files=[(io.BytesIO(png()), "a.png")]),
        content_type="multipart/form-data",
    )
    design = db.session.scalar(
        select(CertificateDesign).where(CertificateDesign.layout == "ortakli")
    )
    assert response.headers["Location"].endswith(f"/certificates/designs/{design.id}")
    client.post(f"/certificates/designs/{design.id}/duplicate")
    copy = db.session.scalar(
        select(CertificateDesign).where(CertificateDesign.name.endswith("(kopya)"))
    )
    assert copy.logos == design.logos

    client.post(
        f"/certificates/courses/{session.course_id}/designs",
        data={"designs-attendance": str(design.id), "designs-achievement": "None"},
    )
    assert designs.chosen_designs(session.course_id) == {"attendance": design.id}
    course_page = client.get(f"/admin/catalogue/courses/{session.course_id}").get_data(as_text=True)
    assert f'<option selected value="{design.id}">AFAD ortak</option>' in course_page

    page = client.post(f"/certificates/designs/{design.id}/delete", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Bu tasarımı kullanan eğitimler" in page and session.course.title in page
    assert db.session.get(CertificateDesign, design.id) is not None
    client.post(f"/certificates/designs/{copy.id}/delete")
    assert db.session.get(CertificateDesign, copy.id) is None
    default = designs.default_design()
    client.post(f"/certificates/designs/{default.id}/delete")
    assert db.session.get(CertificateDesign, default.id) is not None


def test_bulk_print_in_processes_carries_the_design_images(
    app, closed_session, monkeypatch, tmp_path
):
    app.config.update(PRINT_JOB_DIR=str(tmp_path), PRINT_PROCESSES=2)
    monkeypatch.setattr(jobs, "CHUNK_SIZE", 2)
    session, admin, _regs = closed_session(people=3)
    sha = designs.store_image(designs.process_image(png()))
    background = designs.store_image(designs.process_image(png(300, 200), background=True))
    design = save(design_form())
    design.logos = [sha, sha]
    design.background = background
    designs.assign_designs(session.course, {"attendance": design.id}, admin)
    services.issue_certificates(session, admin)
    services.start_print_job(admin, session=session)
    db.session.commit()
    assert jobs.run_pending_jobs() == 1
    job = db.session.scalar(select(PrintJob))
    assert job.status == J.DONE, job.error
    reader = PdfReader(tmp_path / job.result_path)
    assert len(reader.pages) == 3
    assert all("AFAD işbirliğiyle" in page.extract_text() for page in reader.pages)
    images = [len(page.images) for page in reader.pages]
    assert all(n >= 3 for n in images), images  # two logos, background (and the QR code)


def test_a_design_without_any_signatory_stops_issuing(closed_session):
    session, admin, _regs = closed_session(people=1)
    design = save(design_form(partner1_name="", partner1_title=""))
    design.use_registry_signatories = False
    designs.assign_designs(session.course, {"attendance": design.id}, admin)
    db.session.commit()
    with pytest.raises(services.DomainError, match="İmzacılar"):
        services.issue_certificates(session, admin)
    db.session.rollback()


@pytest.mark.parametrize(
    "hostile",
    ["x" * 10_000, "Ad\x00Soyad", "{" * 500, "'; DROP TABLE certificate_designs; --", "9" * 40],
)
def test_hostile_form_values_get_a_message_never_a_server_error(client, closed_session, hostile):
    session, admin, _regs = closed_session(people=1)
    login(client, admin.email)
    for field in ("name", "layout", "footer", "primary_color", "partner1_name", "keep_logos"):
        response = client.post("/certificates/designs/new", data=design_form(**{field: hostile}))
        assert response.status_code in (200, 302, 400), (field, response.status_code)  # NUL: 400
        preview = client.post("/certificates/designs/preview", data=design_form(**{field: hostile}))
        assert preview.status_code in (200, 400), (field, preview.status_code)
        db.session.rollback()
    response = client.post(
        f"/certificates/courses/{session.course_id}/designs",
        data={"designs-attendance": hostile, "designs-achievement": hostile},
    )
    assert response.status_code == (400 if "\x00" in hostile else 302)
    assert designs.chosen_designs(session.course_id) == {}


def test_the_demo_prints_one_course_with_a_partner_design(app):
    from training_app.certificates.models import Certificate
    from training_app.demo import load_demo_data
    from training_app.demo.designs import NAME

    assert load_demo_data()["designs_added"] == 1
    db.session.commit()
    design = db.session.scalar(select(CertificateDesign).where(CertificateDesign.name == NAME))
    assert design.layout == "ortakli" and len(design.logos) == 2
    issued = [c for c in db.session.scalars(select(Certificate)) if c.design["name"] == NAME]
    assert issued
    assert "AFAD Konya İl Müdürlüğü" in pdf_text(render_documents(issued[:1]))
    assert load_demo_data()["designs_added"] == 0


def test_the_register_entry_names_the_design_a_document_was_issued_with(client, closed_session):
    session, admin, _regs = closed_session(people=1)
    design = save(design_form())
    designs.assign_designs(session.course, {"attendance": design.id}, admin)
    (certificate,) = services.issue_certificates(session, admin).issued
    db.session.commit()
    save(design_form(name="Yeni adıyla"), design)  # renaming later changes no document
    login(client, admin.email)
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "Belge tasarımı" in page and "AFAD ortak" in page and "Yeni adıyla" not in page


def test_the_design_page_says_where_it_is(client, make_user):
    """Breadcrumbs as on every other nested page: the list of designs, then this design."""
    from tests.catalog.test_breadcrumbs import crumbs
    from training_app.accounts.models import Role

    admin = make_user(Role.ADMIN, email="office@example.org", municipality_name=None)
    login(client, admin.email)
    page = client.get("/certificates/designs/new").get_data(as_text=True)
    assert crumbs(page) == [("/certificates/designs", "Belge tasarımları"), (None, "Yeni tasarım")]
