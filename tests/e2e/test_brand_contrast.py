"""Contrast with the union's colours: axe-core's color-contrast rule on the main pages with the
default colours and with other configured pairs (a light primary, a light accent), whose text
colours the app computes instead of trusting the configuration."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import axe, describe
from training_app.core.branding import Brand, contrast_ratio

#: (primary, accent): the defaults, a light yellow header with a dark accent, an orange header
#: (dark text reads better on it than white) with a light accent.
PAIRS = [None, ("#ffd966", "#1b4332"), ("#e4572e", "#f4e409")]
PUBLIC_PAGES = ["/", "/catalogue", "/calendar", "/login", "/register"]


@pytest.fixture(params=PAIRS, ids=["default", "light-primary", "light-accent"])
def brand_colours(request, live_app):
    default = live_app.extensions["brand"]
    if request.param is not None:
        primary, accent = request.param
        live_app.extensions["brand"] = Brand(
            name=default.name,
            short_name=default.short_name,
            logo=default.logo,
            primary=primary,
            accent=accent,
        )
    yield live_app.extensions["brand"]
    live_app.extensions["brand"] = default


def contrast_violations(page: Page) -> list[dict]:
    results = axe.run(page, options={"runOnly": ["color-contrast"]})
    return results.response["violations"]


def header_colours(page: Page) -> tuple[str, str]:
    return page.evaluate(
        """() => {
          const nav = document.querySelector('header .navbar');
          const link = document.querySelector('header .navbar-brand');
          return [getComputedStyle(nav).backgroundColor, getComputedStyle(link).color];
        }"""
    )


def rgb_to_hex(css: str) -> str:
    numbers = css[css.index("(") + 1 : css.index(")")].split(",")[:3]
    return "#" + "".join(f"{int(float(n)):02x}" for n in numbers)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_keep_their_contrast_with_the_brand_colours(page: Page, brand_colours, path):
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()
    background, text = (rgb_to_hex(c) for c in header_colours(page))
    assert background == brand_colours.primary
    assert contrast_ratio(background, text) >= 4.5
    violations = contrast_violations(page)
    assert not violations, f"color-contrast on {path}:\n{describe(violations)}"


def test_a_signed_in_participant_s_pages_keep_their_contrast(
    page: Page, brand_colours, participant
):
    email, password, full_name = participant
    page.goto("/login")
    page.get_by_label("E-posta adresi", exact=True).fill(email)
    page.get_by_label("Şifre", exact=True).fill(password)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("link", name=full_name)).to_be_visible()
    for path in ["/", "/profile", "/my/trainings", "/privacy/my-data"]:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        violations = contrast_violations(page)
        assert not violations, f"color-contrast on {path}:\n{describe(violations)}"
