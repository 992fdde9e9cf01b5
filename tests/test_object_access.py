"""Nobody reaches what is not theirs by changing an id in a URL or a form.

The walk of test_access.py uses the records of `someone` of Selçuklu. Here the same walk is
made by people who have the right role but no claim on those records: a coordinator of another
municipality and a trainer who does not teach the session. (A participant who is not the owner
is the walk's own participant: see the participant column of EXPECTED.) Afterwards the records
are checked to be exactly as they were.
"""

import pytest
from flask import url_for
from sqlalchemy import func, select

from tests.conftest import login
from tests.test_access import EXPECTED, NOT_WALKED, make_url_args
from training_app.accounts.models import Role
from training_app.extensions import db

#: Where the walk's coordinator (of Selçuklu) may act on `someone`'s records and an outsider
#: must find nothing.
OUTSIDER_COORDINATOR = {
    "enrollment.cancel": 404,
    "enrollment.show_registration": 404,
    "attendance.registration_attendance": 404,
    "certificates.download": 404,
    # The walk's needs call: Selçuklu's answer and draft need are not another coordinator's.
    "planning.municipality_needs": 404,
    "planning.new_need": 404,
    "planning.edit_need": 404,
    "planning.delete_need": 404,
    "planning.submit_drafts": 404,
    "planning.needs_and_attendance": 404,
    "materials.download": 404,
}

#: Where the walk's trainer (who teaches the session) may act and another trainer may not.
OUTSIDER_TRAINER = {
    "attendance.meeting_roster": 404,
    "attendance.set_mark": 404,
    "attendance.mark_all_present": 404,
    "attendance.enter_sheet": 404,
    "attendance.sheet_pdf": 404,
    "attendance.show_qr": 404,
    "attendance.qr_code": 404,
    "attendance.session_attendance": 404,
    "attendance.export_matrix": 404,
    "attendance.registration_attendance": 404,
    "online.set_code": 404,
    "online.upload_report": 404,
    "online.confirm_report": 404,
    "materials.manage": 404,
    "materials.add_link": 404,
    "materials.download": 404,
    "materials.delete": 404,
}


def _snapshot(outsider=None):
    """What the walk must leave unchanged: registrations (but the outsider's own application,
    which the walk makes), marks, documents, roles, people."""
    from training_app.accounts.models import Person, RoleAssignment
    from training_app.attendance.models import AttendanceMark
    from training_app.certificates.models import Certificate
    from training_app.enrollment.models import Registration
    from training_app.planning.models import Need

    db.session.expire_all()
    return {
        "needs": sorted(
            (n.id, n.status.value, n.topic, n.people_count)
            for n in db.session.scalars(select(Need))
        ),
        "registrations": sorted(
            (r.id, r.status.value, r.person_id, r.session_id)
            for r in db.session.scalars(select(Registration))
            if outsider is None or r.person_id != outsider.person.id
        ),
        "marks": db.session.scalar(select(func.count()).select_from(AttendanceMark)),
        "certificates": sorted(
            (c.id, c.status.value, c.holder_name) for c in db.session.scalars(select(Certificate))
        ),
        "roles": sorted(
            (a.user_id, a.role.value, a.municipality_id)
            for a in db.session.scalars(select(RoleAssignment))
        ),
        "people": sorted(
            (p.id, p.first_name, p.last_name, p.municipality_id)
            for p in db.session.scalars(select(Person))
        ),
    }


@pytest.mark.parametrize(
    ("role", "overrides"),
    [("coordinator", OUTSIDER_COORDINATOR), ("trainer", OUTSIDER_TRAINER)],
    ids=["coordinator-of-another-municipality", "trainer-of-another-session"],
)
def test_outsiders_with_the_right_role_reach_nothing_of_someone_elses(
    app, client, make_user, role, overrides
):
    url_args = make_url_args(make_user)
    if role == "coordinator":
        outsider = make_user(Role.COORDINATOR, email="meram@example.org", municipality_name="Meram")
    else:
        outsider = make_user(Role.TRAINER, email="other.trainer@example.org")
    before = _snapshot()
    assert login(client, outsider.email).status_code == 302

    failures = []
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in NOT_WALKED]
    for rule in sorted(rules, key=lambda r: r.endpoint == "accounts.logout"):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: url_args[arg] for arg in rule.arguments})
        method = "GET" if "GET" in rule.methods else "POST"
        expected = overrides.get(rule.endpoint, EXPECTED[rule.endpoint][role])
        response = client.open(url, method=method)
        if response.status_code != expected:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected}")
    assert failures == []
    assert _snapshot(outsider) == before


def test_a_coordinator_cannot_pick_another_municipality_in_reports(app, client, make_user):
    from training_app.municipalities.models import Municipality

    make_user(Role.PARTICIPANT, email="someone@example.org", first_name="Veli")
    selcuklu = db.session.scalar(select(Municipality).where(Municipality.name == "Selçuklu"))
    outsider = make_user(Role.COORDINATOR, email="meram@example.org", municipality_name="Meram")
    login(client, outsider.email)
    for url in (
        f"/reports/?municipality={selcuklu.id}",
        f"/reports/export/municipality.csv?municipality={selcuklu.id}",
        f"/reports/municipality-record?municipality={selcuklu.id}",
        f"/reports/municipality-record.xlsx?municipality={selcuklu.id}",
    ):
        assert client.get(url).status_code == 404, url


def test_a_coordinator_cannot_decide_or_nominate_outside_their_municipality(app, client, make_user):
    from tests.test_access import _published_session
    from training_app.enrollment.models import Registration, RegistrationStatus

    someone = make_user(Role.PARTICIPANT, email="someone@example.org", last_name="Kocabaş")
    session = _published_session(make_user)
    pending = Registration(
        session=session,
        person=someone.person,
        municipality_id=someone.person.municipality_id,
        status=RegistrationStatus.PENDING_APPROVAL,
    )
    db.session.add(pending)
    db.session.commit()
    outsider = make_user(Role.COORDINATOR, email="meram@example.org", municipality_name="Meram")
    login(client, outsider.email)

    inbox = client.get("/coordinator/requests").get_data(as_text=True)
    assert someone.person.last_name not in inbox
    response = client.post(
        "/coordinator/requests",
        data={"registration_ids": [pending.id], "decision": "approve", "reason": ""},
    )
    assert response.status_code in (200, 400)
    response = client.post(
        "/coordinator/nominate", data={"session_id": session.id, "person_ids": [someone.person.id]}
    )
    assert response.status_code == 200
    assert "En az bir kişi seçin." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, pending.id).status == RegistrationStatus.PENDING_APPROVAL
    assert (
        db.session.scalar(
            select(func.count()).select_from(Registration).where(Registration.session == session)
        )
        == 1
    )
