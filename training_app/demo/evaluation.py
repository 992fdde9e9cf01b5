"""Demo evaluations: the demo's closed sessions asked and answered by most of those who
attended (answers leaning to "agree", as real ones do, a few Turkish comments and wished-for
topics), and a pre-test and post-test for two of them, so that a first look shows results.

Deterministic and idempotent: a session whose evaluation has answers is left alone. Mails are
not queued: the demo's evaluations were answered long ago. The demo participant leaves the last
closed session they attended unanswered, so that their home page shows an evaluation waiting.
"""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from ..accounts.models import Person, User
from ..catalog.models import Session, SessionStatus
from ..core.timeutil import local_today, utcnow
from ..evaluation.default_questionnaire import ensure_default_questionnaire
from ..evaluation.editor import questionnaire_for
from ..evaluation.models import (
    Answer,
    AttemptKind,
    Evaluation,
    EvaluationReceipt,
    KnowledgeQuestion,
    KnowledgeTest,
    QuestionKind,
    Response,
    TestAttempt,
)
from ..evaluation.report_section import TOPICS_QUESTION_TEXTS
from ..evaluation.services import attendee_person_ids, form_layout
from ..extensions import db
from .people import DEMO_LOGINS

COMMENTS = (
    "Uygulamalı örnekler çok faydalıydı, daha fazla vaka çalışması olabilir.",
    "Eğitim süresi biraz kısaydı; iki güne yayılabilir.",
    "Sunumlar paylaşılırsa birimde tekrar gözden geçirmek isteriz.",
    "Salon kalabalıktı, havalandırma yetersizdi.",
    "Eğitmen sorularımıza sabırla cevap verdi, teşekkürler.",
    "Mevzuattaki son değişikliklere daha çok yer verilebilir.",
    "Öğle arasından sonraki oturum çok yoğundu.",
    "Belediyeler arası deneyim paylaşımı için daha çok zaman ayrılmalı.",
)
TOPICS = (
    "İmar mevzuatı",
    "KVKK uygulamaları",
    "Kamu ihale mevzuatı",
    "Afet ve acil durum yönetimi",
    "Etkili iletişim",
    "Stratejik planlama",
    "E-belediye uygulamaları",
    "İş sağlığı ve güvenliği",
    "imar mevzuati",
    "Kvkk uygulamalari",
)
#: How often each answer of the 1-5 scale is given in a good session and in a weaker one.
GOOD = (1, 2, 8, 38, 51)
FAIR = (3, 8, 20, 44, 25)


def _scale(rng: random.Random, weights) -> int:
    return rng.choices(range(1, 6), weights=weights)[0]


def _answers(evaluation: Evaluation, rng: random.Random, weights) -> list[Answer]:
    answers = []
    for section in form_layout(evaluation):
        for item in section.items:
            question, trainer_id = item.question, item.trainer.id if item.trainer else None
            if question.kind == QuestionKind.SCALE_1_5:
                value = _scale(rng, weights)
                answers.append(Answer(question=question, trainer_id=trainer_id, scale_value=value))
            elif question.kind.has_options and question.options:
                # "Evet" most often: the first option of the shipped recommendation question.
                weights_ = [6] + [1] * (len(question.options) - 1)
                option = rng.choices(question.options, weights=weights_)[0]
                answers.append(Answer(question=question, trainer_id=trainer_id, option=option))
            elif question.text in TOPICS_QUESTION_TEXTS:
                if rng.random() < 0.6:
                    text = ", ".join(rng.sample(TOPICS, rng.randint(1, 2)))
                    answers.append(Answer(question=question, text=text))
            elif question.kind.is_text and rng.random() < 0.3:
                answers.append(Answer(question=question, text=rng.choice(COMMENTS)))
    return answers


def _knowledge_test(session: Session) -> KnowledgeTest:
    test = db.session.scalar(
        select(KnowledgeTest).where(KnowledgeTest.course_id == session.course_id)
    )
    if test is None:
        test = KnowledgeTest(course_id=session.course_id)
        test.questions = [
            KnowledgeQuestion(
                text=f"{session.course.title}: {n}. soru",
                option_1="Birinci seçenek",
                option_2="İkinci seçenek",
                option_3="Üçüncü seçenek",
                option_4="Dördüncü seçenek",
                correct_option=(n % 4) + 1,
                position=n,
            )
            for n in range(1, 5)
        ]
        db.session.add(test)
        db.session.flush()
    return test


