"""The audit log viewer: readable entries, filters, SQL pagination, CSV export, and that no
entry ever holds a raw ID number."""

import csv
import io
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select

from tests.accounts.test_profile import profile_data
from tests.conftest import PASSWORD, confirm_registration, login, municipality, next_tckn
from training_app.accounts.models import Person, Role, User
from training_app.core.models import AuditEntry
from training_app.extensions import db


def add_entry(action, at, actor=None, obj_type=None, obj_id=None, changes=None, ip=None):
    entry = AuditEntry(
        action=action,
        at=at,
        actor_user_id=actor.id if actor else None,
        object_type=obj_type,
        object_id=obj_id,
        changes=changes,
        ip_address=ip,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def csv_rows(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


@contextmanager
def counted_queries():
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def admin(client, login_as):
    return login_as(Role.ADMIN, first_name="Zeynep", last_name="Kaya", email="zeynep@example.org")


def test_entries_are_shown_readably_newest_first(client, admin, make_user):
    someone = make_user(first_name="Veli", last_name="Öztürk", email="veli@example.org")
    db.session.execute(db.delete(AuditEntry))
    db.session.commit()
    add_entry(
        "person.update",
        datetime(2026, 3, 1, 21, 30),  # 2 March 00:30 in Istanbul
        actor=someone,
        obj_type="Person",
        obj_id=someone.person.id,
        changes={"first_name": ["Veli", "Veli Can"], "tckn": ["123******50", "987******12"]},
        ip="10.0.0.7",
    )
    add_entry("user.deactivate", datetime(2026, 3, 3, 9), admin, "User", someone.id)
    add_entry("privacy.something_new", datetime(2026, 3, 4, 9))
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Denetim kaydı" in page
    order = [
        page.index(f'<code class="small">{a}</code>')
        for a in ("privacy.something_new", "user.deactivate", "person.update")
    ]
    assert order == sorted(order)
    assert "02.03.2026 00:30" in page
    assert "Veli Öztürk" in page and "veli@example.org" in page and "10.0.0.7" in page
    assert "Kişisel bilgiler değiştirildi" in page and "Hesap devre dışı bırakıldı" in page
    assert 'Ad:</span> Veli <span aria-hidden="true">→</span>' in page
    assert "123******50" in page and "987******12" in page
    assert f'href="/admin/users/{someone.id}"' in page  # both the Person and the User entry
    assert "Sistem" in page  # no actor
    nav = client.get("/").get_data(as_text=True)
    assert 'href="/admin/audit"' in nav


def test_filters(client, admin, make_user):
    veli = make_user(first_name="Veli", last_name="Şahin", email="veli@example.org")
    ayse = make_user(first_name="Ayşe", last_name="Demir", email="ayse@example.org")
    db.session.execute(db.delete(AuditEntry))
    db.session.commit()
    add_entry("user.login", datetime(2026, 3, 1, 8), veli, "User", veli.id)
    add_entry("person.update", datetime(2026, 3, 1, 22), veli, "Person", ayse.person.id)
    add_entry("user.role_add", datetime(2026, 3, 5, 8), admin, "User", ayse.id)
    add_entry("municipality.update", datetime(2026, 3, 6, 8), admin, "Municipality", 1)

    def actions(**args):
        response = client.get("/admin/audit", query_string=args)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return {
            a
            for a in ("user.login", "person.update", "user.role_add", "municipality.update")
            if f'<code class="small">{a}</code>' in page
        }

    assert actions() == {"user.login", "person.update", "user.role_add", "municipality.update"}
    assert actions(actor="sahin") == {"user.login", "person.update"}  # ASCII-folded search
    assert actions(actor="ZEYNEP@") == {"user.role_add", "municipality.update"}
    assert actions(subject="Ayşe Demir") == {"person.update", "user.role_add"}
    assert actions(subject="veli@example") == {"user.login"}
    assert actions(object_type="User") == {"user.login", "user.role_add"}
    assert actions(object_type="User", object_id=ayse.id) == {"user.role_add"}
    assert actions(action="user.") == {"user.login", "user.role_add"}
    assert actions(action="person.update") == {"person.update"}
    # Local dates: 22:00 UTC on 1 March is 2 March in Istanbul.
    assert actions(date_from="2026-03-02", date_to="2026-03-05") == {
        "person.update",
        "user.role_add",
    }
    assert actions(date_to="2026-03-01") == {"user.login"}
    page = client.get(
        "/admin/audit", query_string={"actor": "veli", "action": "user.", "date_from": "2026-03-01"}
    ).get_data(as_text=True)
    assert 'value="veli"' in page and 'value="2026-03-01"' in page
    assert '<option selected value="user.">' in page
    assert "Tüm user.* kayıtları" in page and "Rol eklendi (user.role_add)" in page


def test_bad_filters_give_clear_messages_and_keep_the_input(client, admin):
    response = client.get(
        "/admin/audit",
        query_string={"date_from": "2026-13-45", "date_to": "dün", "object_id": "abc"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("Geçerli bir tarih girin: gg.aa.yyyy, ör. 29.11.2026.") == 2
    assert 'value="2026-13-45"' in page and 'value="dün"' in page
    assert "Kaydın numarasını girin (yalnızca rakam)." in page
    page = client.get(
        "/admin/audit", query_string={"date_from": "2026-03-05", "date_to": "2026-03-01"}
    ).get_data(as_text=True)
    assert "Bitiş tarihi başlangıç tarihinden önce olamaz." in page


def test_pagination_is_in_sql_with_a_fixed_number_of_queries(client, admin, make_user):
    people = [make_user(email=f"p{i}@example.org") for i in range(3)]
    db.session.execute(db.delete(AuditEntry))
    db.session.commit()
    start = datetime(2026, 1, 1, 9)
    for i in range(3):
        add_entry("user.login", start + timedelta(minutes=i), people[i], "Person", people[i].id)

    def queries(**args):
        with counted_queries() as statements:
            assert client.get("/admin/audit", query_string=args).status_code == 200
        return len(statements)

    few = queries()
    db.session.add_all(
        AuditEntry(
            action="person.update",
            at=start + timedelta(hours=1, minutes=i),
            actor_user_id=people[i % 3].id,
            object_type="Person" if i % 2 else "User",
            object_id=people[i % 3].person.id,
            changes={"phone": [None, f"0555{i:07d}"]},
        )
        for i in range(120)
    )
    db.session.commit()
    assert queries() == few
    # At most as many: the accounts of the people on the page are looked up only when needed.
    assert queries(page=2, actor="p1", subject="p", action="person.") <= few
    page2 = client.get("/admin/audit", query_string={"page": 3}).get_data(as_text=True)
    assert page2.count('<code class="small">') == 23  # 123 entries, 50 a page
    assert "05550000119" not in page2 and "05550000000" in page2  # newest first
    assert 'href="/admin/audit?page=2"' in page2


def test_csv_export_of_the_filtered_entries_is_audited(client, admin, make_user):
    veli = make_user(first_name="Veli", last_name="Şahin", email="veli@example.org")
    db.session.execute(db.delete(AuditEntry))
    db.session.commit()
    add_entry("user.login", datetime(2026, 3, 1, 8), veli, "User", veli.id, ip="10.1.1.1")
    add_entry(
        "person.update",
        datetime(2026, 3, 1, 9),
        veli,
        "Person",
        veli.person.id,
        {"last_name": ["Şahin", "=Şahin"]},
    )
    add_entry("user.role_add", datetime(2026, 3, 5, 8), admin, "User", veli.id)
    page = client.get("/admin/audit", query_string={"actor": "veli"}).get_data(as_text=True)
    assert 'href="/admin/audit.csv?actor=veli"' in page
    response = client.get(
        "/admin/audit.csv", query_string={"actor": "veli", "subject": "12345678901"}
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = csv_rows(text)
    assert rows[0][:4] == ["Saat", "Ad soyad", "E-posta adresi", "İşlem"]
    assert [r[4] for r in rows[1:]] == []  # the subject filter matches nobody
    response = client.get("/admin/audit.csv", query_string={"actor": "veli"})
    rows = csv_rows(response.get_data(as_text=True))
    assert [r[4] for r in rows[1:]] == ["person.update", "user.login"]
    assert rows[1][1] == "Veli Şahin" and rows[1][7] == "Soyad: Şahin → =Şahin"
    assert rows[2][0] == "01.03.2026 11:00" and rows[2][3] == "Oturum açtı"
    exports = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "audit.export").order_by(AuditEntry.id)
    ).all()
    assert len(exports) == 2 and exports[0].actor_user_id == admin.id
    # Which filters were used, never what was typed (a name or an ID number searched for).
    assert exports[0].changes == {"filters": ["actor", "subject"], "rows": 0}
    assert exports[1].changes["rows"] == 2
    # Typed text that a spreadsheet would run as a formula is quoted.
    mallory = make_user(first_name="=HYPERLINK(1)", email="mallory@example.org")
    add_entry("user.login", datetime(2026, 3, 7, 8), mallory, "User", mallory.id)
    rows = csv_rows(client.get("/admin/audit.csv?actor=mallory").get_data(as_text=True))
    assert rows[1][1] == "'=HYPERLINK(1) Yılmaz"


def test_no_audit_entry_ever_holds_a_raw_id_number(client, make_user, make_session):
    """A realistic flow: registration, applying, changing the ID number, exports."""
    session = make_session()
    first_tckn, second_tckn = next_tckn(), next_tckn()
    client.post(
        "/register",
        data={
            "first_name": "Gül",
            "last_name": "Şen",
            "tckn": first_tckn,
            "municipality_id": str(municipality("Selçuklu").id),
            "position": "staff",
            "email": "gul@example.org",
            "password": "Guclu.Parola.42",
            "password_confirm": "Guclu.Parola.42",
            "privacy_acknowledged": "y",
        },
    )
    user = db.session.scalar(select(User).where(User.email == "gul@example.org"))
    assert user is not None, "registration failed"
    confirm_registration(client, "gul@example.org")
    login(client, "gul@example.org", "Guclu.Parola.42")
    client.post(f"/sessions/{session.id}/apply")
    response = client.post("/profile", data=profile_data(user, tckn=second_tckn))
    assert response.status_code == 302
    person = db.session.get(Person, user.person.id)
    db.session.refresh(person)
    assert person.reveal_tckn() == second_tckn
    client.post("/logout")
    admin = make_user(Role.ADMIN, email="admin@example.org", tckn=next_tckn())
    login(client, admin.email, PASSWORD)
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/admin/sessions/{session.id}/roster.{fmt}").status_code == 200
    assert client.get(f"/attendance/sessions/{session.id}/matrix.csv").status_code == 200
    page = client.get("/admin/audit").get_data(as_text=True)
    export = client.get("/admin/audit.csv", query_string={"subject": first_tckn}).get_data(
        as_text=True
    )

    entries = db.session.scalars(select(AuditEntry)).all()
    actions = {e.action for e in entries}
    assert {"user.register", "registration.request", "person.update", "roster.export"} <= actions
    assert {"attendance.export", "audit.export"} <= actions
    secrets = {first_tckn, second_tckn, admin.person.reveal_tckn()}
    for entry in entries:
        text = " ".join(
            str(v)
            for v in (
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.changes,
                entry.ip_address,
            )
        )
        for secret in secrets:
            assert secret not in text, f"raw ID number in {entry!r}"
    for secret in secrets:
        assert secret not in page and secret not in export
    update = next(e for e in entries if e.action == "person.update")
    assert update.changes["tckn"] == [
        f"{first_tckn[:3]}******{first_tckn[-2:]}",
        f"{second_tckn[:3]}******{second_tckn[-2:]}",
    ]


def test_an_action_on_the_logged_in_user_is_recorded_on_their_account(app, make_user):
    from flask_login import current_user, login_user

    from training_app.core import audit

    user = make_user(email="kendisi@example.org")
    with app.test_request_context():
        login_user(user)
        entry = audit.record("privacy_notice.acknowledge", current_user)
    assert (entry.object_type, entry.object_id) == ("User", user.id)


def test_recorded_codes_and_numbers_read_in_turkish(client, login_as):
    login_as(Role.ADMIN, email="ofis@example.org", municipality_name=None)
    add_entry(
        "attendance.score_corrected",
        datetime(2026, 3, 9, 8),
        changes={
            "exam_score": [55.0, 72.5],
            "document_kind": ["attendance", "achievement"],
            "result": "confirmed",
        },
    )
    page = client.get("/admin/audit?action=attendance.score_corrected").get_data(as_text=True)
    assert "Başarı Belgesi" in page and "72,5" in page and "achievement" not in page
    exported = client.get("/admin/audit.csv?action=attendance.score_corrected")
    [_header, row] = csv_rows(exported.get_data(as_text=True))
    assert row[7] == (
        "Sınav notu: 55 → 72,5; Hak edilen belge: Katılım Belgesi → Başarı Belgesi; "
        "Sonuç: Onaylandı"
    )
