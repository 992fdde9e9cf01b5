"""Every mail the code sends is in the registry, and every shipped text is a valid office text
that, filled in, gives the very mail the shipped template gives."""

import ast
from pathlib import Path

import pytest

from training_app.mailtexts import services
from training_app.mailtexts.registry import all_kinds, get_kind

ROOT = Path(__file__).resolve().parents[2]
#: Functions that pass their second (or third) argument on to queue_mail as the template.
SENDERS = {"queue_mail", "_mail", "_mail_person"}


def _kinds_sent_in_code() -> set[str]:
    """String literals handed to queue_mail (or a feature's _mail helper) anywhere in the app."""
    kinds = set()
    for path in (ROOT / "training_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in SENDERS:
                continue
            for argument in node.args[1:3]:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    kinds.add(argument.value)
    return kinds


def test_every_mail_the_code_sends_is_registered():
    shipped = {
        p.name.removesuffix(".subject.txt")
        for p in (ROOT / "templates/emails").glob("*.subject.txt")
    }
    sent = _kinds_sent_in_code()
    assert {"registration_confirmed", "password_reset", "needs_call_reminder"} <= sent
    registered = {kind.key for kind in all_kinds()}
    assert sent - registered == set(), "register these kinds in training_app/mailtexts/kinds.py"
    assert shipped - registered == set(), "register these kinds in training_app/mailtexts/kinds.py"
    assert registered - shipped == set(), "a registered kind has no shipped template"


@pytest.mark.parametrize("locale", ["tr", "en"])
@pytest.mark.parametrize("key", sorted(kind.key for kind in all_kinds()))
def test_the_shipped_text_as_placeholders_fills_back_to_the_shipped_mail(app, key, locale):
    from flask import render_template
    from flask_babel import force_locale

    kind = get_kind(key)
    with app.test_request_context():
        subject, body = services.shipped_text(kind, locale)
        # The office starts from a text it could save as it is.
        assert services.check_mail_text(kind, subject, body) == (subject, body)
        assert "{{" not in body and "{%" not in body
        context = kind.sample_context(services._base_context())
        with force_locale(locale):
            shipped_subject = render_template(f"emails/{key}.subject.txt", **context).strip()
            shipped_body = render_template(f"emails/{key}.txt", **context)
            assert services.fill_text(kind, subject, body, context) == (
                shipped_subject,
                services._tidy(shipped_body),
            )
