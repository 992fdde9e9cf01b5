import io
import re
from datetime import datetime, time, timedelta
from unittest import mock

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import login
from training_app.attendance import checkin, services
from training_app.attendance.models import AttendanceMark
from training_app.attendance.models import AttendanceStatus as A
from training_app.core.timeutil import ISTANBUL
from training_app.extensions import db


def test_trainer_sees_the_roster_in_turkish_order_and_marks_with_htmx(client, taught_session):
    session, trainer, regs = taught_session(
        people=4, hours=(3,), last_names=["Şahin", "Çelik", "Sarı", "Cem"]
    )
    meeting = session.meetings[0]
    login(client, trainer.email)
    page = client.get(f"/attendance/meetings/{meeting.id}").get_data(as_text=True)
    order = [page.index(n) for n in ("Cem", "Çelik", "Sarı", "Şahin")]
    assert order == sorted(order)
    response = client.post(
        f"/attendance/meetings/{meeting.id}/marks/{regs[0].id}",
        data={"status": "late", "minutes": "90"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.strip().startswith("<li") and "Kaydedildi" in row and "Geç kaldı" in row
    response = client.post(
        f"/attendance/meetings/{meeting.id}/marks/{regs[1].id}",
        data={"status": "late", "minutes": "999"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "0 ile 180 arasında olmalıdır" in response.get_data(as_text=True)
    mark = db.session.query(AttendanceMark).filter_by(registration_id=regs[0].id).one()
    assert mark.status == A.LATE and mark.minutes_attended == 90


def test_another_trainer_cannot_open_the_roster(client, taught_session, make_user):
    from training_app.accounts.models import Role

    session, _trainer, _regs = taught_session(people=1, hours=(3,))
    other = make_user(Role.TRAINER, email="other-trainer@example.org", municipality_name=None)
    login(client, other.email)
    assert client.get(f"/attendance/meetings/{session.meetings[0].id}").status_code == 404


def test_mark_all_present(client, taught_session):
    session, trainer, regs = taught_session(people=3, hours=(3,))
    login(client, trainer.email)
    page = client.post(
        f"/attendance/meetings/{session.meetings[0].id}/all-present", follow_redirects=True
    ).get_data(as_text=True)
    assert "3 kişi katıldı olarak işaretlendi." in page
    assert db.session.query(AttendanceMark).filter_by(status=A.PRESENT).count() == 3


def test_signed_sheet_results_in_one_go(client, taught_session):
    session, trainer, regs = taught_session(people=2, hours=(3,))
    meeting = session.meetings[0]
    login(client, trainer.email)
    page = client.post(
        f"/attendance/meetings/{meeting.id}/sheet",
        data={f"status-{regs[0].id}": "present", f"status-{regs[1].id}": "excused"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "2 yoklama kaydedildi." in page
    statuses = {m.registration_id: m.status for m in db.session.query(AttendanceMark)}
    assert statuses == {regs[0].id: A.PRESENT, regs[1].id: A.EXCUSED}


def test_sign_in_sheet_pdf_has_turkish_names_sorted_and_embedded_fonts(client, taught_session):
    session, trainer, regs = taught_session(
        people=3, hours=(3,), last_names=["Şimşek", "Çağlar", "Işık"]
    )
    login(client, trainer.email)
    response = client.get(f"/attendance/meetings/{session.meetings[0].id}/sheet.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "İmza Föyü" in text
    names = [re.search(rf"KİŞİ\d+ {last}", text).start() for last in ("ÇAĞLAR", "IŞIK", "ŞİMŞEK")]
    assert names == sorted(names)
    assert any("DejaVu" in name for name in embedded_fonts(reader))


def embedded_fonts(reader) -> set[str]:
    """Names of the fonts whose files are inside the PDF."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for part in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is not None and any(
                    key in descriptor.get_object()
                    for key in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    names.add(str(part["/BaseFont"]))
    return names


def test_qr_check_in_after_login_needs_no_second_scan(app, client, taught_session):
    session, _trainer, regs = taught_session(people=1, hours=(3,))
    meeting = session.meetings[0]
    user = regs[0].person.user
    during = datetime.combine(meeting.day, time(9, 30), tzinfo=ISTANBUL)
    with mock.patch("training_app.attendance.checkin.datetime") as fake:
        fake.now.return_value = during
        fake.combine = datetime.combine
        token = checkin.current_qr_token(meeting, during)
        response = client.get(f"/checkin/{meeting.id}/{token}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        response = client.post(
            response.headers["Location"], data={"email": user.email, "password": "Test.Parola.2026"}
        )
        assert response.headers["Location"] == f"/checkin/{meeting.id}/{token}"
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Yoklamaya katıldınız. Hoş geldiniz!" in page
    assert db.session.query(AttendanceMark).one().status == A.PRESENT


def test_an_old_code_is_refused(client, taught_session):
    session, _trainer, regs = taught_session(people=1, hours=(3,))
    meeting = session.meetings[0]
    login(client, regs[0].person.user.email)
    old = checkin.qr_token(meeting, 12345)
    response = client.get(f"/checkin/{meeting.id}/{old}")
    assert response.status_code == 400
    assert "Bu kod artık geçerli değil." in response.get_data(as_text=True)


def test_close_session_and_export_the_matrix(client, taught_session, make_user):
    from training_app.accounts.models import Role
    from training_app.core.timeutil import local_today

    session, trainer, regs = taught_session(people=2, hours=(2, 2), last_names=["Öz", "Ak"])
    for i, meeting in enumerate(session.meetings):
        meeting.day = local_today() - timedelta(days=2 - i)
    session.starts_on, session.ends_on = session.meetings[0].day, session.meetings[-1].day
    db.session.commit()
    services.record_marks(
        session.meetings[0], {r.id: services.MarkInput(A.PRESENT) for r in regs}, trainer
    )
    services.record_marks(session.meetings[1], {regs[0].id: services.MarkInput(A.PRESENT)}, trainer)
    db.session.commit()
    admin = make_user(Role.ADMIN, email="admin@example.org")
    login(client, admin.email)
    page = client.post(f"/attendance/sessions/{session.id}/close", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Eğitim dönemi kapatıldı: 1 kişi tamamladı, 1 kişi tamamlamadı." in page
    sheet = load_workbook(
        io.BytesIO(client.get(f"/attendance/sessions/{session.id}/matrix.xlsx").data)
    ).active
    assert [sheet.cell(row=r, column=3).value for r in (3, 4)] == ["Ak", "Öz"]
    assert [sheet.cell(row=3, column=c).value for c in (5, 6, 7, 8)] == ["Katıldı", None, 2, 50]
    assert [sheet.cell(row=4, column=c).value for c in (7, 8)] == [4, 100]
    text = client.get(f"/attendance/sessions/{session.id}/matrix.csv").get_data(as_text=True)
    assert "Ak;Selçuklu;Katıldı;;2,0;50,0" in text
