"""Walk every URL rule of the app for every role and check the expected status code.

A new route without a row in EXPECTED fails this test: decide who may open it, then add the row.
Codes: 200 shown, 302 redirected (guests to the login page), 400 refused form, 403 forbidden,
404 hidden.
"""

import pytest
from flask import url_for

from tests.conftest import login
from training_app.accounts.models import Role

ROLES = ("guest", "participant", "coordinator", "trainer", "admin")


def row(guest, participant, coordinator, trainer, admin):
    return dict(zip(ROLES, (guest, participant, coordinator, trainer, admin), strict=True))


ALL_200 = row(200, 200, 200, 200, 200)
LOGGED_IN = row(302, 200, 200, 200, 200)
GUEST_ONLY = row(200, 302, 302, 302, 302)
ADMIN_ONLY = row(302, 403, 403, 403, 200)
ADMIN_ONLY_POST = row(302, 403, 403, 403, 302)
COORDINATOR_OR_ADMIN = row(302, 403, 200, 403, 200)
TRAINER_OR_ADMIN = row(302, 403, 403, 200, 200)
TRAINER_OR_ADMIN_POST = row(302, 403, 403, 302, 302)

#: endpoint -> expected status per role (GET, or POST for POST-only routes).
EXPECTED = {
    "core.home": ALL_200,
    "core.favicon": ALL_200,
    "core.brand_css": ALL_200,
    "core.set_language": row(302, 302, 302, 302, 302),
    # The walk's database is built by create_all, not migrated: the health check says so.
    "core.healthz": row(503, 503, 503, 503, 503),
    "accounts.login": GUEST_ONLY,
    "accounts.logout": row(302, 302, 302, 302, 302),
    "accounts.register": GUEST_ONLY,
    "accounts.forgot_password": GUEST_ONLY,
    "accounts.reset_password": row(302, 302, 302, 302, 302),
    "accounts.confirm_email": row(302, 302, 302, 302, 302),  # an invalid token
    "accounts.profile": LOGGED_IN,
    "accounts.change_password": row(302, 400, 400, 400, 400),
    "accounts.privacy_notice": ALL_200,
    "accounts.acknowledge_privacy": row(302, 302, 302, 302, 302),
    "municipalities.unit_options": ALL_200,
    "admin.list_users": ADMIN_ONLY,
    "admin.create_user": ADMIN_ONLY,
    "admin.show_user": ADMIN_ONLY,
    "admin.add_role": ADMIN_ONLY_POST,
    "admin.remove_role": ADMIN_ONLY_POST,
    "admin.set_active": ADMIN_ONLY_POST,
    "admin.list_municipalities": ADMIN_ONLY,
    "admin.create_municipality": ADMIN_ONLY,
    "admin.edit_municipality": ADMIN_ONLY,
    "admin.add_unit": ADMIN_ONLY_POST,
    "admin.remove_unit": ADMIN_ONLY_POST,
    # Membership periods: an empty form comes back with its errors; the walk then removes the
    # period of `someone`'s municipality.
    "admin.add_membership_period": row(302, 403, 403, 403, 400),
    "admin.end_membership_period": row(302, 403, 403, 403, 400),
    "admin.remove_membership_period": ADMIN_ONLY_POST,
    "admin.list_audit_entries": ADMIN_ONLY,
    "admin.export_audit_entries": ADMIN_ONLY,
    # Outgoing mail: the walk's message gave up (retry puts it back in the queue).
    "admin.list_outbox": ADMIN_ONLY,
    "admin.show_outbox_message": ADMIN_ONLY,
    "admin.retry_outbox_message": ADMIN_ONLY_POST,
    "admin.retry_failed_outbox": ADMIN_ONLY_POST,
    # Mail texts: the office only; an empty preview comes back with its refusal in the fragment.
    "mailtexts.list_texts": ADMIN_ONLY,
    "mailtexts.edit_text": ADMIN_ONLY,
    "mailtexts.preview_text": ADMIN_ONLY,
    "mailtexts.reset_text": ADMIN_ONLY_POST,
    # Catalogue: public pages, the trainer's sessions, calendars.
    "catalog.list_sessions": ALL_200,
    "catalog.show_session": ALL_200,
    "catalog.show_course": ALL_200,
    "catalog.session_calendar": ALL_200,
    "catalog.union_calendar": ALL_200,
    "catalog.union_calendar_feed": ALL_200,
    "catalog.calendar_feed": row(404, 404, 404, 404, 404),
    "catalog.my_calendar": LOGGED_IN,
    "catalog.reset_calendar_token": row(302, 302, 302, 302, 302),
    "catalog.my_sessions": row(302, 403, 403, 200, 403),
    "api.list_sessions": ALL_200,
    "api.show_session": ALL_200,
    "api.openapi": ALL_200,
    # Catalogue administration (walked after the public pages; the session's refusals keep it
    # published: it has a taken seat, one meeting and one trainer).
    "catalog_admin.list_categories": ADMIN_ONLY,
    "catalog_admin.edit_category": ADMIN_ONLY,
    "catalog_admin.list_venues": ADMIN_ONLY,
    "catalog_admin.create_venue": ADMIN_ONLY,
    "catalog_admin.edit_venue": ADMIN_ONLY,
    "catalog_admin.list_courses": ADMIN_ONLY,
    "catalog_admin.create_course": ADMIN_ONLY,
    "catalog_admin.show_course": ADMIN_ONLY,
    "catalog_admin.edit_course": ADMIN_ONLY,
    "catalog_admin.set_course_published": ADMIN_ONLY_POST,
    # The walk's course has a session: its deletion is refused.
    "catalog_admin.delete_course": ADMIN_ONLY_POST,
    "catalog_admin.list_sessions": ADMIN_ONLY,
    "catalog_admin.create_session": ADMIN_ONLY,
    "catalog_admin.show_session": ADMIN_ONLY,
    "catalog_admin.edit_session": ADMIN_ONLY,
    "catalog_admin.set_trainers": ADMIN_ONLY_POST,
    "catalog_admin.add_meeting": row(302, 403, 403, 403, 400),  # an empty form comes back
    "catalog_admin.edit_meeting": ADMIN_ONLY,
    "catalog_admin.delete_meeting": ADMIN_ONLY_POST,
    "catalog_admin.publish_session": ADMIN_ONLY_POST,
    "catalog_admin.unpublish_session": ADMIN_ONLY_POST,
    "catalog_admin.cancel_session": ADMIN_ONLY,
    "catalog_admin.clone_session": ADMIN_ONLY,
    # Registrations.
    "enrollment.apply": row(302, 302, 302, 302, 302),
    "enrollment.cancel": row(302, 404, 302, 404, 302),
    "enrollment.my_trainings": LOGGED_IN,
    "enrollment.show_registration": row(302, 404, 200, 404, 200),
    "enrollment.coordinator_inbox": COORDINATOR_OR_ADMIN,
    "enrollment.municipality_registrations": COORDINATOR_OR_ADMIN,
    "enrollment.nominate": COORDINATOR_OR_ADMIN,
    "enrollment.session_roster": ADMIN_ONLY,
    "enrollment.add_registration": ADMIN_ONLY_POST,
    "enrollment.search_people": ADMIN_ONLY,
    "enrollment.decide": ADMIN_ONLY_POST,
    "enrollment.import_registrations": ADMIN_ONLY,
    "enrollment.confirm_import": ADMIN_ONLY_POST,
    "enrollment.export_roster": ADMIN_ONLY,
    # Attendance: the walk's trainer teaches the session.
    "attendance.meeting_roster": TRAINER_OR_ADMIN,
    "attendance.set_mark": TRAINER_OR_ADMIN_POST,
    "attendance.mark_all_present": TRAINER_OR_ADMIN_POST,
    "attendance.enter_sheet": TRAINER_OR_ADMIN,
    "attendance.sheet_pdf": TRAINER_OR_ADMIN,
    "attendance.mark_history": ADMIN_ONLY,
    "attendance.show_qr": TRAINER_OR_ADMIN,
    "attendance.qr_code": TRAINER_OR_ADMIN,
    "attendance.check_in": row(400, 400, 400, 400, 400),
    "attendance.session_attendance": TRAINER_OR_ADMIN,
    "attendance.export_matrix": TRAINER_OR_ADMIN,
    "attendance.close_session": ADMIN_ONLY,
    "attendance.registration_attendance": row(302, 404, 200, 200, 200),
    # Online meetings: "Katıldım" sends everyone back (an empty form, or no registration);
    # the code and the participants report are the session's trainers' and the office's.
    "online.attend": row(302, 302, 302, 302, 302),
    "online.set_code": TRAINER_OR_ADMIN_POST,
    "online.upload_report": TRAINER_OR_ADMIN,
    "online.confirm_report": TRAINER_OR_ADMIN_POST,
    # The roster offline: the service worker is the same for everyone; an empty batch is refused.
    "attendance.service_worker": ALL_200,
    "attendance.offline_rosters": TRAINER_OR_ADMIN,
    "attendance.sync_marks": row(302, 403, 403, 400, 400),
    # The walk's session is not closed: the office is sent back to the attendance page.
    "attendance.correct_score": ADMIN_ONLY_POST,
    # Documents: the walk's certificate belongs to `someone` of Selçuklu, whom the walk's
    # coordinator coordinates; the print job failed (retry puts it back in the queue).
    "certificates.session_documents": ADMIN_ONLY,
    "certificates.issue": ADMIN_ONLY_POST,
    "certificates.print_session": ADMIN_ONLY_POST,
    "certificates.show": ADMIN_ONLY,
    "certificates.revoke": ADMIN_ONLY_POST,
    "certificates.reissue": ADMIN_ONLY_POST,
    "certificates.download": row(302, 404, 200, 404, 200),
    "certificates.municipality_documents": COORDINATOR_OR_ADMIN,
    "certificates.signatories": ADMIN_ONLY,
    "certificates.edit_signatory": ADMIN_ONLY,
    "designs.list_designs": ADMIN_ONLY,
    "designs.create_design": ADMIN_ONLY,
    "designs.edit_design": ADMIN_ONLY,
    "designs.duplicate_design": ADMIN_ONLY_POST,
    "designs.delete_design": ADMIN_ONLY_POST,
    # An empty form: the preview says what is missing (400) instead of printing.
    "designs.preview_design": row(302, 403, 403, 403, 400),
    "designs.assign_course_designs": ADMIN_ONLY_POST,
    "certificates.print_jobs": ADMIN_ONLY,
    "certificates.show_print_job": ADMIN_ONLY,
    "certificates.print_job_progress": ADMIN_ONLY,
    "certificates.retry_print_job": ADMIN_ONLY_POST,
    "certificates.download_print_job": row(302, 403, 403, 403, 404),
    "certificates.verify_form": ALL_200,
    "certificates.verify": ALL_200,
    "api.show_certificate": ALL_200,
    # Reports: the walk's coordinator sees Selçuklu's figures and record; an admin exporting a
    # record without choosing a municipality is sent back to choose one.
    "reports.dashboard": COORDINATOR_OR_ADMIN,
    "reports.export_table": COORDINATOR_OR_ADMIN,
    "reports.municipality_record": COORDINATOR_OR_ADMIN,
    "reports.export_municipality_record": row(302, 403, 200, 403, 302),
    "reports.expiring_documents": COORDINATOR_OR_ADMIN,
    "reports.export_expiring_documents": COORDINATOR_OR_ADMIN,
    # Without a year: back to the dashboard with a message (tests/reports/test_yearly.py).
    "reports.yearly_report": row(302, 403, 302, 403, 302),
    # Personal data: every walk user has a person record; the walk's deletion request belongs to
    # `someone` (nobody else may withdraw it); empty decision forms come back with their errors.
    "privacy.my_data": LOGGED_IN,
    "privacy.download_archive": row(302, 200, 200, 200, 200),
    "privacy.request_deletion": row(302, 400, 400, 400, 400),
    "privacy.withdraw_request": row(302, 404, 404, 404, 404),
    "privacy.admin_requests": ADMIN_ONLY,
    "privacy.admin_request": ADMIN_ONLY,
    "privacy.carry_out": row(302, 403, 403, 403, 400),
    "privacy.reject": row(302, 403, 403, 403, 400),
    "privacy.admin_notices": ADMIN_ONLY,
    "privacy.new_notice": ADMIN_ONLY,
    "privacy.show_notice": ADMIN_ONLY,
    # Planning: the walk's needs call is open and holds a draft need of Selçuklu (the walk's
    # coordinator's); the walk's plan is approved, with one line. The office is sent from the
    # coordinators' page to its own; an approved plan's line forms send back to the plan.
    "planning.my_needs": row(302, 403, 200, 403, 302),
    "planning.municipality_needs": COORDINATOR_OR_ADMIN,
    "planning.new_need": COORDINATOR_OR_ADMIN,
    "planning.edit_need": COORDINATOR_OR_ADMIN,
    "planning.delete_need": row(302, 403, 302, 403, 302),
    "planning.submit_drafts": row(302, 403, 302, 403, 302),
    "planning.needs_and_attendance": COORDINATOR_OR_ADMIN,
    # The walk's course has an open session: asking to be told is refused with a message; the
    # office's walk has hidden the course by then (set_course_published without "published").
    "planning.declare_interest": row(302, 302, 302, 302, 404),
    "planning.withdraw_interest": row(302, 302, 302, 302, 302),
    "planning.published_plan": ALL_200,
    "planning.plan_pdf": ALL_200,
    "planning.planned_trainings": ALL_200,
    "planning_admin.list_calls": ADMIN_ONLY,
    "planning_admin.show_call": ADMIN_ONLY,
    "planning_admin.reopen_call": ADMIN_ONLY_POST,
    "planning_admin.remind": ADMIN_ONLY_POST,
    "planning_admin.show_demand": ADMIN_ONLY,
    "planning_admin.export_demand": ADMIN_ONLY,
    "planning_admin.map_topic": ADMIN_ONLY_POST,
    "planning_admin.unmap_topic": ADMIN_ONLY_POST,
    "planning_admin.list_plans": ADMIN_ONLY,
    "planning_admin.show_plan": ADMIN_ONLY,
    "planning_admin.new_line": ADMIN_ONLY_POST,
    "planning_admin.edit_line": ADMIN_ONLY_POST,
    "planning_admin.delete_line": ADMIN_ONLY_POST,
    "planning_admin.lines_from_demand": ADMIN_ONLY_POST,
    "planning_admin.approve_plan": ADMIN_ONLY_POST,
    "planning_admin.revise_plan": ADMIN_ONLY_POST,
    "planning_admin.line_session": ADMIN_ONLY,
    "planning_admin.show_delivery": ADMIN_ONLY,
    "planning_admin.export_delivery": ADMIN_ONLY,
    # Evaluation: the walk's questionnaire is the seeded default; posts without an action (or
    # with empty forms) come back refused; the walk's session has not been asked yet, so its
    # form refuses everyone, and nobody of the walk is registered for its knowledge test.
    "evaluation.list_questionnaires": ADMIN_ONLY,
    "evaluation.edit_questionnaire": ADMIN_ONLY,
    "evaluation.add_section": row(302, 403, 403, 403, 400),
    "evaluation.add_question": row(302, 403, 403, 403, 400),
    "evaluation.change_section": row(302, 403, 403, 403, 400),
    "evaluation.change_question": row(302, 403, 403, 403, 400),
    "evaluation.change_questionnaire": row(302, 403, 403, 403, 400),
    "evaluation.course_settings": ADMIN_ONLY,
    "evaluation.remove_test_question": ADMIN_ONLY_POST,
    "evaluation.session_evaluation": ADMIN_ONLY,
    "evaluation.send_reminder": ADMIN_ONLY_POST,
    "evaluation.answer": row(302, 403, 403, 403, 403),
    "evaluation.take_test": row(302, 403, 403, 403, 403),
    # Materials: the walk's trainer added a PDF to the walk's session; `someone` of Selçuklu has a
    # seat there, so the walk's coordinator sees it; the walk's participant has none. An empty
    # link form comes back with its errors.
    "materials.manage": row(302, 404, 404, 200, 200),
    "materials.add_link": row(302, 404, 404, 400, 400),
    "materials.download": row(302, 404, 200, 200, 200),
    "materials.delete": row(302, 404, 404, 302, 302),
    # Evaluation results: the office's pages and exports; a trainer's own figures (the office
    # chooses a trainer first: its export without one is 404); a coordinator's response rates
    # (the walk's session has no evaluation: the reminder goes back with a message).
    "evaluation_results.overview": ADMIN_ONLY,
    "evaluation_results.session_results": ADMIN_ONLY,
    "evaluation_results.export_session": ADMIN_ONLY,
    "evaluation_results.course_results": ADMIN_ONLY,
    "evaluation_results.export_course": ADMIN_ONLY,
    "evaluation_results.category_results": ADMIN_ONLY,
    "evaluation_results.export_category": ADMIN_ONLY,
    "evaluation_results.trainer_results": TRAINER_OR_ADMIN,
    "evaluation_results.export_trainer": row(302, 403, 403, 200, 404),
    "evaluation_results.municipality_rates": row(302, 403, 200, 403, 403),
    "evaluation_results.remind_municipality": row(302, 403, 302, 403, 403),
}

