"""Outgoing mail: the office sees mail that gave up, reads it masked, and sends it again."""

import pytest
from sqlalchemy import select, update

from tests.conftest import login
from training_app.accounts.models import Role
from training_app.core.mail import MAX_ATTEMPTS, deliver_pending, queue_mail
from training_app.core.models import AuditEntry, OutboxMessage
from training_app.core.timeutil import utcnow
from training_app.extensions import db

VALID_TCKN = "10000000146"


@pytest.fixture
def admin(client, login_as):
    return login_as(Role.ADMIN, first_name="Zeynep", last_name="Kaya", email="zeynep@example.org")


def _give_up(app, message: OutboxMessage) -> None:
    """Every attempt against an SMTP server that does not answer, until the outbox gives up."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    try:
        for _ in range(MAX_ATTEMPTS):
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id)
                .values(next_attempt_at=utcnow())
            )
            db.session.commit()
            deliver_pending()
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=25)
    db.session.refresh(message)
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS


def _queue(recipient, template="welcome", **context):
    context.setdefault("name", "Veli Yılmaz")
    context.setdefault("person_name", "Veli Yılmaz")
    message = queue_mail(recipient, template, **context)
    db.session.commit()
    return message


def test_home_page_tells_the_office_when_mail_gave_up_and_links_to_it(app, client, admin):
    assert "gönderilemedi" not in client.get("/").get_data(as_text=True)
    message = _queue("veli@example.org")
    _give_up(app, message)
    page = client.get("/").get_data(as_text=True)
    assert "1 e-posta tüm denemelere rağmen gönderilemedi." in page
    assert "/admin/outbox?state=failed" in page


def test_home_page_says_nothing_about_mail_to_others(app, client, make_user):
    _give_up(app, _queue("veli@example.org"))
    login(client, make_user(Role.COORDINATOR, email="c@example.org").email)
    assert "gönderilemedi" not in client.get("/").get_data(as_text=True)


def test_outbox_lists_and_filters_by_state_recipient_and_kind(app, client, admin):
    failed = _queue("veli@example.org")
    _give_up(app, failed)
    _queue("ayse@example.org")
    _queue("ali@example.org", "password_reset", reset_url="http://x/reset")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Giden e-postalar" in page
    assert all(a in page for a in ("veli@example.org", "ayse@example.org", "ali@example.org"))
    assert "Gönderilemedi" in page and "Gönderilmeyi bekliyor" in page
    page = client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert "veli@example.org" in page and "ayse@example.org" not in page
    page = client.get("/admin/outbox?recipient=AYSE").get_data(as_text=True)
    assert "ayse@example.org" in page and "veli@example.org" not in page
    page = client.get("/admin/outbox?kind=password_reset").get_data(as_text=True)
    assert "ali@example.org" in page and "ayse@example.org" not in page
    assert "Şifre sıfırlama" in page
    # A value that is not a choice does not filter, and a wildcard is taken literally.
    page = client.get("/admin/outbox?state=nonsense&recipient=%25").get_data(as_text=True)
    assert "Eşleşen e-posta yok." in page


def test_outbox_is_paged_in_sql(client, admin):
    from training_app.admin.outbox import PAGE_SIZE

    db.session.add_all(
        OutboxMessage(recipient=f"k{n}@example.org", subject=f"Konu {n}", body_text="x")
        for n in range(PAGE_SIZE + 3)
    )
    db.session.commit()
    first = client.get("/admin/outbox").get_data(as_text=True)
    second = client.get("/admin/outbox?page=2").get_data(as_text=True)
    assert f"k{PAGE_SIZE + 2}@example.org" in first and "k0@example.org" not in first
    assert "k0@example.org" in second and f"k{PAGE_SIZE + 2}@example.org" not in second


def test_a_message_is_shown_with_the_id_number_masked(app, client, admin):
    message = OutboxMessage(
        recipient="veli@example.org",
        subject="Kayıt",
        body_text=f"T.C. Kimlik No: {VALID_TCKN}\nSipariş 12345678901",
        status="failed",
        attempts=MAX_ATTEMPTS,
        last_error=f"SMTPDataError: rejected {VALID_TCKN}",
        kind="welcome",
    )
    db.session.add(message)
    db.session.commit()
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert VALID_TCKN not in page
    assert "100******46" in page
    assert "12345678901" in page  # not a valid ID number: left as written
    assert "Gönderilemedi" in page and "Yeniden gönder" in page


def test_retry_one_puts_it_back_and_it_is_delivered_and_audited(app, client, admin):
    message = _queue("veli@example.org")
    _give_up(app, message)
    response = client.post(f"/admin/outbox/{message.id}/retry", follow_redirects=True)
    assert "E-posta yeniden gönderilecek." in response.get_data(as_text=True)
    db.session.refresh(message)
    assert message.status == "pending" and message.attempts == 0
    assert deliver_pending() == (1, 0)
    db.session.refresh(message)
    assert message.status == "sent"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.retry"))
    assert entry.object_id == message.id and entry.actor_user_id == admin.id
    # A message that did not give up is not sent twice.
    response = client.post(f"/admin/outbox/{message.id}/retry", follow_redirects=True)
    assert "Yalnızca gönderilemeyen e-postalar yeniden gönderilebilir." in response.get_data(
        as_text=True
    )


def test_retry_all_failed(app, client, admin):
    for n in range(2):
        _give_up(app, _queue(f"k{n}@example.org"))
    _queue("k2@example.org")  # waiting: not touched by the retry
    response = client.post("/admin/outbox/retry-failed", follow_redirects=True)
    assert "2 e-posta yeniden gönderilecek." in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).where(OutboxMessage.status == "failed")) == 0
    assert deliver_pending() == (3, 0)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.retry_all"))
    assert entry.changes == {"count": 2}


def test_retry_needs_the_csrf_token(app, client, admin):
    message = _queue("veli@example.org")
    _give_up(app, message)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/outbox/{message.id}/retry").status_code == 400
    assert client.post("/admin/outbox/retry-failed").status_code == 400
    db.session.refresh(message)
    assert message.status == "failed"


def test_queued_mail_remembers_its_kind(app):
    message = _queue("veli@example.org", "welcome")
    assert message.kind == "welcome"
