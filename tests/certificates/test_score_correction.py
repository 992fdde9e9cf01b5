"""Correcting an exam score after closing: the office only, with a reason; the result and the
document earned follow, and the office is told when an issued document no longer matches."""

import pytest

from tests.conftest import login
from training_app.accounts.models import Role
from training_app.attendance import services as attendance
from training_app.catalog.models import DocumentKind
from training_app.certificates import services as certificates
from training_app.core.errors import DomainError
from training_app.core.models import AuditEntry
from training_app.enrollment.models import RegistrationStatus
from training_app.extensions import db


@pytest.fixture
def exam_session(closed_session):
    return closed_session(
        people=2,
        document_kind=DocumentKind.ACHIEVEMENT,
        has_exam=True,
        pass_mark=70,
        scores={0: 85, 1: 40},
    )


def test_a_corrected_score_changes_the_document_earned_and_is_audited(exam_session):
    session, admin, regs = exam_session
    completion, before = attendance.correct_exam_score(regs[1], 75, admin, "Kâğıt yeniden okundu")
    db.session.commit()
    assert before == DocumentKind.ATTENDANCE
    assert completion.exam_score == 75 and completion.document_kind == DocumentKind.ACHIEVEMENT
    assert regs[1].status == RegistrationStatus.COMPLETED
    entry = db.session.query(AuditEntry).filter_by(action="attendance.score_corrected").one()
    assert entry.changes["exam_score"] == [40, 75]
    assert entry.changes["reason"] == "Kâğıt yeniden okundu"
    issued = {c.registration_id: c for c in certificates.issue_certificates(session, admin).issued}
    assert issued[regs[1].id].kind == DocumentKind.ACHIEVEMENT


@pytest.mark.parametrize(
    ("score", "reason", "field"),
    [(101, "x", "score"), (-1, "x", "score"), (80, "  ", "reason")],
)
def test_bad_corrections_are_refused(exam_session, score, reason, field):
    _session, admin, regs = exam_session
    with pytest.raises(DomainError) as refused:
        attendance.correct_exam_score(regs[0], score, admin, reason)
    assert refused.value.field == field


def test_only_the_office_corrects(exam_session, make_user):
    session, _admin, regs = exam_session
    trainer = session.trainers[0].user
    with pytest.raises(DomainError):
        attendance.correct_exam_score(regs[0], 90, trainer, "x")


def test_the_office_corrects_on_the_page_and_is_warned_about_the_issued_document(
    client, exam_session
):
    session, admin, regs = exam_session
    certificates.issue_certificates(session, admin)
    db.session.commit()
    login(client, admin.email)
    page = client.get(f"/attendance/sessions/{session.id}").get_data(as_text=True)
    url = f"/attendance/registrations/{regs[1].id}/score"
    assert url in page
    form = client.get(url).get_data(as_text=True)
    assert 'value="40"' in form
    refused = client.post(url, data={"score": "yetmiş", "reason": "Okuma hatası"})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "0 ile 100 arasında bir sayı girin." in body and 'value="Okuma hatası"' in body
    response = client.post(url, data={"score": "72,5", "reason": "Okuma hatası"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sınav notu düzeltildi." in page
    assert "Başarı Belgesi" in page and "iptal edin veya yeniden düzenleyin" in page
    # The documents page keeps saying so until the document is reissued.
    documents = client.get(f"/certificates/sessions/{session.id}").get_data(as_text=True)
    assert documents.count('data-testid="earned-otherwise"') == 1
    assert "Artık hak ettiği: Başarı Belgesi." in documents


def test_a_session_not_closed_has_no_correction(client, taught_session, make_user):
    session, _trainer, regs = taught_session(people=1)
    admin = make_user(Role.ADMIN, email="office@example.org", municipality_name=None)
    login(client, admin.email)
    response = client.get(f"/attendance/registrations/{regs[0].id}/score")
    assert response.status_code == 302