#: Endpoints not walked here, with the reason.
NOT_WALKED = {"static": "files, not pages"}


@pytest.fixture
def url_args(make_user):
    return make_url_args(make_user)


def make_url_args(make_user) -> dict:
    """Values for the URL variables of every rule: real objects where a rule needs one.

    The coordinator of the walk coordinates Selçuklu, the municipality of `someone`.
    """
    from training_app.accounts.services import current_privacy_notice
    from training_app.core.tckn import vault
    from training_app.enrollment.models import PendingImport, Registration, RegistrationStatus
    from training_app.extensions import db

    someone = make_user(Role.PARTICIPANT, email="someone@example.org", first_name="Veli")
    session = _published_session(make_user)
    registration = Registration(
        session=session,
        person=someone.person,
        municipality_id=someone.person.municipality_id,
        status=RegistrationStatus.CONFIRMED,
    )
    pending = PendingImport(
        session_id=session.id,
        created_by_id=someone.id,
        filename="x.csv",
        content_encrypted=vault().encrypt(""),
    )
    db.session.add_all([registration, pending])
    db.session.commit()
    certificate, signatory, job = _documents(session, registration)
    deletion_request = _deletion_request(someone)
    planning = _planning(session, someone.person.municipality_id)
    message = _failed_mail(someone)
    questionnaire, test_question = _evaluation(session)
    material = _material(session)
    return {
        **planning,
        "user_id": someone.id,
        "municipality_id": someone.person.municipality_id,
        "unit_id": someone.person.municipality.units[-1].id,
        "period_id": someone.person.municipality.membership_periods[0].id,
        "assignment_id": someone.roles[0].id,
        "token": "not-a-valid-token",
        "code": "tr",
        "session_id": session.id,
        "course_id": session.course_id,
        "category_id": session.course.category_id,
        "venue_id": session.venue_id,
        "meeting_id": session.meetings[0].id,
        "registration_id": registration.id,
        "import_id": pending.id,
        "fmt": "csv",
        "table": "municipality",
        "certificate_id": certificate.id,
        "verification_code": certificate.verification_code,
        "signatory_id": signatory.id,
        "design_id": _design(),
        "job_id": job.id,
        "request_id": deletion_request.id,
        "notice_id": current_privacy_notice().id,
        "message_id": message.id,
        "questionnaire_id": questionnaire.id,
        "section_id": questionnaire.sections[0].id,
        "question_id": questionnaire.sections[0].questions[0].id,
        "test_question_id": test_question.id,
        "attempt_kind": "pre",
        "material_id": material.id,
        "mail_kind": "registration_confirmed",
        "lang": "en",
    }


