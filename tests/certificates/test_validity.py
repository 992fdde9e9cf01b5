"""Validity of documents: set at issue from the course, counted from the training's last day,
kept as a snapshot, printed on the PDF and shown as valid or expired wherever a document is
checked. Dates are moved in the data (never a mocked clock or database)."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from tests.conftest import login
from training_app.catalog.courses import CourseDetails, update_course
from training_app.catalog.models import Course
from training_app.certificates import services
from training_app.core.errors import DomainError
from training_app.core.timeutil import add_months, local_today
from training_app.core.turkish import format_date_short
from training_app.extensions import db


def _issue(closed_session, months=24, people=1, **fields):
    session, admin, regs = closed_session(people=people, document_validity_months=months, **fields)
    issued = services.issue_certificates(session, admin).issued
    db.session.commit()
    return session, admin, regs, issued


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 5, 12), 24) == date(2028, 5, 12)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 1) == date(2026, 12, 30)


def test_issue_counts_the_validity_from_the_trainings_last_day(closed_session):
    session, _admin, _regs, (certificate,) = _issue(closed_session, months=24)
    assert certificate.valid_until == add_months(session.ends_on, 24)
    assert certificate.valid_until != add_months(certificate.issued_on, 24)  # ends before today


def test_a_course_without_validity_gives_documents_that_do_not_expire(closed_session):
    _session, _admin, _regs, (certificate,) = _issue(closed_session, months=None)
    assert certificate.valid_until is None
    assert not certificate.is_expired(date(2100, 1, 1))


def test_later_course_changes_never_change_an_issued_document_and_reissue_keeps_the_rule(
    closed_session,
):
    session, admin, _regs, (certificate,) = _issue(closed_session, months=24)
    first = certificate.valid_until
    session.course.document_validity_months = 12
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.valid_until == first
    new = services.reissue(certificate, "Ad düzeltmesi", admin)
    db.session.commit()
    # A reissue is a fresh snapshot under the same rule: the training's last day, not today.
    assert new.valid_until == add_months(session.ends_on, 12)


def test_pdf_prints_the_validity_line(client, closed_session):
    _session, admin, _regs, (certificate,) = _issue(closed_session, months=24)
    login(client, admin.email)
    data = client.get(f"/certificates/{certificate.id}/document.pdf").data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert f"Geçerlilik: {format_date_short(certificate.valid_until)} tarihine kadar" in text


def test_pdf_without_validity_has_no_validity_line(client, closed_session):
    _session, admin, _regs, (certificate,) = _issue(closed_session, months=None)
    login(client, admin.email)
    data = client.get(f"/certificates/{certificate.id}/document.pdf").data
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Geçerlilik" not in text


def test_verification_page_and_json_say_valid_until_then_expired(client, closed_session):
    _session, _admin, _regs, (certificate,) = _issue(closed_session, months=24)
    until = certificate.valid_until
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert 'data-status="valid"' in page
    assert f"Bu belge {format_date_short(until)} tarihine kadar geçerlidir." in page
    data = client.get(f"/api/v1/certificates/{certificate.verification_code}").get_json()
    assert data["valid_until"] == until.isoformat()
    assert data["expired"] is False and data["valid"] is True and data["status"] == "valid"

    # The last valid day is still valid; the day after, the document has expired.
    certificate.valid_until = local_today()
    db.session.commit()
    assert 'data-status="valid"' in client.get(f"/verify/{certificate.verification_code}").text
    certificate.valid_until = local_today() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert 'data-status="expired"' in page and 'data-status="valid"' not in page
    expected = format_date_short(certificate.valid_until)
    assert f"Bu belgenin geçerlilik süresi {expected} tarihinde doldu." in page
    assert "iptal edilmemiştir" in page
    data = client.get(f"/api/v1/certificates/{certificate.verification_code}").get_json()
    # Expired is not revoked: the register status stays, "valid" (in force today) is false.
    assert data["status"] == "valid" and data["expired"] is True and data["valid"] is False
    assert data["valid_until"] == certificate.valid_until.isoformat()


def test_json_of_a_document_that_does_not_expire(client, closed_session):
    _session, _admin, _regs, (certificate,) = _issue(closed_session, months=None)
    data = client.get(f"/api/v1/certificates/{certificate.verification_code}").get_json()
    assert data["valid_until"] is None and data["expired"] is False and data["valid"] is True
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Bu belge geçerlidir." in page


def test_my_trainings_shows_validity_and_expiry(client, closed_session):
    _session, _admin, regs, (certificate,) = _issue(closed_session, months=24)
    login(client, regs[0].person.user.email)
    page = client.get("/my/trainings").get_data(as_text=True)
    assert f"Geçerlilik: {format_date_short(certificate.valid_until)} tarihine kadar" in page
    certificate.valid_until = local_today() - timedelta(days=3)
    db.session.commit()
    page = client.get("/my/trainings").get_data(as_text=True)
    assert 'data-testid="document-expired"' in page
    assert f"{format_date_short(certificate.valid_until)} tarihinde doldu" in page


def test_course_form_sets_validity_and_renewal_course(client, make_user, make_course):
    from training_app.accounts.models import Role

    admin = make_user(Role.ADMIN, municipality_name=None)
    course = make_course(title="İlk Yardım")
    renewal = make_course(title="İlk Yardım Yenileme")
    login(client, admin.email)
    form = {
        "code": course.code,
        "title": course.title,
        "category_id": course.category_id,
        "kind": "course",
        "delivery": "classroom",
        "total_hours": "16",
        "document_kind": "attendance",
        "min_attendance_percent": "80",
        "attendance_document_on_fail": "y",
        "document_validity_months": "24",
        "renewal_course_id": str(renewal.id),
    }
    page = client.get(f"/admin/catalogue/courses/{course.id}/edit").get_data(as_text=True)
    assert "İlk Yardım Yenileme" in page
    response = client.post(f"/admin/catalogue/courses/{course.id}/edit", data=form)
    assert response.status_code == 302
    db.session.refresh(course)
    assert course.document_validity_months == 24 and course.renewal_course_id == renewal.id
    shown = client.get(f"/admin/catalogue/courses/{course.id}").get_data(as_text=True)
    assert "İlk Yardım Yenileme" in shown and "24" in shown

    for months in ("0", "121", "-5", "12a"):
        response = client.post(
            f"/admin/catalogue/courses/{course.id}/edit",
            data=form | {"document_validity_months": months},
        )
        assert response.status_code == 200
    for hostile in ("x", "99999999999", "999999", "1e3", "\x00", "٣"):
        response = client.post(
            f"/admin/catalogue/courses/{course.id}/edit", data=form | {"renewal_course_id": hostile}
        )
        # Refused on the form (a NUL character: by the request filter, 400), never stored.
        assert response.status_code in (200, 400), hostile
        if hostile == "٣":
            continue  # core.forms.IntegerField reads it as 3, like every number field of the app
        response = client.post(
            f"/admin/catalogue/courses/{course.id}/edit",
            data=form | {"document_validity_months": hostile},
        )
        assert response.status_code in (200, 400), hostile
    # Its own renewal: refused with a message on the field.
    response = client.post(
        f"/admin/catalogue/courses/{course.id}/edit", data=form | {"renewal_course_id": course.id}
    )
    assert response.status_code == 200
    # The form does not offer the course itself; the service refuses it as well.
    assert "Geçerli bir seçenek değil." in response.get_data(as_text=True)
    with pytest.raises(DomainError, match="kendisinin yenileme eğitimi olamaz"):
        update_course(
            course,
            CourseDetails(
                code=course.code,
                title=course.title,
                category_id=course.category_id,
                renewal_course_id=course.id,
            ),
            by=admin,
        )
    db.session.rollback()
    db.session.refresh(course)
    assert course.document_validity_months == 24 and course.renewal_course_id == renewal.id

    response = client.post(
        f"/admin/catalogue/courses/{course.id}/edit",
        data=form | {"document_validity_months": "", "renewal_course_id": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    course = db.session.get(Course, course.id)
    assert course.document_validity_months is None and course.renewal_course_id is None


def test_public_course_page_shows_the_validity_and_a_renewal_course_cannot_be_deleted(
    client, make_user, make_course
):
    from training_app.accounts.models import Role

    renewal = make_course(title="İlk Yardım Yenileme")
    course = make_course(
        title="İlk Yardım", document_validity_months=24, renewal_course_id=renewal.id
    )
    page = client.get(f"/catalogue/courses/{course.id}").get_data(as_text=True)
    assert "eğitimin son gününden itibaren 24 ay geçerli" in page
    admin = make_user(Role.ADMIN, municipality_name=None)
    login(client, admin.email)
    response = client.post(f"/admin/catalogue/courses/{renewal.id}/delete", follow_redirects=True)
    assert "İlk Yardım için yenileme eğitimi olarak" in response.get_data(as_text=True)
    assert db.session.get(Course, renewal.id) is not None
