from sqlalchemy import func, select

from training_app.accounts.models import Person, Role, User
from training_app.core.tckn import is_valid_tckn
from training_app.extensions import db
from training_app.municipalities.data import KONYA_DISTRICTS
from training_app.municipalities.models import Municipality, MunicipalityKind
from training_app.municipalities.services import member_municipalities


def test_seed_has_konya_and_its_31_districts_spelled_right(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    names = {m.name for m in db.session.scalars(select(Municipality))}
    assert len(KONYA_DISTRICTS) == 31 and len(set(KONYA_DISTRICTS)) == 31
    assert names == set(KONYA_DISTRICTS) | {"Konya Büyükşehir"}
    assert {"Hadım", "Höyük", "Yalıhöyük"}.isdisjoint(names)
    metropolitan = db.session.scalar(
        select(Municipality).where(Municipality.name == "Konya Büyükşehir")
    )
    assert metropolitan.kind == MunicipalityKind.METROPOLITAN
    assert any("Dairesi Başkanlığı" in u.name for u in metropolitan.units)


def test_municipalities_sort_in_turkish_order_in_the_database(app):
    names = [m.name for m in member_municipalities()]
    assert (
        names.index("Cihanbeyli")
        < names.index("Çeltik")
        < names.index("Çumra")
        < names.index("Derbent")
    )
    assert names.index("Hüyük") < names.index("Ilgın") < names.index("Kadınhanı")
    assert (
        names.index("Sarayönü")
        < names.index("Selçuklu")
        < names.index("Seydişehir")
        < names.index("Taşkent")
    )


def test_demo_is_idempotent_and_realistic(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count(User.id)))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert db.session.scalar(select(func.count(User.id))) == count
    assert (
        "admin@kbb-demo.example.org" in second.output
        and "katilimci@kbb-demo.example.org" in second.output
    )
    people = db.session.scalars(select(Person).where(Person.tckn_encrypted.is_not(None))).all()
    assert len(people) > 100
    assert all(is_valid_tckn(p.reveal_tckn()) for p in people)
    roles = {a.role for u in db.session.scalars(select(User)) for a in u.roles}
    assert roles == set(Role)
    assert any(ch in "çğıöşüÇĞİÖŞÜ" for p in people for ch in p.last_name)


def test_create_admin(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "root@example.org",
            "--first-name",
            "Deniz",
            "--last-name",
            "Ak",
            "--password",
            "Yonetici.2026",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "root@example.org"))
    assert user.has_role(Role.ADMIN)
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "root@example.org",
            "--first-name",
            "D",
            "--last-name",
            "A",
            "--password",
            "Yonetici.2026",
        ]
    )
    assert result.exit_code != 0 and "zaten var" in result.output


def test_demo_logins_work_through_the_login_form(runner, client):
    from training_app.demo.people import DEMO_LOGINS, DEMO_PASSWORD

    runner.invoke(args=["demo"])
    for _role, email in DEMO_LOGINS:
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")


def test_demo_shows_every_flow_with_real_data(runner):
    from training_app.attendance.models import Completion
    from training_app.enrollment.models import Registration
    from training_app.enrollment.models import RegistrationStatus as S

    runner.invoke(args=["demo"])
    statuses = set(db.session.scalars(select(Registration.status)))
    assert {S.PENDING_APPROVAL, S.CONFIRMED, S.WAITLISTED, S.COMPLETED} <= statuses
    ilgin = db.session.scalar(
        select(User).where(User.email == "koordinator.ilgin@kbb-demo.example.org")
    )
    selcuklu = db.session.scalar(
        select(User).where(User.email == "koordinator.selcuklu@kbb-demo.example.org")
    )
    pending_municipalities = set(
        db.session.scalars(
            select(Registration.municipality_id).where(Registration.status == S.PENDING_APPROVAL)
        )
    )
    assert pending_municipalities & (
        ilgin.coordinated_municipality_ids | selcuklu.coordinated_municipality_ids
    )
    assert db.session.scalar(select(func.count(Completion.id))) > 0
    count = db.session.scalar(select(func.count(Registration.id)))
    runner.invoke(args=["demo"])
    assert db.session.scalar(select(func.count(Registration.id))) == count


def test_sqlite_backup_while_running_and_restore(tmp_path):
    import sqlite3

    from tests.conftest import build_app

    database = tmp_path / "live.sqlite3"
    app = build_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        db.create_all()
        from training_app.municipalities.services import seed_member_municipalities

        seed_member_municipalities()
        db.session.commit()
        # A second connection holds an open read transaction, as a running app would.
        reader = sqlite3.connect(database)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM municipalities").fetchone()
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
        reader.close()
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 32
    copy.close()
