"""The union's identity from configuration: colours checked at start, text colours computed for
contrast, the header and stylesheet using them, and every delivered mail's HTML part."""

import email
import email.policy
import logging

import pytest

from tests.conftest import build_app
from training_app.core.branding import (
    DARK,
    WHITE,
    BrandingError,
    contrast_ratio,
    readable_on_white,
    text_colour_on,
)
from training_app.core.mail import build_email
from training_app.core.models import OutboxMessage


def test_the_header_shows_the_logo_and_the_union_name_with_its_short_name_for_phones(client):
    html = client.get("/").get_data(as_text=True)
    header = html[html.index("<header") : html.index("</header>")]
    assert 'src="/static/img/union-logo.svg"' in header
    assert "Konya Belediyeler Birliği" in header
    assert ">KBB</abbr>" in header
    assert "/brand.css?v=" in html


def test_the_brand_stylesheet_carries_the_configured_colours_with_readable_text(tmp_path):
    app = build_app({"UNION_PRIMARY_COLOR": "#FFD966", "UNION_ACCENT_COLOR": "#0B3D6E"})
    css = app.test_client().get("/brand.css").get_data(as_text=True)
    assert "--brand-primary: #ffd966;" in css
    # Light yellow takes dark text, and links are darkened until they read on white.
    assert f"--brand-on-primary: {DARK};" in css
    link = css.split("--brand-link: ")[1].split(";")[0]
    assert contrast_ratio(link, WHITE) >= 4.5
    html = app.test_client().get("/login").get_data(as_text=True)
    assert "navbar-light" in html and "navbar-dark" not in html


@pytest.mark.parametrize(
    "setting, value",
    [
        ("UNION_PRIMARY_COLOR", "blue"),
        ("UNION_ACCENT_COLOR", "#12345"),
        ("UNION_PRIMARY_COLOR", ""),
    ],
)
def test_a_colour_that_is_not_rrggbb_stops_the_start_with_the_setting_named(setting, value):
    with pytest.raises(BrandingError, match=setting):
        build_app({setting: value})


def test_a_logo_outside_static_stops_the_start():
    with pytest.raises(BrandingError, match="UNION_LOGO"):
        build_app({"UNION_LOGO": "../config.py"})


def test_a_colour_no_text_can_read_on_is_reported_at_start(caplog):
    with caplog.at_level(logging.WARNING):
        build_app({"UNION_ACCENT_COLOR": "#808080"})
    assert any("UNION_ACCENT_COLOR #808080" in r.getMessage() for r in caplog.records)


def test_text_colour_follows_contrast_not_configuration():
    assert text_colour_on("#0b3d6e") == WHITE
    assert text_colour_on("#ffd966") == DARK
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio(readable_on_white("#ffd966"), WHITE) >= 4.5
    assert readable_on_white("#0b3d6e") == "#0b3d6e"


def test_a_delivered_mail_has_an_html_part_with_the_union_band_and_the_escaped_body(app):
    message = OutboxMessage(
        recipient="ayse@example.org",
        subject="Başvurunuz alındı",
        body_text=(
            "Sayın <script>alert(1)</script> Öztürk,\n\n"
            "Ayrıntılar: https://egitim.example.org/sessions/7?a=1&b=2.\nİyi çalışmalar."
        ),
        kind="test",
    )
    message.attachments = []
    raw = build_email(message, "egitim@kbb.local").as_bytes()
    sent = email.message_from_bytes(raw, policy=email.policy.default)
    plain = sent.get_body(("plain",)).get_content()
    assert "Sayın <script>alert(1)</script> Öztürk," in plain
    html = sent.get_body(("html",)).get_content()
    assert "Konya Belediyeler Birliği" in html
    assert "background:#0b3d6e" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Öztürk" in html
    assert "<script>" not in html
    assert (
        '<a href="https://egitim.example.org/sessions/7?a=1&amp;b=2" '
        'style="color:#0b3d6e;">https://egitim.example.org/sessions/7?a=1&amp;b=2</a>.'
    ) in html
    assert 'src="cid:union-logo"' in html
    logos = [p for p in sent.walk() if p.get_content_type() == "image/png"]
    assert len(logos) == 1 and logos[0]["Content-ID"] == "<union-logo>"
