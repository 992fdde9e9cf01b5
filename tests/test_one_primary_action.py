"""One primary action per page (GOV.UK, e-Devlet): every page any role can open shows at most one
`.btn-primary` in its main content (dialogs excluded); other actions are outline buttons.

The walk is the access test's: every GET route, every role, with its real objects."""

from html.parser import HTMLParser

import pytest
from flask import url_for

from tests.conftest import login
from tests.test_access import ROLES, _rules, url_args  # noqa: F401
from training_app.accounts.models import Role


class PrimaryButtons(HTMLParser):
    """Counts the elements with class btn-primary inside <main>, outside .modal dialogs."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.modal_tag, self.modal_depth = None, 0
        self.labels: list[str] = []
        self._open_label = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "main":
            self.in_main = True
        if self.modal_tag:
            self.modal_depth += tag == self.modal_tag
            return
        if "modal" in classes or tag == "dialog":
            self.modal_tag, self.modal_depth = tag, 1
            return
        if self.in_main and "btn-primary" in classes:
            self.labels.append(dict(attrs).get("value") or "")
            self._open_label = len(self.labels) - 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if self.modal_tag and tag == self.modal_tag:
            self.modal_depth -= 1
            if not self.modal_depth:
                self.modal_tag = None
        if tag in ("a", "button"):
            self._open_label = None

    def handle_data(self, data):
        if self._open_label is not None and data.strip():
            self.labels[self._open_label] += data.strip()


def primary_buttons(html: str) -> list[str]:
    parser = PrimaryButtons()
    parser.feed(html)
    return parser.labels


def test_the_parser_counts_only_main_content_outside_dialogs():
    html = (
        '<header><a class="btn btn-primary">Menü</a></header><main>'
        '<button class="btn btn-primary">Kaydet</button>'
        '<a class="btn btn-outline-primary">İptal</a>'
        '<div class="modal"><div><button class="btn btn-primary">Onayla</button></div></div>'
        "</main>"
    )
    assert primary_buttons(html) == ["Kaydet"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_at_most_one_primary_button(app, client, make_user, url_args, role):  # noqa: F811
    if role != "guest":
        email = f"{role}@example.org"
        if role != "trainer":  # the walk's trainer exists already
            make_user(Role(role), email=email)
        assert login(client, email).status_code == 302
    offenders, pages = {}, 0
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: url_args[arg] for arg in rule.arguments})
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        found = primary_buttons(response.get_data(as_text=True))
        if len(found) > 1:
            offenders[rule.endpoint] = found
    assert pages > 5
    assert offenders == {}, f"pages with more than one primary button as {role}: {offenders}"
