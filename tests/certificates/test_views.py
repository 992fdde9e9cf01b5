import io
import re

from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import login
from training_app.accounts.models import Role
from training_app.certificates import jobs, services
from training_app.certificates.models import Certificate, PrintJob
from training_app.certificates.models import PrintJobStatus as J
from training_app.extensions import db


def _issue(closed_session, **kwargs):
    session, admin, regs = closed_session(**kwargs)
    certificates = services.issue_certificates(session, admin).issued
    db.session.commit()
    return session, admin, regs, certificates


def test_admin_issues_from_the_session_page_and_a_double_click_issues_once(client, closed_session):
    session, admin, _regs = closed_session(people=2)
    login(client, admin.email)
    page = client.get(f"/certificates/sessions/{session.id}").get_data(as_text=True)
    assert "Belgeleri düzenle" in page
    client.post(f"/certificates/sessions/{session.id}/issue")
    page = client.post(
        f"/certificates/sessions/{session.id}/issue", follow_redirects=True
    ).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
    assert "KBB-" in page and "Katılım Belgesi" in page


def test_verification_page_valid_revoked_replaced_and_never_the_id_number(client, closed_session):
    session, admin, regs, (certificate,) = _issue(closed_session, people=1, last_names=["Işık"])
    tckn = regs[0].person.reveal_tckn()
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Bu belge geçerlidir." in page
    assert certificate.register_number in page and "KİŞİ1 IŞIK" in page
    assert tckn not in page and (regs[0].person.tckn_masked or "x" * 11) not in page
    # A typed code with dashes and lower case works through the form.
    response = client.post("/verify", data={"code": certificate.display_code.lower()})
    assert response.headers["Location"].endswith(f"/verify/{certificate.verification_code}")
    new = services.reissue(certificate, "Ad düzeltildi", admin)
    db.session.commit()
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "yenisi düzenlendi" in page and f"/verify/{new.verification_code}" in page
    services.revoke(new, "Hatalı düzenlendi", admin)
    db.session.commit()
    page = client.get(f"/verify/{new.verification_code}").get_data(as_text=True)
    assert "iptal edildi" in page and new.revoked_at.strftime("%d.%m.%Y") in page
    assert client.get("/verify/NOSUCHCODE22").status_code == 404