def _tests(session: Session, people: list[int], rng: random.Random) -> int:
    test = _knowledge_test(session)
    added = 0
    for person_id in people:
        before = rng.choice((25, 50, 50, 75))
        after = min(100, before + rng.choice((0, 25, 25, 50)))
        for kind, score in ((AttemptKind.PRE, before), (AttemptKind.POST, after)):
            db.session.add(
                TestAttempt(
                    test_id=test.id,
                    session_id=session.id,
                    person_id=person_id,
                    kind=kind,
                    score=score,
                )
            )
            added += 1
    return added


def _left_for_the_demo_participant(sessions: list[Session]) -> tuple[int | None, int | None]:
    """(session id, person id): the last closed session the demo participant attended, whose
    evaluation they have not answered, so that their home page has one waiting."""
    email = dict((role, email) for role, email in DEMO_LOGINS)["participant"]
    person_id = db.session.scalar(
        select(Person.id).join(User, Person.user_id == User.id).where(User.email == email)
    )
    if person_id is None:
        return None, None
    for session in reversed(sessions):
        if person_id in attendee_person_ids(session):
            return session.id, person_id
    return None, None


def load_demo_evaluations() -> dict:
    """Answer the evaluations of the demo's closed sessions (idempotent)."""
    ensure_default_questionnaire()
    rng = random.Random(2026)
    today = local_today()
    sessions = list(
        db.session.scalars(
            select(Session)
            .where(Session.status == SessionStatus.COMPLETED)
            .order_by(Session.starts_on, Session.id)
        )
    )
    responses = attempts = 0
    waiting_session_id, demo_person_id = _left_for_the_demo_participant(sessions)
    for index, session in enumerate(sessions):
        evaluation = db.session.scalar(
            select(Evaluation).where(Evaluation.session_id == session.id)
        )
        if evaluation is not None and db.session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.evaluation_id == evaluation.id)
        ):
            continue
        people = sorted(attendee_person_ids(session))
        questionnaire = questionnaire_for(session.course)
        if not people or questionnaire is None:
            continue
        if evaluation is None:
            evaluation = Evaluation(session_id=session.id)
            db.session.add(evaluation)
        if not evaluation.is_asked:
            opens = datetime.combine(session.ends_on + timedelta(days=1), time(7))
            evaluation.questionnaire_id = questionnaire.id
            evaluation.opens_at = opens
            evaluation.closes_at = opens + timedelta(days=evaluation.open_days or 14)
            evaluation.invited_count = len(people)
        if session.id == waiting_session_id and evaluation.closes_at <= utcnow():
            # Still open when the demo is looked at, however long ago the session ended.
            evaluation.closes_at = utcnow() + timedelta(days=evaluation.open_days or 14)
        db.session.flush()
        weights = FAIR if index % 3 == 2 else GOOD
        answering = [p for p in people if rng.random() < 0.8]
        if session.id == waiting_session_id:
            answering = [p for p in answering if p != demo_person_id]
        positions = {
            p.id: (p.municipality_id, p.position)
            for p in db.session.scalars(select(Person).where(Person.id.in_(answering)))
        }
        for person_id in answering:
            municipality_id, position = positions[person_id]
            day = min(today, session.ends_on + timedelta(days=rng.randint(1, 10)))
            db.session.add(
                Response(
                    evaluation_id=evaluation.id,
                    questionnaire_id=evaluation.questionnaire_id,
                    submitted_on=day,
                    municipality_id=municipality_id,
                    position=position,
                    answers=_answers(evaluation, rng, weights),
                )
            )
        # Receipts apart, in another order than the responses.
        for person_id in sorted(answering, key=lambda _p: rng.random()):
            db.session.add(EvaluationReceipt(evaluation_id=evaluation.id, person_id=person_id))
        responses += len(answering)
        if index < 2:
            attempts += _tests(session, people, rng)
        db.session.flush()
    db.session.commit()
    return {"evaluation_responses_added": responses, "test_attempts_added": attempts}
