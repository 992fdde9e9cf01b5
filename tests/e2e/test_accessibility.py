"""axe-core on the public pages: no serious or critical violations; the forms fit a phone screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

BLOCKING_IMPACTS = {"serious", "critical"}
PHONE_WIDTH = 360

axe = Axe()


def blocking_violations(page: Page) -> list[dict]:
    results = axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", ["/", "/login", "/register"])
def test_page_has_no_serious_accessibility_violations(page: Page, path: str):
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()
    violations = blocking_violations(page)
    assert not violations, f"axe on {path}:\n{describe(violations)}"


def test_registration_errors_have_no_serious_accessibility_violations(page: Page):
    """The form as it comes back with errors: invalid fields and their messages."""
    page.goto("/register")
    page.get_by_label("Ad", exact=True).fill("Ömer")
    page.get_by_role("button", name="Hesap oluştur").click()
    expect(page.get_by_role("alert")).to_be_visible()
    violations = blocking_violations(page)
    assert not violations, f"axe on /register with errors:\n{describe(violations)}"


@pytest.mark.parametrize("path", ["/", "/profile"])
def test_logged_in_page_has_no_serious_accessibility_violations(page: Page, participant, path):
    email, password, full_name = participant
    page.goto("/login")
    page.get_by_label("E-posta adresi", exact=True).fill(email)
    page.get_by_label("Şifre", exact=True).fill(password)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("link", name=full_name)).to_be_visible()
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()
    violations = blocking_violations(page)
    assert not violations, f"axe on {path} (logged in):\n{describe(violations)}"


def test_registration_page_fits_a_phone_screen(page: Page):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page.goto("/register")
    expect(page.get_by_role("button", name="Hesap oluştur")).to_be_attached()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, (
        f"horizontal scrollbar at {PHONE_WIDTH}px: the page is {scroll_width}px wide"
    )
