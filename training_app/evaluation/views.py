"""Evaluation pages: the office's questionnaire editor and a session's evaluation settings,
and the participants' form and knowledge tests."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..catalog.models import Course, Meeting, Session
from ..core.errors import DomainError
from ..core.permissions import admin_required, login_required
from ..core.timeutil import utcnow
from ..extensions import db
from . import editor, knowledge, services
from .forms import (
    ActionForm,
    CourseQuestionnaireForm,
    KnowledgeQuestionForm,
    KnowledgeTestForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
    SessionEvaluationForm,
)
from .models import (
    SCALE_LABELS,
    AttemptKind,
    CourseEvaluationSetting,
    EvaluationTrigger,
    KnowledgeQuestion,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireSection,
    QuestionSubject,
)

bp = Blueprint("evaluation", __name__)


# --- the questionnaire editor (office) -------------------------------------------------------


@bp.route("/admin/evaluation/questionnaires", methods=["GET", "POST"])
@admin_required
def list_questionnaires():
    """Every questionnaire and version; a new one is started here."""
    form = QuestionnaireForm()
    if form.validate_on_submit():
        questionnaire = editor.create_questionnaire(
            form.name.data, current_user, form.introduction.data
        )
        db.session.commit()
        return redirect(url_for("evaluation.edit_questionnaire", questionnaire_id=questionnaire.id))
    return render_template(
        "evaluation/questionnaires.html",
        questionnaires=editor.questionnaires(),
        form=form,
    )


def _editor(
    questionnaire,
    form=None,
    section_form=None,
    question_form=None,
    refused_section_id=None,
    status=200,
):
    """The editor page; a refused question form shows its errors in its own section only."""
    editable = True
    try:
        editor.ensure_editable(questionnaire)
    except DomainError:
        editable = False
    return render_template(
        "evaluation/questionnaire.html",
        questionnaire=questionnaire,
        editable=editable,
        form=form or QuestionnaireForm(obj=questionnaire),
        section_form=section_form or SectionForm(formdata=None),
        question_form=question_form or QuestionForm(formdata=None),
        blank_question_form=QuestionForm(formdata=None),
        refused_section_id=refused_section_id,
        action_form=ActionForm(),
        scale_labels=SCALE_LABELS,
    ), status


@bp.route("/admin/evaluation/questionnaires/<int:questionnaire_id>", methods=["GET", "POST"])
@admin_required
def edit_questionnaire(questionnaire_id):
    """One version: its name, sections and questions; what may change depends on its answers."""
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    form = QuestionnaireForm(obj=questionnaire)
    if form.validate_on_submit():
        editor.rename_questionnaire(
            questionnaire, form.name.data, form.introduction.data, current_user
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("evaluation.edit_questionnaire", questionnaire_id=questionnaire.id))
    return _editor(questionnaire, form=form, status=400 if form.errors else 200)


@bp.route("/admin/evaluation/questionnaires/<int:questionnaire_id>/sections", methods=["POST"])
@admin_required
def add_section(questionnaire_id):
    """Add a section at the end."""
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    form = SectionForm()
    if not form.validate_on_submit():
        return _editor(questionnaire, section_form=form, status=400)
    try:
        editor.add_section(questionnaire, form.title.data, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
    return redirect(url_for("evaluation.edit_questionnaire", questionnaire_id=questionnaire_id))


@bp.route("/admin/evaluation/sections/<int:section_id>/questions", methods=["POST"])
@admin_required
def add_question(section_id):
    """Add a question at the end of a section."""
    section = db.get_or_404(QuestionnaireSection, section_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _editor(
            section.questionnaire, question_form=form, refused_section_id=section.id, status=400
        )
    try:
        editor.add_question(
            section,
            form.text.data,
            QuestionKind(form.kind.data),
            QuestionSubject(form.subject.data),
            form.required.data,
            (form.options.data or "").splitlines(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
    return redirect(
        url_for("evaluation.edit_questionnaire", questionnaire_id=section.questionnaire_id)
    )


def _move_or_remove(item, questionnaire_id: int, move, remove):
    """The up / down / remove buttons of a section or a question of the editor."""
    if not ActionForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action not in ("up", "down", "remove"):
        abort(400)
    try:
        if action == "remove":
            remove(item)
        else:
            move(item, -1 if action == "up" else 1)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
    return redirect(url_for("evaluation.edit_questionnaire", questionnaire_id=questionnaire_id))


@bp.route("/admin/evaluation/sections/<int:section_id>/change", methods=["POST"])
@admin_required
def change_section(section_id):
    """Move a section up or down, or remove it."""
    section = db.get_or_404(QuestionnaireSection, section_id)
    return _move_or_remove(
        section, section.questionnaire_id, editor.move_section, editor.remove_section
    )


@bp.route("/admin/evaluation/questions/<int:question_id>/change", methods=["POST"])
@admin_required
def change_question(question_id):
    """Move a question up or down, or remove it."""
    question = db.get_or_404(Question, question_id)
    return _move_or_remove(
        question, question.section.questionnaire_id, editor.move_question, editor.remove_question
    )


@bp.route("/admin/evaluation/questionnaires/<int:questionnaire_id>/status", methods=["POST"])
@admin_required
def change_questionnaire(questionnaire_id):
    """Publish, make default, archive, or start a new version."""
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    target = questionnaire
    draft = editor.draft_version(questionnaire) if action == "new_version" else None
    if draft is not None:
        # A second draft is refused: pressing "New version" again leads to the one in progress.
        flash(
            _(
                "Version %(version)s of this questionnaire is already being prepared as a draft: "
                "here it is.",
                version=draft.version,
            ),
            "info",
        )
        return redirect(url_for("evaluation.edit_questionnaire", questionnaire_id=draft.id))
    try:
        if action == "publish":
            editor.publish_questionnaire(questionnaire, current_user)
        elif action == "default":
            editor.make_default(questionnaire, current_user)
        elif action == "archive":
            editor.archive_questionnaire(questionnaire, current_user)
        elif action == "new_version":
            target = editor.new_version(questionnaire, current_user)
        else:
            abort(400)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("evaluation.edit_questionnaire", questionnaire_id=target.id))


# --- a course's questionnaire and knowledge test (office) ------------------------------------


@bp.route("/admin/evaluation/courses/<int:course_id>", methods=["GET", "POST"])
@admin_required
def course_settings(course_id):
    """Which questionnaire the course asks; its knowledge test."""
    course = db.get_or_404(Course, course_id)
    form = CourseQuestionnaireForm(prefix="q")
    form.questionnaire.choices = [(0, _("The default questionnaire"))] + [
        (q.id, q.label) for q in editor.published_questionnaires()
    ]
    test = knowledge.test_of(course)
    test_form = KnowledgeTestForm(prefix="t", obj=test)
    question_form = KnowledgeQuestionForm(prefix="k")
    if request.method == "POST":
        try:
            if "q-questionnaire" in request.form and form.validate_on_submit():
                chosen = form.questionnaire.data
                editor.choose_questionnaire(
                    course, db.session.get(Questionnaire, chosen) if chosen else None, current_user
                )
            elif "t-submit" in request.form and test_form.validate_on_submit():
                knowledge.set_test(
                    course,
                    test_form.is_active.data,
                    test_form.exam_is_post_test.data,
                    current_user,
                )
            elif "k-text" in request.form and question_form.validate_on_submit():
                test = test or knowledge.set_test(course, True, False, current_user)
                knowledge.add_question(
                    test,
                    question_form.text.data,
                    [getattr(question_form, f"option_{n}").data for n in range(1, 5)],
                    int(question_form.correct_option.data),
                )
            else:
                abort(400)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
        return redirect(url_for("evaluation.course_settings", course_id=course.id))
    asked = editor.questionnaire_for(course)
    chosen = db.session.get(CourseEvaluationSetting, course.id)
    form.questionnaire.data = chosen.questionnaire_id if chosen and chosen.questionnaire_id else 0
    return render_template(
        "evaluation/course.html",
        course=course,
        form=form,
        asked=asked,
        test=test,
        test_form=test_form,
        question_form=question_form,
        action_form=ActionForm(),
    )


@bp.route("/admin/evaluation/test-questions/<int:test_question_id>/remove", methods=["POST"])
@admin_required
def remove_test_question(test_question_id):
    """Remove a question of a knowledge test."""
    question = db.get_or_404(KnowledgeQuestion, test_question_id)
    course_id = question.test.course_id
    if not ActionForm().validate_on_submit():
        abort(400)
    knowledge.remove_question(question)
    db.session.commit()
    return redirect(url_for("evaluation.course_settings", course_id=course_id))


# --- a session's evaluation (office) ---------------------------------------------------------


@bp.route("/admin/evaluation/sessions/<int:session_id>", methods=["GET", "POST"])
@admin_required
def session_evaluation(session_id):
    """When the session's participants are asked, for how long; response count; reminder."""
    session = db.get_or_404(Session, session_id)
    evaluation = services.evaluation_of(session)
    form = SessionEvaluationForm(obj=evaluation)
    if evaluation is None and not form.is_submitted():
        form.open_days.data = services.DEFAULT_OPEN_DAYS
    if form.validate_on_submit():
        try:
            services.change_settings(
                session, EvaluationTrigger(form.trigger.data), form.open_days.data, current_user
            )
        except DomainError as error:
            db.session.rollback()
            form.open_days.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("evaluation.session_evaluation", session_id=session.id))
    now = utcnow()
    return render_template(
        "evaluation/session.html",
        session=session,
        evaluation=evaluation,
        form=form,
        action_form=ActionForm(),
        responses=services.response_count(evaluation) if evaluation else 0,
        is_open=evaluation is not None and evaluation.is_open(now),
    ), 400 if form.errors else 200


