"""The evaluation pages: the participant's form from the mailed link, its refusals, the boxes
that offer it, the office's editor and session page."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import login
from tests.evaluation.conftest import close, mails_to
from tests.evaluation.test_services import full_answers
from training_app.core.timeutil import utcnow
from training_app.evaluation import services
from training_app.evaluation.models import (
    EvaluationReceipt,
    Questionnaire,
    QuestionnaireStatus,
    Response,
)
from training_app.extensions import db


def _link(registration) -> str:
    (mail,) = mails_to(registration.person.user.email)
    url = re.search(r"https?://\S+/evaluation/\S+", mail.body_text).group(0)
    return url[url.index("/evaluation/") :]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_participant_answers_from_the_mailed_link(client, held_session):
    session, admin, (present, *_rest) = held_session()
    close(session, admin)
    link = _link(present)
    login(client, present.person.user.email)

    page = client.get(link).get_data(as_text=True)
    assert "Yanıtlarınız anonimdir" in page
    assert "Kesinlikle katılmıyorum" in page and "Kesinlikle katılıyorum" in page
    assert "İsmail Güneş" in page  # the trainer question names the trainer

    evaluation = services.evaluation_of(session)
    response = client.post(link, data=full_answers(evaluation))
    assert response.status_code == 200
    assert "Değerlendirmeniz için teşekkür ederiz" in response.get_data(as_text=True)
    assert _count(Response) == 1 and _count(EvaluationReceipt) == 1

    again = client.get(link)
    assert again.status_code == 403
    assert "zaten değerlendirdiniz" in again.get_data(as_text=True)


def test_a_missing_required_answer_comes_back_and_writes_nothing(client, held_session):
    session, admin, (present, *_rest) = held_session()
    close(session, admin)
    login(client, present.person.user.email)
    evaluation = services.evaluation_of(session)
    values = full_answers(evaluation)
    key = next(iter(values))
    del values[key]
    response = client.post(f"/evaluation/{session.id}", data=values)
    assert response.status_code == 400
    assert "Bu soru yanıtlanmalıdır." in response.get_data(as_text=True)
    assert _count(Response) == 0 and _count(EvaluationReceipt) == 0


def test_someone_elses_link_an_absentee_and_a_closed_evaluation_are_refused(client, held_session):
    session, admin, (present, late, absent) = held_session()
    close(session, admin)
    link = _link(present)
    evaluation = services.evaluation_of(session)

    login(client, late.person.user.email)
    response = client.post(link, data=full_answers(evaluation))
    assert response.status_code == 403
    assert "başka bir katılımcıya gönderildi" in response.get_data(as_text=True)

    client.post("/logout")
    login(client, absent.person.user.email)
    response = client.get(f"/evaluation/{session.id}")
    assert response.status_code == 403
    assert "yalnızca eğitime katılan" in response.get_data(as_text=True)

    evaluation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.post("/logout")
    login(client, present.person.user.email)
    response = client.post(link, data=full_answers(evaluation))
    assert response.status_code == 403
    assert "değerlendirmesi kapandı" in response.get_data(as_text=True)
    assert _count(Response) == 0 and _count(EvaluationReceipt) == 0


def test_home_and_my_trainings_offer_the_open_evaluation(client, held_session):
    session, admin, (present, _late, absent) = held_session()
    close(session, admin)
    login(client, present.person.user.email)
    for url in ("/", "/my/trainings"):
        page = client.get(url).get_data(as_text=True)
        assert "Eğitimlerinizi değerlendirin" in page
        assert f"/evaluation/{session.id}" in page
    client.post("/logout")
    login(client, absent.person.user.email)
    assert "Eğitimlerinizi değerlendirin" not in client.get("/").get_data(as_text=True)


def test_the_office_sets_the_session_and_sends_the_reminder_once(client, held_session):
    session, admin, (present, late, _absent) = held_session()
    login(client, admin.email)
    response = client.post(
        f"/admin/evaluation/sessions/{session.id}",
        data={"trigger": "last_meeting_end", "open_days": "7"},
    )
    assert response.status_code == 302
    assert services.evaluation_of(session).open_days == 7
    close(session, admin)

    page = client.get(f"/admin/evaluation/sessions/{session.id}").get_data(as_text=True)
    assert "0 / 2" in page
    client.post(f"/admin/evaluation/sessions/{session.id}/remind")
    assert len(mails_to(late.person.user.email)) == 2
    response = client.post(f"/admin/evaluation/sessions/{session.id}/remind", follow_redirects=True)
    assert "Hatırlatma zaten gönderildi." in response.get_data(as_text=True)
    assert len(mails_to(late.person.user.email)) == 2


def test_the_editor_builds_a_questionnaire_and_versions_an_asked_one(client, held_session):
    session, admin, _regs = held_session()
    login(client, admin.email)
    response = client.post("/admin/evaluation/questionnaires", data={"name": "Seminer anketi"})
    questionnaire = db.session.scalar(
        select(Questionnaire).where(Questionnaire.name == "Seminer anketi")
    )
    assert response.headers["Location"].endswith(f"/questionnaires/{questionnaire.id}")
    client.post(
        f"/admin/evaluation/questionnaires/{questionnaire.id}/sections", data={"title": "Genel"}
    )
    section = questionnaire.sections[0]
    client.post(
        f"/admin/evaluation/sections/{section.id}/questions",
        data={
            "text": "Hangi oturumu en yararlı buldunuz?",
            "kind": "single_choice",
            "subject": "course",
            "required": "y",
            "options": "Birinci\nİkinci\n",
        },
    )
    db.session.refresh(section)
    assert [o.label for o in section.questions[0].options] == ["Birinci", "İkinci"]
    client.post(
        f"/admin/evaluation/questionnaires/{questionnaire.id}/status", data={"action": "publish"}
    )
    db.session.refresh(questionnaire)
    assert questionnaire.status == QuestionnaireStatus.PUBLISHED

    # The course chooses it; closing the session asks it; then it can only be versioned.
    client.post(
        f"/admin/evaluation/courses/{session.course_id}",
        data={"q-questionnaire": str(questionnaire.id)},
    )
    close(session, admin)
    assert services.evaluation_of(session).questionnaire_id == questionnaire.id
    page = client.get(f"/admin/evaluation/questionnaires/{questionnaire.id}")
    assert "Değiştirmek için yeni bir sürüm oluşturun" in page.get_data(as_text=True)
    response = client.post(
        f"/admin/evaluation/sections/{section.id}/questions",
        data={"text": "Ek soru", "kind": "scale_1_5", "subject": "course"},
        follow_redirects=True,
    )
    assert "yeni sürüm oluşturun" in response.get_data(as_text=True)
    assert len(section.questions) == 1
    response = client.post(
        f"/admin/evaluation/questionnaires/{questionnaire.id}/status",
        data={"action": "new_version"},
    )
    copy = db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.lineage == questionnaire.lineage, Questionnaire.version == 2
        )
    )
    assert response.headers["Location"].endswith(f"/questionnaires/{copy.id}")
    assert "sürüm 2" in client.get(response.headers["Location"]).get_data(as_text=True)

    # Pressing "Yeni sürüm" on the published one again leads to that draft, with a word why.
    again = client.post(
        f"/admin/evaluation/questionnaires/{questionnaire.id}/status",
        data={"action": "new_version"},
        follow_redirects=True,
    )
    assert again.status_code == 200
    assert again.request.path == f"/admin/evaluation/questionnaires/{copy.id}"
    assert "2. sürümü taslak olarak hazırlanıyor zaten" in again.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count(Questionnaire.id)).where(
                Questionnaire.lineage == questionnaire.lineage
            )
        )
        == 2
    )


def test_knowledge_test_before_and_after(client, held_session):
    session, admin, (present, *_rest) = held_session()
    login(client, admin.email)
    course_url = f"/admin/evaluation/courses/{session.course_id}"
    client.post(course_url, data={"t-is_active": "y", "t-submit": "1"})
    for text, right in (("KVKK kaç yılında çıktı?", "2"), ("Veri sorumlusu kimdir?", "1")):
        client.post(
            course_url,
            data={
                "k-text": text,
                "k-option_1": "A",
                "k-option_2": "B",
                "k-option_3": "C",
                "k-option_4": "D",
                "k-correct_option": right,
            },
        )
    client.post("/logout")
    login(client, present.person.user.email)
    page = client.get(f"/evaluation/{session.id}/test/pre").get_data(as_text=True)
    ids = re.findall(r'name="(k\d+)"', page)
    assert len(set(ids)) == 2
    first, second = dict.fromkeys(ids)
    done = client.post(f"/evaluation/{session.id}/test/pre", data={first: "2", second: "3"})
    assert "100 üzerinden 50" in done.get_data(as_text=True)
    again = client.get(f"/evaluation/{session.id}/test/pre")
    assert again.status_code == 403 and "zaten girdiniz" in again.get_data(as_text=True)
    done = client.post(f"/evaluation/{session.id}/test/post", data={first: "2", second: "1"})
    assert "100 üzerinden 100" in done.get_data(as_text=True)