def _planning(session, municipality_id) -> dict:
    """An open needs call with a draft need of `someone`'s municipality; an approved plan of
    the same year with one line of the walk's course."""
    from datetime import date, timedelta

    from training_app.core.timeutil import local_today
    from training_app.extensions import db
    from training_app.planning.models import AnnualPlan, Need, NeedsCall, PlanLine, PlanStatus

    today = local_today()
    call = NeedsCall(year=today.year + 1, deadline=today + timedelta(days=30))
    need = Need(call=call, municipality_id=municipality_id, topic="Arşiv yönetimi")
    plan = AnnualPlan(
        year=call.year,
        version=1,
        status=PlanStatus.APPROVED,
        decision_date=date(today.year, 11, 20),
        decision_number="2026/45",
    )
    line = PlanLine(
        plan=plan,
        course_id=session.course_id,
        month=3,
        sort_month=3,
        city="Konya",
        planned_sessions=1,
        planned_capacity=30,
    )
    db.session.add_all([call, need, plan, line])
    db.session.commit()
    return {
        "call_id": call.id,
        "need_id": need.id,
        "plan_id": plan.id,
        "line_id": line.id,
        "year": plan.year,
    }


def _failed_mail(someone):
    """A message to `someone` that gave up after its attempts."""
    from training_app.core.models import OutboxMessage
    from training_app.extensions import db

    message = OutboxMessage(
        recipient=someone.email,
        subject="Kayıt onaylandı",
        body_text="Sayın Veli,",
        kind="registration_confirmed",
        status="failed",
        attempts=8,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    db.session.add(message)
    db.session.commit()
    return message


def _evaluation(session):
    """The seeded default questionnaire, and a knowledge test for the walk's course."""
    from training_app.evaluation.default_questionnaire import ensure_default_questionnaire
    from training_app.evaluation.editor import default_questionnaire
    from training_app.evaluation.models import KnowledgeQuestion, KnowledgeTest
    from training_app.extensions import db

    ensure_default_questionnaire()
    question = KnowledgeQuestion(
        text="KVKK hangi yıl yürürlüğe girdi?",
        option_1="2010",
        option_2="2016",
        option_3="2018",
        option_4="2020",
        correct_option=2,
    )
    db.session.add(KnowledgeTest(course_id=session.course_id, questions=[question]))
    db.session.commit()
    return default_questionnaire(), question


def _material(session):
    """A PDF the walk's trainer added to the walk's session."""
    import io

    from pypdf import PdfWriter

    from training_app.extensions import db
    from training_app.materials.services import add_file

    writer, pdf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(pdf)
    trainer = session.trainers[0].user
    material = add_file(session, pdf.getvalue(), "sunum.pdf", "Sunum", trainer)
    db.session.commit()
    return material


def _deletion_request(someone):
    """An open deletion request of `someone`."""
    from training_app.extensions import db
    from training_app.privacy.services import request_deletion

    request = request_deletion(someone.person, None)
    db.session.commit()
    return request


def _design() -> int:
    """A document design besides the default (the walk may copy or delete it)."""
    from training_app.certificates.models import CertificateDesign
    from training_app.extensions import db

    design = CertificateDesign(name="Ortak tasarım", layout="ortakli", texts={}, logos=[])
    db.session.add(design)
    db.session.commit()
    return design.id


def _documents(session, registration):
    """A valid document of the walk's registration, a signatory and a failed print job."""
    from training_app.catalog.models import DocumentKind
    from training_app.certificates.models import Certificate, PrintJob, PrintJobStatus, Signatory
    from training_app.extensions import db

    certificate = Certificate(
        registration_id=registration.id,
        valid_registration_id=registration.id,
        session_id=session.id,
        municipality_id=registration.municipality_id,
        register_number="KBB-2026-000001",
        year=2026,
        serial=1,
        verification_code="ABCDEFGHJKMN",
        kind=DocumentKind.ATTENDANCE,
        document_title="Katılım Belgesi",
        holder_name="VELİ YILMAZ",
        holder_sort_key="",
        course_code="KVKK-101",
        course_title="KVKK",
        starts_on=session.starts_on,
        ends_on=session.ends_on,
        total_minutes=180,
        city="Konya",
        signatories=[],
        issued_on=session.ends_on,
    )
    signatory = Signatory(name="Ad Soyad", title="Birlik Başkanı")
    job = PrintJob(session_id=session.id, label="KVKK", status=PrintJobStatus.FAILED, total=1)
    db.session.add_all([certificate, signatory, job])
    db.session.commit()
    return certificate, signatory, job


def _published_session(make_user):
    """A published session of a published course, with one meeting, a trainer and a taken seat."""
    from datetime import time, timedelta

    from training_app.catalog.models import Category, Course, Meeting, Session, SessionStatus, Venue
    from training_app.core.timeutil import local_today
    from training_app.extensions import db

    # The walk's trainer teaches this session.
    trainer = make_user(Role.TRAINER, email="trainer@example.org", first_name="Ömer").person
    day = local_today() + timedelta(days=10)
    venue = Venue(name="Birlik Eğitim Salonu", city="Konya", capacity=50)
    course = Course(
        code="KVKK-101", title="KVKK", category=Category(name="KVKK"), is_published=True
    )
    session = Session(
        course=course,
        venue=venue,
        city="Konya",
        capacity=30,
        seats_taken=1,
        starts_on=day,
        ends_on=day,
        status=SessionStatus.PUBLISHED,
        meetings=[Meeting(day=day, starts_at=time(9), ends_at=time(12))],
        trainers=[trainer],
    )
    db.session.add(session)
    db.session.commit()
    return session


def test_every_rule_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - set(NOT_WALKED)
    assert sorted(endpoints - set(EXPECTED)) == [], "routes without a row in EXPECTED"
    assert sorted(set(EXPECTED) - endpoints) == [], "rows in EXPECTED for routes that are gone"


def _rules(app):
    """Every rule, with logging out last so that the walk stays logged in."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint not in NOT_WALKED]
    return sorted(rules, key=lambda rule: rule.endpoint == "accounts.logout")


@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role(app, client, make_user, url_args, role):
    if role != "guest":
        email = f"{role}@example.org"
        if role != "trainer":  # the trainer exists already: they teach the walk's session
            make_user(Role(role), email=email)
        assert login(client, email).status_code == 302
    failures = []
    for rule in _rules(app):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: url_args[arg] for arg in rule.arguments})
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        expected = EXPECTED[rule.endpoint][role]
        if response.status_code != expected:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected}")
        elif (
            role == "guest"
            and expected == 302
            and EXPECTED[rule.endpoint]["admin"] != 302
            and EXPECTED[rule.endpoint]["participant"] != 302
        ):
            assert "/login" in response.headers["Location"], url
    assert failures == []