@bp.route("/admin/evaluation/sessions/<int:session_id>/remind", methods=["POST"])
@admin_required
def send_reminder(session_id):
    """The office sends the one reminder now."""
    session = db.get_or_404(Session, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    evaluation = services.evaluation_of(session)
    try:
        if evaluation is None:
            raise DomainError(_("The evaluation is not open: there is nobody to remind."))
        count = services.remind(evaluation, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Reminder sent to %(n)s participants.", n=count), "success")
    return redirect(url_for("evaluation.session_evaluation", session_id=session.id))


# --- participants ----------------------------------------------------------------------------


@bp.route("/evaluation/<int:session_id>", methods=["GET", "POST"])
@login_required
def answer(session_id):
    """The evaluation form of a session, from the mailed link, the home page or My trainings."""
    session = db.get_or_404(Session, session_id)
    evaluation = services.evaluation_of(session)
    token = request.args.get("t")
    person = current_user.person
    try:
        services.check_can_answer(evaluation, person, token)
    except DomainError as error:
        return render_template(
            "evaluation/refused.html", session=session, message=error.message
        ), 403
    form = ActionForm()
    errors = {}
    values = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
        try:
            errors = services.submit_answers(evaluation, person, values, token)
        except DomainError as error:
            db.session.rollback()
            return render_template(
                "evaluation/refused.html", session=session, message=error.message
            ), 403
        if not errors:
            db.session.commit()
            return render_template("evaluation/thanks.html", session=session)
    return render_template(
        "evaluation/answer.html",
        session=session,
        evaluation=evaluation,
        layout=services.form_layout(evaluation),
        form=form,
        errors=errors,
        values=values,
        scale_labels=SCALE_LABELS,
        QuestionKind=QuestionKind,
    ), 400 if errors else 200


@bp.route("/evaluation/<int:session_id>/test/<attempt_kind>", methods=["GET", "POST"])
@login_required
def take_test(session_id, attempt_kind):
    """The pre-test or post-test of a session's knowledge test."""
    session = db.get_or_404(Session, session_id)
    try:
        kind = AttemptKind(attempt_kind)
    except ValueError:
        abort(404)
    try:
        test = knowledge.check_can_take(session, current_user.person, kind)
    except DomainError as error:
        return render_template(
            "evaluation/refused.html", session=session, message=error.message
        ), 403
    form = ActionForm()
    error_message = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choices = {}
        for question in test.questions:
            value = request.form.get(f"k{question.id}", "")
            if value in ("1", "2", "3", "4"):
                choices[question.id] = int(value)
        try:
            attempt = knowledge.take_test(session, current_user.person, kind, choices)
        except DomainError as error:
            db.session.rollback()
            error_message = error.message
        else:
            db.session.commit()
            return render_template(
                "evaluation/test_done.html", session=session, attempt=attempt, kind=kind
            )
    return render_template(
        "evaluation/test.html",
        session=session,
        test=test,
        kind=kind,
        form=form,
        error_message=error_message,
    ), 400 if error_message else 200


# --- boxes on other features' pages (Jinja globals, so that lower features need no import) ---


def open_evaluations():
    """The current user's evaluations waiting for an answer (home page, My trainings)."""
    if not current_user.is_authenticated or current_user.person is None:
        return []
    return services.open_evaluations_for(current_user.person)


def evaluation_offers(meeting: Meeting) -> list[tuple[str, str]]:
    """(label, url) of what the check-in page of a meeting offers: the pre-test on the first
    meeting; the post-test and the evaluation on the last one."""
    if not current_user.is_authenticated or current_user.person is None:
        return []
    session = meeting.session
    meetings = session.meetings
    offers = []
    person = current_user.person
    first = meetings and meeting.id == meetings[0].id
    if (
        first
        and knowledge.available_test(session, AttemptKind.PRE)
        and not knowledge.attempt_of(session, person, AttemptKind.PRE)
    ):
        offers.append(
            (
                _("Take the pre-test"),
                url_for("evaluation.take_test", session_id=session.id, attempt_kind="pre"),
            )
        )
    if meetings and meeting.id == meetings[-1].id:
        if knowledge.available_test(session, AttemptKind.POST) and not knowledge.attempt_of(
            session, person, AttemptKind.POST
        ):
            offers.append(
                (
                    _("Take the post-test"),
                    url_for("evaluation.take_test", session_id=session.id, attempt_kind="post"),
                )
            )
        evaluation = services.evaluation_of(session)
        if evaluation is not None and evaluation.is_open(utcnow()):
            if not services.already_answered(evaluation, person):
                offers.append(
                    (
                        _("Evaluate the training"),
                        url_for("evaluation.answer", session_id=session.id),
                    )
                )
        else:
            offers.append(
                (
                    _("At the end of the training you will be asked to evaluate it."),
                    "",
                )
            )
    return offers
