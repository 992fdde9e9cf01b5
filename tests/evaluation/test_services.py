"""Asking, answering, reminding and anonymity of the participants' evaluation."""

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from tests.evaluation.conftest import close, mails_to
from training_app.core.timeutil import utcnow
from training_app.evaluation import services
from training_app.evaluation.models import (
    Answer,
    EvaluationReceipt,
    EvaluationTrigger,
    QuestionKind,
    QuestionSubject,
    Response,
)
from training_app.evaluation.services import AnswerRefused
from training_app.extensions import db


def full_answers(evaluation, scale="4"):
    """Every item answered: scales with `scale`, choices with their first option, texts."""
    values = {}
    for section in services.form_layout(evaluation):
        for item in section.items:
            question = item.question
            if question.kind == QuestionKind.SCALE_1_5:
                values[item.key] = [scale]
            elif question.kind.has_options:
                values[item.key] = [str(question.options[0].id)]
            else:
                values[item.key] = ["Daha çok örnek olay olsun."]
    return values


def test_closing_asks_those_who_attended_and_mails_them_a_link(held_session):
    session, admin, (present, late, absent) = held_session()
    close(session, admin)

    evaluation = services.evaluation_of(session)
    assert evaluation.is_asked and evaluation.invited_count == 2
    assert evaluation.closes_at - evaluation.opens_at == timedelta(days=14)
    for registration in (present, late):
        (mail,) = mails_to(registration.person.user.email)
        assert "değerlendirin" in mail.subject.lower()
        assert f"/evaluation/{session.id}?t=" in mail.body_text
        assert "anonim" in mail.body_text
    assert mails_to(absent.person.user.email) == []


def test_only_attendees_answer_once_and_before_the_deadline(held_session):
    session, admin, (present, late, absent) = held_session()
    close(session, admin)
    evaluation = services.evaluation_of(session)

    with pytest.raises(AnswerRefused, match="katılan"):
        services.submit_answers(evaluation, absent.person, full_answers(evaluation))
    assert services.submit_answers(evaluation, present.person, full_answers(evaluation)) == {}
    db.session.commit()
    with pytest.raises(AnswerRefused, match="zaten değerlendirdiniz"):
        services.submit_answers(evaluation, present.person, full_answers(evaluation))
    after = evaluation.closes_at + timedelta(seconds=1)
    with pytest.raises(AnswerRefused, match="kapandı"):
        services.submit_answers(evaluation, late.person, full_answers(evaluation), now=after)
    assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1


def test_a_link_sent_to_someone_else_is_refused(held_session):
    session, admin, (present, late, _absent) = held_session()
    close(session, admin)
    evaluation = services.evaluation_of(session)
    token = services.link_token(evaluation, present.person)
    with pytest.raises(AnswerRefused, match="başka bir katılımcıya"):
        services.submit_answers(evaluation, late.person, full_answers(evaluation), token=token)
    assert db.session.scalars(select(Response)).all() == []


def test_required_questions_and_bad_values_write_nothing(held_session):
    session, admin, (present, *_rest) = held_session()
    close(session, admin)
    evaluation = services.evaluation_of(session)
    values = full_answers(evaluation)
    first_key = next(iter(values))
    values[first_key] = ["7"]
    errors = services.submit_answers(evaluation, present.person, values)
    assert first_key in errors
    del values[first_key]
    assert first_key in services.submit_answers(evaluation, present.person, values)
    assert db.session.scalars(select(EvaluationReceipt)).all() == []


def test_answers_are_stored_without_the_person(held_session):
    session, admin, (present, *_rest) = held_session()
    close(session, admin)
    evaluation = services.evaluation_of(session)
    services.submit_answers(evaluation, present.person, full_answers(evaluation, scale="5"))
    db.session.commit()

    response_columns = {c["name"] for c in inspect(db.engine).get_columns("evaluation_responses")}
    answer_columns = {c["name"] for c in inspect(db.engine).get_columns("evaluation_answers")}
    receipt_columns = {c["name"] for c in inspect(db.engine).get_columns("evaluation_receipts")}
    person_like = {"person_id", "user_id", "registration_id", "email", "submitted_at"}
    assert not response_columns & person_like
    assert not (answer_columns - {"trainer_id"}) & person_like
    assert not {c for c in receipt_columns if "response" in c or "answer" in c}
    assert {"submitted_on", "municipality_id", "position"} <= response_columns

    (response,) = db.session.scalars(select(Response))
    assert response.municipality_id == present.person.municipality_id
    assert len(response.id) == 32  # random, not a sequence to line up with the receipts
    # Trainer questions were answered once per trainer, and carry the trainer.
    trainer_answers = db.session.scalars(
        select(Answer).join(Answer.question).where(Answer.trainer_id.is_not(None))
    ).all()
    assert {a.trainer_id for a in trainer_answers} == {t.id for t in session.trainers}
    assert all(a.question.subject == QuestionSubject.TRAINER for a in trainer_answers)


