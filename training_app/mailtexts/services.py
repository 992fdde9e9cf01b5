"""Mail texts: the shipped wording shown as {placeholders}, saving and resetting the office's
text (audited), previews with sample data, and the text queue_mail uses for a mail."""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core import audit
from ..core.errors import DomainError
from ..core.placeholders import check_text, fill
from ..extensions import db
from .models import BODY_MAX, LOCALES, SUBJECT_MAX, MailText
from .registry import MailKind, all_kinds, get_kind

log = logging.getLogger("training_app.mail")

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class KindRow:
    kind: MailKind
    #: Languages with an office-written text.
    edited: tuple[str, ...]


def overview() -> list[KindRow]:
    """Every mail kind with the languages the office has written a text for (one query)."""
    edited: dict[str, list[str]] = {}
    for kind, locale in db.session.execute(select(MailText.kind, MailText.locale)):
        edited.setdefault(kind, []).append(locale)
    return [
        KindRow(kind, tuple(sorted(edited.get(kind.key, ()), key=LOCALES.index)))
        for kind in all_kinds()
    ]


def office_text(kind: MailKind, locale: str) -> MailText | None:
    return db.session.scalar(
        select(MailText).where(MailText.kind == kind.key, MailText.locale == locale)
    )


def _base_context() -> dict:
    return {
        "union_name": current_app.config["UNION_NAME"],
        "base_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/"),
    }


def _tidy(body: str) -> str:
    """Line ends as \\n, at most one blank line in a row (an empty placeholder leaves none)."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    return _BLANK_LINES.sub("\n\n", body).strip("\n")


def _one_line(subject: str) -> str:
    """A subject is one line whatever a value holds: no header can be smuggled in."""
    return " ".join(subject.split())


def _as_tokens(text: str, values: Mapping[str, str]) -> str:
    """`text` with each value replaced by its {placeholder}, longest value first."""
    found: list[str] = []
    for name, value in sorted(values.items(), key=lambda item: -len(item[1])):
        if not value:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)")
        text, count = pattern.subn(f"\x00{len(found)}\x00", text)
        if count:
            found.append(name)
    return re.sub(r"\x00(\d+)\x00", lambda m: "{" + found[int(m.group(1))] + "}", text)


def shipped_text(kind: MailKind, locale: str) -> tuple[str, str]:
    """The shipped subject and body with {placeholders} where the mail's values go: rendered
    with sample data, then each sample value turned back into its placeholder."""
    context = kind.sample_context(_base_context())
    with force_locale(locale):
        subject = render_template(f"emails/{kind.key}.subject.txt", **context)
        body = render_template(f"emails/{kind.key}.txt", **context)
        values = kind.values(context)
    return _one_line(_as_tokens(subject, values)), _tidy(_as_tokens(body, values))


def fill_text(kind: MailKind, subject: str, body: str, context: Mapping) -> tuple[str, str]:
    """An office text filled for one mail: plain substitution, values as plain text."""
    values = kind.values(context)
    return _one_line(fill(subject, values)), _tidy(fill(body, values))


def check_mail_text(kind: MailKind, subject: str, body: str) -> tuple[str, str]:
    """The subject and body as they would be saved; refuses what may not be (named)."""
    subject = (subject or "").strip()
    body = _tidy(body or "")
    if not subject:
        raise DomainError(_("Write a subject."), field="subject")
    if "\n" in subject or "\r" in subject:
        raise DomainError(_("The subject must be a single line."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise DomainError(
            _("The subject may be at most %(n)s characters long.", n=SUBJECT_MAX), field="subject"
        )
    if not body.strip():
        raise DomainError(_("Write the text of the mail."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(
            _("The text may be at most %(n)s characters long.", n=BODY_MAX), field="body"
        )
    check_text(subject, kind.names, field="subject")
    check_text(body, kind.names, field="body")
    missing = [name for name in kind.required if "{" + name + "}" not in body]
    if missing:
        raise DomainError(
            _(
                "This mail must contain %(names)s: it carries what the mail is sent for.",
                names=", ".join("{" + name + "}" for name in missing),
            ),
            field="body",
        )
    return subject, body


def preview(kind: MailKind, locale: str, subject: str, body: str) -> tuple[str, str]:
    """The text as a recipient would read it, filled with the kind's sample data."""
    subject, body = check_mail_text(kind, subject, body)
    context = kind.sample_context(_base_context())
    with force_locale(locale):
        return fill_text(kind, subject, body, context)


def save_text(kind: MailKind, locale: str, subject: str, body: str, by) -> MailText:
    """Save the office's text for a kind and language; the next mail of that kind uses it."""
    subject, body = check_mail_text(kind, subject, body)
    text = office_text(kind, locale)
    if text is None:
        text = MailText(kind=kind.key, locale=locale, subject="", body="")
        try:
            with db.session.begin_nested():
                db.session.add(text)
        except IntegrityError:  # saved twice at once: the later save updates the other's row
            text = office_text(kind, locale)
    changes = audit.diff(text, {"subject": subject, "body": body})
    text.subject, text.body, text.updated_by_user_id = subject, body, by.id
    db.session.flush()
    audit.record("mail_text.save", text, {"kind": kind.key, "locale": locale, **changes}, actor=by)
    return text


def reset_text(kind: MailKind, locale: str, by) -> bool:
    """Drop the office's text: the shipped text is used again. False when there was none."""
    text = office_text(kind, locale)
    if text is None:
        return False
    audit.record(
        "mail_text.reset",
        text,
        {"kind": kind.key, "locale": locale, "subject": [text.subject, None]},
        actor=by,
    )
    db.session.delete(text)
    db.session.flush()
    return True


def text_for_mail(template: str, locale: str, context: Mapping) -> tuple[str, str] | None:
    """queue_mail's hook: the office's subject and body for this mail, or None for the shipped
    template. A text that cannot be filled falls back to the shipped one (the mail still goes)."""
    kind = get_kind(template)
    if kind is None or locale not in LOCALES:
        return None
    text = office_text(kind, locale)
    if text is None:
        return None
    try:
        return fill_text(kind, text.subject, text.body, context)
    except Exception:
        log.exception(
            "Office text of mail %s (%s) could not be filled; shipped text used", template, locale
        )
        return None
