"""Browser tests: Playwright drives Debian's Chromium against a live server in a thread.

The live app keeps CSRF protection and rate limits on, so the real forms are exercised.
SQLite: its own database file in a pytest temporary folder. PostgreSQL (TEST_DATABASE_URL): the
same database as the other tests, so every browser test empties the tables afterwards, as the
`app` fixture of tests/conftest.py does, and the tables are dropped at the end of the run.
"""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests import conftest as root_conftest
from training_app.accounts.models import (
    Person,
    Position,
    PrivacyAcknowledgement,
    Role,
    RoleAssignment,
    User,
)
from training_app.accounts.privacy_text import ensure_privacy_notice
from training_app.accounts.services import current_privacy_notice
from training_app.core.tckn import complete_tckn
from training_app.extensions import db
from training_app.municipalities.services import seed_member_municipalities

CHROMIUM = Path("/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests (only these) where Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped")
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Never a downloaded browser: `playwright install` cannot reach its download host.
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "tr-TR"}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app behind the live server, with its tables created."""
    overrides = {
        "WTF_CSRF_ENABLED": True,
        # Limits stay on; high enough that a few journeys in a row never reach them.
        "REGISTER_RATE_LIMIT": "200 per hour",
        # Uploaded materials go to a temporary folder, never to the instance folder.
        "MATERIALS_DIR": str(tmp_path_factory.mktemp("materials")),
        "PRINT_JOB_DIR": str(tmp_path_factory.mktemp("print_jobs")),
    }
    if not root_conftest.USING_POSTGRES:
        database = tmp_path_factory.mktemp("e2e") / "live.sqlite3"
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    app = root_conftest.build_app(overrides)
    with app.app_context():
        if root_conftest.USING_POSTGRES and not root_conftest._schema_ready:
            # Start from a clean schema, as the first `app` fixture of a run does.
            db.session.remove()
            db.drop_all()
        db.create_all()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        if root_conftest.USING_POSTGRES and not root_conftest._schema_ready:
            # No other test took over the schema, so tests/conftest.py will not drop it.
            db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_app):
    """URL of the live server; pytest-playwright passes it on to every browser context."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(autouse=True)
def live_data(live_app):
    """Member municipalities and the privacy notice before each test; empty tables after it."""
    with live_app.app_context():
        seed_member_municipalities()
        ensure_privacy_notice()
        db.session.commit()
        db.session.remove()
    yield
    with live_app.app_context():
        root_conftest._empty_all_tables()
        db.session.remove()


@pytest.fixture
def participant(live_app, live_data):
    """A registered participant of Selçuklu in the live database: (e-mail, password, full name)."""
    email, first_name, last_name = "gul.sahin@selcuklu.bel.tr", "Gül", "Şahin"
    with live_app.app_context():
        user = User(email=email)
        user.set_password(root_conftest.PASSWORD)
        user.roles.append(RoleAssignment(role=Role.PARTICIPANT))
        person = Person(
            user=user,
            first_name=first_name,
            last_name=last_name,
            municipality=root_conftest.municipality("Selçuklu"),
            position=Position.STAFF,
        )
        person.set_tckn(complete_tckn("271828182"))
        db.session.add_all([user, person])
        db.session.flush()
        db.session.add(
            PrivacyAcknowledgement(user_id=user.id, notice_id=current_privacy_notice().id)
        )
        db.session.commit()
        db.session.remove()
    return email, root_conftest.PASSWORD, f"{first_name} {last_name}"
