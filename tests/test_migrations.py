"""The Alembic revisions build exactly the schema the models describe, and go down and up again."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from tests.conftest import USING_POSTGRES, build_app
from training_app.extensions import db


@pytest.fixture
def migration_database_url(tmp_path):
    """An empty database of the kind under test: a SQLite file or a fresh PostgreSQL schema."""
    if not USING_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    import os

    base_url = os.environ["TEST_DATABASE_URL"]
    schema = f"migration_check_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(base_url)
    with admin_engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    with admin_engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin_engine.dispose()


def _differences(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree_and_downgrade_works(migration_database_url):
    app = build_app({"SQLALCHEMY_DATABASE_URI": migration_database_url})
    with app.app_context():
        upgrade()
        assert _differences(app) == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "people", "municipalities", "units", "audit_entries"} <= tables

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()
        assert _differences(app) == []
        db.session.remove()
        db.engine.dispose()
