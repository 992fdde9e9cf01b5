"""The roster without a network: a trainer opens it, the network goes, 10 marks are made and
survive a reload; when the network returns they are saved exactly once, a later change made on
the server wins, and the trainer sees who was added or cancelled meanwhile."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.e2e.test_attendance_journey import PHONE, _login, _setup, _user
from training_app.accounts.models import Role, User
from training_app.attendance import services
from training_app.attendance.models import AttendanceMark, AttendanceMarkChange, AttendanceStatus
from training_app.catalog.models import Meeting
from training_app.enrollment.models import Registration, RegistrationStatus
from training_app.extensions import db

KEPT = """async () => {
  const cache = await caches.open("kbb-rosters-v1");
  const kept = await cache.match(location.pathname);
  return Boolean(navigator.serviceWorker.controller) && Boolean(kept);
}"""


def _wait_until(page, script, seconds=15):
    """Evaluate an async check until it holds (wait_for_function takes a Promise as true)."""
    for _attempt in range(seconds * 5):
        if page.evaluate(script):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never true: {script}")


def _state(live_app, meeting_id):
    with live_app.app_context():
        marks = {
            m.registration.person.first_name: m.status
            for m in db.session.scalars(
                select(AttendanceMark).where(AttendanceMark.meeting_id == meeting_id)
            )
        }
        changes = db.session.scalar(select(func.count()).select_from(AttendanceMarkChange))
        db.session.remove()
    return marks, changes


def _server_side_changes(live_app, meeting_id):
    """Meanwhile on the server: the office marks the first person excused (later than the
    device), someone new is registered and someone else cancels."""
    with live_app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        lines = services.roster(meeting)
        office = _user("ofis@kbb.example.org", "Ofis", "Çalışanı", Role.ADMIN, 90)
        db.session.flush()
        office_user = db.session.get(User, office.user_id)
        services.record_marks(
            meeting,
            {lines[0].registration.id: services.MarkInput(AttendanceStatus.EXCUSED)},
            office_user,
        )
        newcomer = _user("yeni@kbb.example.org", "Nazlı", "Yeniçeri", Role.PARTICIPANT, 91)
        db.session.add(
            Registration(
                session=meeting.session,
                person=newcomer,
                municipality_id=newcomer.municipality_id,
                status=RegistrationStatus.CONFIRMED,
            )
        )
        cancelled = lines[-1].registration
        cancelled.status = RegistrationStatus.CANCELLED
        name = cancelled.person.full_name
        db.session.commit()
        db.session.remove()
    return name


def test_marks_made_offline_are_kept_and_sent_once(browser, base_url, live_app):
    meeting_id, _token = _setup(live_app, people=12)
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="tr-TR")
    page = context.new_page()
    _login(page, "egitmen@kbb.example.org")
    page.goto(f"/attendance/meetings/{meeting_id}")
    _wait_until(page, KEPT)
    rows = page.locator(".roster-row")
    expect(rows).to_have_count(12)

    context.set_offline(True)
    expect(page.get_by_text("Ağ bağlantısı yok")).to_be_visible()
    for index in range(10):
        rows.nth(index).get_by_role("button", name="Katıldı", exact=True).click()
        expect(rows.nth(index).locator(".row-state")).to_contain_text("Cihazda, gönderilecek")
    expect(page.locator(".pending-count")).to_have_text("10 işaret cihazda, gönderilecek")
    assert _state(live_app, meeting_id) == ({}, 0)

    page.reload()
    rows = page.locator(".roster-row")
    expect(rows).to_have_count(12)
    expect(page.locator(".pending-count")).to_have_text("10 işaret cihazda, gönderilecek")
    expect(page.locator(".roster-row.mark-waiting")).to_have_count(10)
    expect(page.locator('.roster-row button.mark-present[aria-pressed="true"]')).to_have_count(10)
    batch = page.evaluate("KbbOffline.allMarks()")
    assert len(batch) == 10

    cancelled_name = _server_side_changes(live_app, meeting_id)
    context.set_offline(False)
    expect(page.locator(".pending-box")).to_be_hidden(timeout=15000)
    expect(page.locator(".roster-changes")).to_contain_text("Eklenen: Nazlı Yeniçeri")
    expect(page.locator(".roster-changes")).to_contain_text(f"Listeden çıkan: {cancelled_name}")
    first = page.locator(".roster-row").first
    expect(first.locator(".row-state")).to_contain_text("sunucuda")
    expect(first.get_by_role("button", name="Mazeretli", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".roster-row").nth(1).locator(".row-state")).to_contain_text(
        "Gönderildi: Katıldı"
    )

    marks, changes = _state(live_app, meeting_id)
    assert marks.pop("Katılımcı01") == AttendanceStatus.EXCUSED
    assert marks == {f"Katılımcı{n:02d}": AttendanceStatus.PRESENT for n in range(2, 11)}
    assert changes == 11  # the office's mark and the device's ten, the first one not applied

    # The same batch sent again changes nothing.
    answer = page.evaluate(
        """async (marks) => {
          const token = document.querySelector('input[name="csrf_token"]').value;
          const response = await fetch("/attendance/sync", {
            method: "POST",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify({marks}),
          });
          return response.json();
        }""",
        batch,
    )
    assert [r["result"] for r in answer["results"]] == ["duplicate"] * 10
    assert _state(live_app, meeting_id) == (
        {"Katılımcı01": AttendanceStatus.EXCUSED}
        | {f"Katılımcı{n:02d}": AttendanceStatus.PRESENT for n in range(2, 11)},
        11,
    )

    # Logging out clears what the device kept.
    page.get_by_role("button", name="Menüyü aç").click()
    page.get_by_role("button", name="Çıkış yap").click()
    # Logging out first clears the device's store: slow on a loaded machine.
    expect(page.get_by_text("Çıkış yaptınız")).to_be_visible(timeout=15_000)
    _wait_until(
        page,
        """async () => (await caches.keys()).length === 0
            && !(await indexedDB.databases()).some((d) => d.name === "kbb-offline")""",
    )
    context.close()
