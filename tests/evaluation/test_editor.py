"""The questionnaire editor: versions keep the meaning of past answers."""

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.evaluation.conftest import close
from training_app.accounts.models import Role
from training_app.core.errors import DomainError, InvalidTransition
from training_app.evaluation import editor, services
from training_app.evaluation.default_questionnaire import ensure_default_questionnaire
from training_app.evaluation.models import (
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    QuestionSubject,
)
from training_app.extensions import db


def test_the_default_questionnaire_is_seeded_once_in_turkish(app):
    assert ensure_default_questionnaire() is True
    assert ensure_default_questionnaire() is False
    default = editor.default_questionnaire()
    texts = [q.text for q in default.questions]
    assert "Eğitmen konuya hâkimdi." in texts
    assert any(q.subject == QuestionSubject.TRAINER for q in default.questions)
    assert any(q.subject == QuestionSubject.VENUE for q in default.questions)
    assert sum(q.kind == QuestionKind.LONG_TEXT for q in default.questions) == 2


def test_a_draft_is_edited_and_reordered(app, make_user):
    admin = make_user(Role.ADMIN)
    questionnaire = editor.create_questionnaire("Seminer anketi", admin)
    section = editor.add_section(questionnaire, "Genel", admin)
    first = editor.add_question(section, "Memnun kaldım.", QuestionKind.SCALE_1_5)
    second = editor.add_question(
        section, "Nereden duydunuz?", QuestionKind.SINGLE_CHOICE, options=["Yazı", "E-posta", ""]
    )
    assert [o.label for o in second.options] == ["Yazı", "E-posta"]
    with pytest.raises(DomainError, match="en az iki"):
        editor.add_question(section, "Tek?", QuestionKind.MULTIPLE_CHOICE, options=["A"])
    editor.move_question(second, -1)
    assert [q.text for q in section.questions] == [second.text, first.text]
    editor.publish_questionnaire(questionnaire, admin)
    assert questionnaire.status == QuestionnaireStatus.PUBLISHED


def test_an_asked_questionnaire_changes_only_by_a_new_version(held_session):
    session, admin, (present, *_rest) = held_session()
    close(session, admin)
    asked = services.evaluation_of(session).questionnaire
    section = asked.sections[0]
    with pytest.raises(InvalidTransition, match="yeni sürüm"):
        editor.add_question(section, "Yeni soru", QuestionKind.SCALE_1_5)
    with pytest.raises(InvalidTransition):
        editor.remove_question(section.questions[0])

    copy = editor.new_version(asked, admin)
    assert copy.version == 2 and copy.status == QuestionnaireStatus.DRAFT
    assert [q.text for q in copy.questions] == [q.text for q in asked.questions]
    editor.add_question(copy.sections[0], "Yeni soru", QuestionKind.SCALE_1_5)
    with pytest.raises(DomainError, match="taslak"):
        editor.new_version(asked, admin)
    editor.publish_questionnaire(copy, admin)
    db.session.commit()
    # The new version takes the old one's place as the default; the old one is archived and
    # keeps its questions for the answers given to it.
    assert editor.default_questionnaire() == copy
    db.session.refresh(asked)
    assert asked.status == QuestionnaireStatus.ARCHIVED
    assert len(asked.questions) == len(copy.questions) - 1
    assert len(db.session.scalars(select(Questionnaire)).all()) == 2


def test_a_refused_question_shows_its_errors_in_its_own_section_only(client, make_user):
    """With several sections, the typed values and the error stay with the section sent."""
    ensure_default_questionnaire()
    admin = make_user(Role.ADMIN, email="office@example.org")
    login(client, admin.email)
    draft = editor.new_version(editor.default_questionnaire(), admin)
    db.session.commit()
    sections = draft.sections
    assert len(sections) > 1
    response = client.post(
        f"/admin/evaluation/sections/{sections[1].id}/questions",
        data={
            "text": "",
            "kind": "single_choice",
            "subject": "course",
            "options": "Birinci\nİkinci",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count("Bu alan zorunludur.") == 1
    assert page.count("Birinci") == 1
