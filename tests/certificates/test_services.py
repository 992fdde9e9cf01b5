import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training_app.catalog.models import DocumentKind
from training_app.certificates import services
from training_app.certificates.models import Certificate, RegisterCounter
from training_app.certificates.models import CertificateStatus as C
from training_app.core.errors import DomainError
from training_app.core.models import AuditEntry
from training_app.core.timeutil import local_today
from training_app.extensions import db

YEAR = local_today().year


def test_each_completed_registration_gets_the_document_it_earned(closed_session):
    session, admin, regs = closed_session(people=3, absent=(2,), last_names=["Işık", "Çelik", "Ak"])
    result = services.issue_certificates(session, admin)
    db.session.commit()
    assert len(result.issued) == 2  # the absent one completed nothing
    numbers = sorted(c.register_number for c in result.issued)
    assert numbers == [f"KBB-{YEAR}-000001", f"KBB-{YEAR}-000002"]
    for certificate in result.issued:
        assert certificate.status == C.VALID
        assert certificate.kind == DocumentKind.ATTENDANCE
        assert certificate.document_title == "Katılım Belgesi"
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{12}", certificate.verification_code)
        assert certificate.total_minutes == 360
        assert certificate.signatories == [
            {"name": "Prof. Dr. Şükrü Öztürk", "title": "Birlik Başkanı"},
            {"name": "Gülçin Işıklı", "title": "Genel Sekreter"},
        ]
        assert certificate.municipality_name == "Selçuklu Belediyesi"
        assert certificate.position == "Personel"
    names = {c.holder_name for c in result.issued}
    assert names == {"KİŞİ1 IŞIK", "KİŞİ2 ÇELİK"}
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("certificate.issue") == 2 and "session.issue_certificates" in actions


def test_issuing_again_issues_nothing_and_numbers_continue(closed_session):
    session, admin, _regs = closed_session(people=2)
    services.issue_certificates(session, admin)
    db.session.commit()
    again = services.issue_certificates(session, admin)
    db.session.commit()
    assert again.issued == [] and again.already == 2
    other, admin2, _ = closed_session(people=1)
    third = services.issue_certificates(other, admin2).issued
    assert [c.register_number for c in third] == [f"KBB-{YEAR}-000003"]
    assert db.session.get(RegisterCounter, YEAR).last_number == 3


def test_achievement_document_with_a_passed_exam(closed_session):
    session, admin, regs = closed_session(
        people=2,
        document_kind=DocumentKind.ACHIEVEMENT,
        has_exam=True,
        pass_mark=70,
        scores={0: 85, 1: 40},
    )
    issued = {c.registration_id: c for c in services.issue_certificates(session, admin).issued}
    assert issued[regs[0].id].document_title == "Başarı Belgesi"
    assert issued[regs[0].id].kind == DocumentKind.ACHIEVEMENT
    assert issued[regs[1].id].document_title == "Katılım Belgesi"


def test_sertifika_only_when_the_course_says_so(closed_session):
    session, admin, _regs = closed_session(people=1, document_called_certificate=True)
    assert (
        services.issue_certificates(session, admin).issued[0].document_title
        == "Katılım Sertifikası"
    )


def test_no_document_courses_issue_nothing(closed_session):
    session, admin, _regs = closed_session(people=2, document_kind=DocumentKind.NONE)
    result = services.issue_certificates(session, admin)
    assert result.issued == [] and result.without_document == 2


def test_an_open_session_cannot_issue(taught_session, make_user):
    from training_app.accounts.models import Role

    session, _trainer, _regs = taught_session(people=1)
    with pytest.raises(DomainError):
        services.issue_certificates(session, make_user(Role.ADMIN, email="a@example.org"))


def test_snapshot_does_not_follow_later_renames(closed_session):
    session, admin, regs = closed_session(people=1)
    certificate = services.issue_certificates(session, admin).issued[0]
    db.session.commit()
    session.course.title = "Yeni Ad"
    regs[0].person.last_name = "Başka"
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.course_title != "Yeni Ad" and "BAŞKA" not in certificate.holder_name


def test_the_database_refuses_a_second_valid_document(closed_session):
    session, admin, regs = closed_session(people=1)
    first = services.issue_certificates(session, admin).issued[0]
    db.session.commit()
    duplicate = Certificate(
        **{
            col.key: getattr(first, col.key)
            for col in Certificate.__table__.columns
            if col.key not in ("id", "register_number", "verification_code")
        },
        register_number="KBB-1999-000001",
        verification_code="X" * 12,
    )
    db.session.add(duplicate)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_issue_one_is_idempotent(closed_session):
    session, admin, regs = closed_session(people=1)
    one = services.issue_certificate(regs[0], admin)
    two = services.issue_certificate(regs[0], admin)
    assert one.id == two.id


def test_revoke_and_reissue(closed_session):
    session, admin, regs = closed_session(people=1)
    certificate = services.issue_certificates(session, admin).issued[0]
    db.session.commit()
    with pytest.raises(DomainError):
        services.revoke(certificate, "  ", admin)
    new = services.reissue(certificate, "Ad yanlış yazılmış", admin)
    db.session.commit()
    assert certificate.status == C.REPLACED and certificate.replaced_by_id == new.id
    assert certificate.revoked_at is not None and certificate.reason == "Ad yanlış yazılmış"
    assert new.status == C.VALID and new.register_number == f"KBB-{YEAR}-000002"
    assert new.verification_code != certificate.verification_code
    services.revoke(new, "Mükerrer", admin)
    db.session.commit()
    assert new.status == C.REVOKED and new.valid_registration_id is None
    with pytest.raises(DomainError):
        services.revoke(new, "again", admin)
    # Revoked stays revoked: issuing the session again does not bring it back.
    assert services.issue_certificates(session, admin).issued == []
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "certificate.reissue" in actions and "certificate.revoke" in actions


def test_codes_are_normalised():
    assert services.normalise_code(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert services.normalise_code("٣٣٣") == ""


def test_print_selection_in_turkish_order(closed_session):
    session, admin, _regs = closed_session(
        people=4, last_names=["Şahin", "Çelik", "Sarı", "Cem"], first_names=["A", "A", "A", "A"]
    )
    services.issue_certificates(session, admin)
    db.session.commit()
    ids = services.certificates_for_print(session_id=session.id)
    names = [db.session.get(Certificate, i).holder_name for i in ids]
    assert names == ["A CEM", "A ÇELİK", "A SARI", "A ŞAHİN"]


def test_documents_are_not_issued_without_a_signatory(closed_session):
    from training_app.certificates.models import Signatory
    from training_app.core.errors import DomainError

    session, admin, _regs = closed_session(people=1)
    for signatory in db.session.scalars(select(Signatory)):
        signatory.is_active = False
    db.session.commit()
    with pytest.raises(DomainError, match="en az bir imzacı ekleyin"):
        services.issue_certificates(session, admin)