def test_the_reminder_goes_once_to_those_who_have_not_answered(held_session):
    session, admin, (present, late, absent) = held_session()
    close(session, admin)
    evaluation = services.evaluation_of(session)
    services.submit_answers(evaluation, present.person, full_answers(evaluation))
    db.session.commit()

    assert services.remind_due() == 0  # not due before half the open period
    later = evaluation.opens_at + timedelta(days=7, minutes=1)
    assert services.remind_due(now=later) == 1
    db.session.commit()
    assert [m.subject for m in mails_to(late.person.user.email)][-1].startswith("Hatırlatma")
    assert len(mails_to(present.person.user.email)) == 1  # the invitation only
    assert mails_to(absent.person.user.email) == []
    assert services.remind_due(now=later + timedelta(days=1)) == 0
    with pytest.raises(services.Conflict):
        services.remind(evaluation, now=later)
    assert len(mails_to(late.person.user.email)) == 2


def test_at_the_last_meetings_end_the_sweep_asks_without_closing(held_session):
    session, admin, (present, *_rest) = held_session()
    services.change_settings(session, EvaluationTrigger.LAST_MEETING_END, 5, admin)
    db.session.commit()
    assert services.ask_due_sessions() == 1
    db.session.commit()
    evaluation = services.evaluation_of(session)
    assert evaluation.closes_at - evaluation.opens_at == timedelta(days=5)
    assert len(mails_to(present.person.user.email)) == 1
    close(session, admin)  # closing later asks nothing twice
    assert len(mails_to(present.person.user.email)) == 1


def test_open_evaluations_list_what_is_left_to_answer(held_session):
    session, admin, (present, late, absent) = held_session()
    assert services.open_evaluations_for(present.person) == []
    close(session, admin)
    evaluation = services.evaluation_of(session)
    assert services.open_evaluations_for(present.person) == [evaluation]
    assert services.open_evaluations_for(absent.person) == []
    services.submit_answers(evaluation, present.person, full_answers(evaluation))
    db.session.commit()
    assert services.open_evaluations_for(present.person) == []
    assert services.open_evaluations_for(late.person, now=utcnow() + timedelta(days=15)) == []


def test_anonymisation_keeps_answers_and_removes_the_receipt(held_session):
    session, admin, (present, *_rest) = held_session()
    close(session, admin)
    evaluation = services.evaluation_of(session)
    services.submit_answers(evaluation, present.person, full_answers(evaluation))
    db.session.commit()
    assert services.evaluations_answered(present.person)[0]["course_title"] == (
        session.course.title
    )

    from training_app.privacy.services import carry_out_deletion, request_deletion

    request = request_deletion(present.person, None)
    db.session.commit()
    carry_out_deletion(request, admin)
    db.session.commit()
    assert db.session.scalars(select(EvaluationReceipt)).all() == []
    assert len(db.session.scalars(select(Response)).all()) == 1
    assert services.evaluations_answered(present.person) == []


def test_personal_data_copy_names_the_evaluation_not_the_answers(held_session):
    from training_app.privacy.data_copy import personal_data

    session, admin, (present, *_rest) = held_session()
    close(session, admin)
    evaluation = services.evaluation_of(session)
    services.submit_answers(evaluation, present.person, full_answers(evaluation))
    db.session.commit()
    data = personal_data(present.person)
    assert data["evaluations_answered"] == [
        {
            "course_title": session.course.title,
            "starts_on": session.starts_on.isoformat(),
            "ends_on": session.ends_on.isoformat(),
        }
    ]
    assert "Daha çok örnek olay olsun." not in str(data)


def test_the_cron_command_opens_due_evaluations_and_sends_due_reminders(held_session, runner):
    session, admin, (present, late, _absent) = held_session()
    services.change_settings(session, EvaluationTrigger.LAST_MEETING_END, 14, admin)
    db.session.commit()
    result = runner.invoke(args=["evaluation", "remind"])
    assert "Evaluations opened: 1; reminders sent: 0" in result.output
    evaluation = services.evaluation_of(session)
    evaluation.opens_at -= timedelta(days=8)
    evaluation.closes_at -= timedelta(days=8)
    db.session.commit()
    result = runner.invoke(args=["evaluation", "remind"])
    assert "Evaluations opened: 0; reminders sent: 2" in result.output
    assert len(mails_to(late.person.user.email)) == 2


def test_the_check_in_page_of_the_last_meeting_offers_the_evaluation(app, held_session):
    from flask_login import login_user

    from training_app.evaluation.views import evaluation_offers

    session, admin, (present, *_rest) = held_session()
    first, last = session.meetings
    with app.test_request_context():
        login_user(present.person.user)
        assert evaluation_offers(first) == []
        (waiting,) = evaluation_offers(last)
        assert waiting[1] == ""  # not asked yet: only a word that it will be
    close(session, admin)
    with app.test_request_context():
        login_user(present.person.user)
        (offer,) = evaluation_offers(last)
        assert offer == ("Eğitimi değerlendirin", f"/evaluation/{session.id}")