def test_verification_is_rate_limited(app, client, closed_session):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    codes = [client.get("/verify/AAAABBBBCCCC").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_downloads_holder_coordinator_admin_and_nobody_else(client, closed_session, make_user):
    _session, admin, regs, (certificate,) = _issue(closed_session, people=1)
    holder = regs[0].person.user
    url = f"/certificates/{certificate.id}/document.pdf"
    login(client, holder.email)
    assert client.get(url).status_code == 200
    page = client.get("/my/trainings").get_data(as_text=True)
    assert url in page
    client.post("/logout")
    stranger = make_user(Role.PARTICIPANT, email="stranger@example.org")
    login(client, stranger.email)
    assert client.get(url).status_code == 404
    assert url not in client.get("/my/trainings").get_data(as_text=True)
    client.post("/logout")
    other_coordinator = make_user(
        Role.COORDINATOR, email="meram@example.org", municipality_name="Meram"
    )
    login(client, other_coordinator.email)
    assert client.get(url).status_code == 404
    client.post("/logout")
    coordinator = make_user(Role.COORDINATOR, email="selcuklu@example.org")
    login(client, coordinator.email)
    assert client.get(url).status_code == 200
    assert certificate.register_number in client.get("/certificates/municipality").get_data(
        as_text=True
    )


def test_revoke_and_reissue_views_need_a_reason(client, closed_session):
    _session, admin, _regs, (certificate,) = _issue(closed_session, people=1)
    login(client, admin.email)
    client.post(f"/certificates/{certificate.id}/revoke", data={"revoke-reason": ""})
    db.session.refresh(certificate)
    assert certificate.is_valid
    response = client.post(
        f"/certificates/{certificate.id}/reissue", data={"reissue-reason": "Unvan değişti"}
    )
    db.session.refresh(certificate)
    assert certificate.status.value == "replaced"
    assert response.headers["Location"].endswith(f"/certificates/{certificate.replaced_by_id}")


def test_signatories_are_managed_by_the_admin(client, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    client.post(
        "/certificates/signatories",
        data={"name": "Ayşe Öz", "title": "Genel Sekreter", "sort_order": "2", "is_active": "y"},
    )
    page = client.get("/certificates/signatories").get_data(as_text=True)
    assert "Ayşe Öz" in page and "Genel Sekreter" in page


def test_bulk_print_of_a_session_in_chunks_sorted_the_turkish_way(
    app, client, closed_session, monkeypatch, tmp_path
):
    app.config["PRINT_JOB_DIR"] = str(tmp_path)
    monkeypatch.setattr(jobs, "CHUNK_SIZE", 2)
    session, admin, _regs, _certs = _issue(
        closed_session, people=5, last_names=["Şahin", "Çelik", "Sarı", "Cem", "Ünal"]
    )
    login(client, admin.email)
    response = client.post(f"/certificates/sessions/{session.id}/print")
    job = db.session.scalar(select(PrintJob))
    assert response.headers["Location"].endswith(f"/certificates/print-jobs/{job.id}")
    assert job.status == J.QUEUED and job.total == 5
    page = client.get(f"/certificates/print-jobs/{job.id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page
    assert jobs.run_pending_jobs() == 1
    job = db.session.get(PrintJob, job.id)
    assert job.status == J.DONE and job.done == 5 and job.percent == 100
    progress = client.get(f"/certificates/print-jobs/{job.id}/progress").get_data(as_text=True)
    assert "hx-trigger" not in progress
    assert f"/certificates/print-jobs/{job.id}/download" in progress
    response = client.get(f"/certificates/print-jobs/{job.id}/download")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    response.close()
    assert len(reader.pages) == 5
    order = ["CEM", "ÇELİK", "SARI", "ŞAHİN", "ÜNAL"]
    lines = [" ".join(p.extract_text().split()) for p in reader.pages]
    # pypdf glues the name to the next line ("KİŞİ4 CEMSelçuklu"): anchor on what follows.
    found = [
        next(o for o in order if re.search(rf"KİŞİ\d+ {o}(?=Selçuklu| )", line)) for line in lines
    ]
    assert found == order
    job = db.session.get(PrintJob, job.id)
    assert job.downloaded_at is not None
    assert not list(tmp_path.glob("job-*"))  # the chunks are gone, the merged file stays


def test_bulk_print_in_two_rendering_processes_keeps_the_order(
    app, client, closed_session, monkeypatch, tmp_path
):
    app.config.update(PRINT_JOB_DIR=str(tmp_path), PRINT_PROCESSES=2)
    monkeypatch.setattr(jobs, "CHUNK_SIZE", 2)
    session, admin, _regs, _certs = _issue(
        closed_session, people=5, last_names=["Şahin", "Çelik", "Sarı", "Cem", "Ünal"]
    )
    services.start_print_job(admin, session=session)
    db.session.commit()
    assert jobs.run_pending_jobs() == 1
    job = db.session.scalar(select(PrintJob))
    assert job.status == J.DONE and job.done == 5
    reader = PdfReader(tmp_path / job.result_path)
    order = ["CEM", "ÇELİK", "SARI", "ŞAHİN", "ÜNAL"]
    lines = [" ".join(p.extract_text().split()) for p in reader.pages]
    found = [
        next(o for o in order if re.search(rf"KİŞİ\d+ {o}(?=Selçuklu| )", line)) for line in lines
    ]
    assert found == order


def test_a_failed_job_can_be_retried(app, client, closed_session, monkeypatch, tmp_path):
    app.config["PRINT_JOB_DIR"] = str(tmp_path)
    session, admin, _regs, _certs = _issue(closed_session, people=2)
    job = services.start_print_job(admin, session=session)
    db.session.commit()

    def broken(_certificates):
        raise RuntimeError("printer on fire")

    import training_app.certificates.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "render_contexts", broken)
    jobs.run_pending_jobs()
    job = db.session.get(PrintJob, job.id)
    assert job.status == J.FAILED and "printer on fire" in job.error and job.attempts == 1
    login(client, admin.email)
    assert "Yeniden dene" in client.get(f"/certificates/print-jobs/{job.id}").get_data(as_text=True)
    monkeypatch.undo()
    client.post(f"/certificates/print-jobs/{job.id}/retry")
    job = db.session.get(PrintJob, job.id)
    assert job.status == J.QUEUED
    jobs.run_pending_jobs()
    job = db.session.get(PrintJob, job.id)
    assert job.status == J.DONE and job.attempts == 2


def test_two_workers_never_take_the_same_job(app, closed_session, tmp_path):
    app.config["PRINT_JOB_DIR"] = str(tmp_path)
    session, admin, _regs, _certs = _issue(closed_session, people=1)
    services.start_print_job(admin, session=session)
    db.session.commit()
    assert jobs.claim_next_job() is not None
    assert jobs.claim_next_job() is None


def test_api_verifies_a_document(client, closed_session):
    _session, admin, _regs, (certificate,) = _issue(closed_session, people=1)
    data = client.get(f"/api/v1/certificates/{certificate.display_code}").get_json()
    assert data["register_number"] == certificate.register_number
    assert data["status"] == "valid" and data["valid"] is True
    assert data["document_title"] == "Katılım Belgesi" and data["replaced_by"] is None
    assert data["verification_url"].endswith(f"/verify/{certificate.verification_code}")
    assert not any("tckn" in key for key in data)
    services.revoke(certificate, "Hata", admin)
    db.session.commit()
    data = client.get(f"/api/v1/certificates/{certificate.verification_code}").get_json()
    assert data["status"] == "revoked" and data["revoked_on"]
    assert client.get("/api/v1/certificates/NOPE").status_code == 404
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/certificates/{verification_code}" in document["paths"]


def test_a_revoked_document_is_downloaded_by_the_office_only(client, closed_session):
    _session, admin, regs, (certificate,) = _issue(closed_session, people=1)
    services.revoke(certificate, "Hatalı", admin)
    db.session.commit()
    url = f"/certificates/{certificate.id}/document.pdf"
    login(client, regs[0].person.user.email)
    assert client.get(url).status_code == 404
    client.post("/logout")
    login(client, admin.email)
    assert client.get(url).status_code == 200


def test_downloaded_results_are_purged_after_a_while(app, closed_session, tmp_path):
    from datetime import timedelta

    from training_app.core.timeutil import utcnow

    app.config["PRINT_JOB_DIR"] = str(tmp_path)
    session, admin, _regs, _certs = _issue(closed_session, people=1)
    job_id = services.start_print_job(admin, session=session).id
    db.session.commit()
    jobs.run_pending_jobs()
    job = db.session.get(PrintJob, job_id)
    path = jobs.result_file(job)
    assert path.is_file()
    assert jobs.purge_downloaded_results() == 0  # never downloaded: kept
    job.downloaded_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert jobs.purge_downloaded_results() == 1
    assert not path.exists() and db.session.get(PrintJob, job_id).result_path is None


def test_a_document_s_page_sits_under_its_session_s_documents(client, closed_session):
    """Breadcrumbs: the office's sessions, the session, its documents, then the register number."""
    from tests.catalog.test_breadcrumbs import crumbs

    session, admin, _regs, (certificate,) = _issue(closed_session, people=1)
    login(client, admin.email)
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert crumbs(page) == [
        ("/admin/catalogue/sessions", "Eğitim dönemleri"),
        (f"/admin/catalogue/sessions/{session.id}", session.course.title),
        (f"/certificates/sessions/{session.id}", "Belgeler"),
        (None, certificate.register_number),
    ]
