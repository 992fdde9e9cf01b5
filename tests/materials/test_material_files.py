"""Material files on disk follow the database: removed after a committed deletion (of the
material or of its session), kept when the deletion rolls back, and a file that cannot be
removed is logged without failing the page."""

import logging

from tests.conftest import login
from tests.materials.conftest import PDF_BYTES
from training_app.accounts.models import Role
from training_app.extensions import db
from training_app.materials import services
from training_app.materials.models import Material


def _session_with_files(make_session, make_trainer, count=2):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    materials = [
        services.add_file(session, PDF_BYTES, f"Sunum {n}.pdf", None, by=trainer.user)
        for n in range(count)
    ]
    services.add_link(session, "https://example.org/mevzuat", "Mevzuat", by=trainer.user)
    db.session.commit()
    return session, trainer, [services.file_path(m) for m in materials]


def test_a_deleted_material_leaves_the_disk_only_when_committed(make_session, make_trainer):
    session, trainer, (path, other) = _session_with_files(make_session, make_trainer)
    material = db.session.scalars(db.select(Material).filter_by(filename="Sunum 0.pdf")).one()
    services.delete(material, by=trainer.user)
    assert path.exists(), "removed before the commit"
    db.session.rollback()
    assert path.exists() and db.session.get(Material, material.id) is not None
    services.delete(db.session.get(Material, material.id), by=trainer.user)
    db.session.commit()
    assert not path.exists() and other.exists()


def test_deleting_a_session_removes_its_material_files(make_session, make_trainer):
    session, _trainer, paths = _session_with_files(make_session, make_trainer)
    kept, _t, kept_paths = _session_with_files(make_session, make_trainer, count=1)
    assert all(p.exists() for p in paths + kept_paths)
    db.session.delete(session)
    db.session.commit()
    assert not any(p.exists() for p in paths)
    assert all(p.exists() for p in kept_paths)


def test_an_upload_rolled_back_leaves_no_file(app, make_session, make_trainer):
    trainer = make_trainer()
    session = make_session(trainers=[trainer])
    db.session.commit()
    material = services.add_file(session, PDF_BYTES, "Taslak.pdf", None, by=trainer.user)
    path = services.file_path(material)
    assert path.exists()
    db.session.rollback()
    assert not path.exists()


def test_a_file_that_cannot_be_removed_is_logged_not_a_500(
    client, make_user, make_session, make_trainer, caplog
):
    session, _trainer, (path, _other) = _session_with_files(make_session, make_trainer)
    material = db.session.scalars(db.select(Material).filter_by(filename="Sunum 0.pdf")).one()
    # A directory in the file's place: unlinking it fails.
    path.unlink()
    path.mkdir()
    office = make_user(Role.ADMIN, email="ofis@example.org")
    login(client, office.email)
    with caplog.at_level(logging.WARNING, logger="training_app.materials.storage"):
        response = client.post(f"/materials/{material.id}/delete", follow_redirects=True)
    assert response.status_code == 200
    assert "Materyal kaldırıldı" in response.get_data(as_text=True)
    assert db.session.get(Material, material.id) is None
    assert f"Material file {path.name} not removed" in caplog.text
