"""The whole ID number appears only in its owner's profile form: no other page, log line or mail."""

import io
import logging

from flask import url_for
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import PASSWORD, login, municipality, next_tckn
from tests.test_access import EXPECTED, _rules, make_url_args
from training_app.accounts.models import Role
from training_app.core.mail import deliver_pending
from training_app.core.models import AuditEntry, OutboxMessage
from training_app.extensions import db


def visible_text(response) -> str:
    """What a person could read in a response: the page, or the text of a PDF or workbook."""
    if response.mimetype == "application/pdf":
        reader = PdfReader(io.BytesIO(response.data))
        return " ".join(page.extract_text() for page in reader.pages)
    if response.mimetype.endswith("spreadsheetml.sheet"):
        sheet = load_workbook(io.BytesIO(response.data)).active
        return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    if response.mimetype.startswith("image/"):
        return ""  # the site icon: no one's data
    return response.get_data(as_text=True)


def test_id_numbers_never_leak(app, client, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    participant_tckn = next_tckn()
    participant = make_user(Role.PARTICIPANT, email="p@example.org", tckn=participant_tckn)
    admin = make_user(Role.ADMIN, email="admin@example.org")
    coordinator = make_user(Role.COORDINATOR, email="c@example.org")
    # Registration of a second person, through the form, with a fresh ID number.
    registered_tckn = next_tckn()
    client.post(
        "/register",
        data={
            "first_name": "Gül",
            "last_name": "Şen",
            "tckn": registered_tckn,
            "municipality_id": str(municipality("Selçuklu").id),
            "position": "staff",
            "email": "gul@example.org",
            "password": "Guclu.Parola.42",
            "password_confirm": "Guclu.Parola.42",
            "privacy_acknowledged": "y",
        },
    )
    client.post("/logout")
    secrets = {participant_tckn, registered_tckn}
    args = make_url_args(make_user)

    for user in (participant, admin, coordinator):
        login(client, user.email, PASSWORD)
        for rule in _rules(app):
            if "GET" not in rule.methods or rule.endpoint == "accounts.logout":
                continue
            with app.test_request_context():
                url = url_for(rule.endpoint, **{a: args[a] for a in rule.arguments})
            page = visible_text(client.get(url))
            visible = (
                {participant_tckn}
                if (user is participant and rule.endpoint == "accounts.profile")
                else set()
            )
            for secret in secrets - visible:
                assert secret not in page, f"ID number shown on {url} to {user.email}"
        client.post("/logout")

    assert EXPECTED  # the walk above covers the same rules as the access test
    sent, _failed = deliver_pending()  # without MAIL_SERVER, delivery writes each mail to the log
    assert sent >= 1 and "Mail (not sent, no MAIL_SERVER)" in caplog.text
    for secret in secrets:
        assert secret not in caplog.text
        for message in db.session.scalars(select(OutboxMessage)):
            assert secret not in message.body_text and secret not in message.subject
        for entry in db.session.scalars(select(AuditEntry)):
            assert secret not in str(entry.changes)
