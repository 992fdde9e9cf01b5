"""Knowledge tests (ön test / son test) of a course and the attempts of a session."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Person, User
from ..catalog.models import Course, Session
from ..core import audit
from ..core.errors import DomainError
from ..enrollment.models import Registration, RegistrationStatus
from ..extensions import db
from .models import AttemptKind, KnowledgeQuestion, KnowledgeTest, TestAttempt

#: Registrations that may take a session's test.
TAKERS = (RegistrationStatus.CONFIRMED, RegistrationStatus.COMPLETED)


def test_of(course: Course) -> KnowledgeTest | None:
    return db.session.scalar(select(KnowledgeTest).where(KnowledgeTest.course_id == course.id))


def set_test(course: Course, active: bool, exam_is_post_test: bool, by: User) -> KnowledgeTest:
    if exam_is_post_test and not course.has_exam:
        raise DomainError(
            _("The course has no exam whose score could stand as the post-test."),
            field="exam_is_post_test",
        )
    test = test_of(course)
    if test is None:
        test = KnowledgeTest(course_id=course.id)
        db.session.add(test)
    test.is_active = active
    test.exam_is_post_test = exam_is_post_test
    audit.record(
        "knowledge_test.settings",
        course,
        {"active": active, "exam_is_post_test": exam_is_post_test},
        actor=by,
    )
    db.session.flush()
    return test


def add_question(test: KnowledgeTest, text: str, options: list[str], correct: int) -> None:
    text = (text or "").strip()
    options = [(o or "").strip() for o in options]
    if not text:
        raise DomainError(_("Enter the question."), field="text")
    if len(options) != 4 or not all(options):
        raise DomainError(_("Enter all four options."), field="option_1")
    if correct not in (1, 2, 3, 4):
        raise DomainError(_("Choose the right option."), field="correct_option")
    test.questions.append(
        KnowledgeQuestion(
            text=text,
            option_1=options[0],
            option_2=options[1],
            option_3=options[2],
            option_4=options[3],
            correct_option=correct,
            position=len(test.questions) + 1,
        )
    )
    db.session.flush()


def remove_question(question: KnowledgeQuestion) -> None:
    test = question.test
    test.questions.remove(question)
    for n, q in enumerate(test.questions, 1):
        q.position = n
    db.session.flush()


def available_test(session: Session, kind: AttemptKind) -> KnowledgeTest | None:
    """The course's test if it is asked in this form (the exam may stand as the post-test)."""
    test = test_of(session.course)
    if test is None or not test.is_active or not test.questions:
        return None
    if kind == AttemptKind.POST and test.exam_is_post_test:
        return None
    return test


def attempt_of(session: Session, person: Person, kind: AttemptKind) -> TestAttempt | None:
    return db.session.scalar(
        select(TestAttempt).where(
            TestAttempt.session_id == session.id,
            TestAttempt.person_id == person.id,
            TestAttempt.kind == kind,
        )
    )


def check_can_take(session: Session, person: Person | None, kind: AttemptKind) -> KnowledgeTest:
    test = available_test(session, kind)
    if test is None:
        raise DomainError(_("This training has no such test."))
    registered = person is not None and db.session.scalar(
        select(Registration.id).where(
            Registration.session_id == session.id,
            Registration.person_id == person.id,
            Registration.status.in_(TAKERS),
        )
    )
    if not registered:
        raise DomainError(_("Only participants of this training can take its test."))
    if attempt_of(session, person, kind) is not None:
        raise DomainError(_("You have already taken this test."))
    if kind == AttemptKind.PRE and attempt_of(session, person, AttemptKind.POST) is not None:
        raise DomainError(_("The pre-test cannot be taken after the post-test."))
    return test


def take_test(
    session: Session, person: Person, kind: AttemptKind, choices: dict[int, int]
) -> TestAttempt:
    """Score the chosen options (every question answered) and keep the attempt."""
    test = check_can_take(session, person, kind)
    missing = [q for q in test.questions if choices.get(q.id) not in (1, 2, 3, 4)]
    if missing:
        raise DomainError(_("Answer every question."))
    right = sum(1 for q in test.questions if choices[q.id] == q.correct_option)
    attempt = TestAttempt(
        test_id=test.id,
        session_id=session.id,
        person_id=person.id,
        kind=kind,
        score=round(right * 100 / len(test.questions), 2),
        choices={str(q.id): choices[q.id] for q in test.questions},
    )
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(_("You have already taken this test.")) from error
    return attempt
