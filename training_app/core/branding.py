"""The union's identity from configuration: name, short name, logo and two brand colours.

The configured colours are not trusted for legibility: the text drawn on them (white or near
black) is computed from their contrast ratio (WCAG 2.x), and the link colour is darkened until
it reads on a white page. A colour that reaches AA with neither text colour is reported at start.
"""

import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("training_app.branding")

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
WHITE = "#ffffff"
#: The body text colour of the pages (Bootstrap's), used as the dark choice on light colours.
DARK = "#212529"
BLACK = "#000000"
#: WCAG 2.x level AA for normal text.
AA_TEXT = 4.5


class BrandingError(RuntimeError):
    """A brand setting that cannot be used; raised at start, with the setting's name."""


def parse_colour(name: str, value: str) -> str:
    """`value` as lower-case #rrggbb, or BrandingError naming the setting."""
    value = (value or "").strip()
    if not HEX_COLOUR.fullmatch(value):
        raise BrandingError(
            f"{name} must be a colour written #rrggbb (e.g. #0b3d6e), not {value!r}."
        )
    return value.lower()


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(rgb) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of #rrggbb."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour_on(background: str) -> str:
    """The text colour for `background`: white, else the pages' dark grey, else black (a
    mid-tone such as orange reads only in black), the first that reaches AA; failing all
    three, whichever contrasts most."""
    candidates = (WHITE, DARK, BLACK)
    for colour in candidates:
        if contrast_ratio(background, colour) >= AA_TEXT:
            return colour
    return max(candidates, key=lambda colour: contrast_ratio(background, colour))


def mix(colour: str, other: str, weight: float) -> str:
    """`colour` moved `weight` (0..1) of the way towards `other`."""
    a, b = _rgb(colour), _rgb(other)
    return _hex(x + (y - x) * weight for x, y in zip(a, b, strict=True))


def readable_on_white(colour: str, minimum: float = AA_TEXT) -> str:
    """`colour`, darkened in small steps until it reaches `minimum` contrast on white."""
    candidate = colour
    step = 0
    while contrast_ratio(candidate, WHITE) < minimum and step < 20:
        step += 1
        candidate = mix(colour, "#000000", step * 0.05)
    return candidate


def hover_shade(colour: str) -> str:
    """A button's hover/active background: darker, or lighter for an already very dark colour."""
    return (
        mix(colour, "#000000", 0.15)
        if relative_luminance(colour) > 0.03
        else mix(colour, WHITE, 0.15)
    )


@dataclass(frozen=True)
class Brand:
    name: str
    short_name: str
    #: Path under static/ of the logo (SVG or PNG), as url_for("static", filename=...) takes it.
    logo: str
    primary: str
    accent: str

    @property
    def on_primary(self) -> str:
        return text_colour_on(self.primary)

    @property
    def on_accent(self) -> str:
        return text_colour_on(self.accent)

    @property
    def primary_hover(self) -> str:
        return hover_shade(self.primary)

    @property
    def link(self) -> str:
        return readable_on_white(self.primary)

    @property
    def css_version(self) -> str:
        """Changes with the colours: the stylesheet's URL, so that browsers fetch the new one."""
        import hashlib

        return hashlib.sha256(self.css().encode()).hexdigest()[:10]

    @property
    def header_is_dark(self) -> bool:
        """Whether the header (primary colour) takes light text: Bootstrap's navbar-dark."""
        return self.on_primary == WHITE

    def logo_png(self, static_folder: str) -> Path | None:
        """The logo as PNG for mails (clients do not show SVG): the logo itself, or the .png of
        the same name beside an SVG logo; None when there is none."""
        path = Path(static_folder, self.logo)
        if path.suffix.lower() == ".png":
            return path
        sibling = path.with_suffix(".png")
        return sibling if sibling.is_file() else None

    def warnings(self) -> list[str]:
        """The colours on which neither white nor the pages' dark text reaches WCAG AA (4.5:1):
        a mid-tone, readable only in black (every colour reaches AA with white or black)."""
        problems = []
        for name, colour in (
            ("UNION_PRIMARY_COLOR", self.primary),
            ("UNION_ACCENT_COLOR", self.accent),
        ):
            white, dark = contrast_ratio(colour, WHITE), contrast_ratio(colour, DARK)
            if max(white, dark) < AA_TEXT:
                text = text_colour_on(colour)
                problems.append(
                    f"{name} {colour} reaches only {white:.2f}:1 with white text and "
                    f"{dark:.2f}:1 with dark text (WCAG AA needs {AA_TEXT}:1): text on it is "
                    f"drawn in {text} ({contrast_ratio(colour, text):.2f}:1); a darker or "
                    "lighter colour would look less harsh."
                )
        return problems

    def css(self) -> str:
        """The custom properties and the few rules that carry the brand colours."""
        p, on_p, hover, link = self.primary, self.on_primary, self.primary_hover, self.link
        on_hover, on_link = text_colour_on(hover), text_colour_on(link)
        link_hover = mix(link, "#000000", 0.2)
        link_rgb = _rgb_list(link)

        def button(bg, fg, hover_bg, hover_fg):
            return {
                "--bs-btn-color": fg,
                "--bs-btn-bg": bg,
                "--bs-btn-border-color": fg if bg == "transparent" else bg,
                "--bs-btn-hover-color": hover_fg,
                "--bs-btn-hover-bg": hover_bg,
                "--bs-btn-hover-border-color": hover_bg,
                "--bs-btn-active-color": hover_fg,
                "--bs-btn-active-bg": hover_bg,
                "--bs-btn-active-border-color": hover_bg,
                "--bs-btn-focus-shadow-rgb": link_rgb,
            }

        rules = {
            ":root": {
                "--brand-primary": p,
                "--brand-on-primary": on_p,
                "--brand-primary-hover": hover,
                "--brand-accent": self.accent,
                "--brand-on-accent": self.on_accent,
                "--brand-link": link,
                "--brand-focus": link,
                "--bs-primary": p,
                "--bs-primary-rgb": _rgb_list(p),
                "--bs-link-color": link,
                "--bs-link-color-rgb": link_rgb,
                "--bs-link-hover-color": link_hover,
                "--bs-link-hover-color-rgb": _rgb_list(link_hover),
                "--bs-focus-ring-color": f"rgba({link_rgb}, .5)",
            },
            ".site-header .navbar": {
                "background-color": p,
                "border-bottom": f".3rem solid {self.accent}",
                "--bs-navbar-color": on_p,
                "--bs-navbar-hover-color": on_p,
                "--bs-navbar-active-color": on_p,
                "--bs-navbar-brand-color": on_p,
                "--bs-navbar-brand-hover-color": on_p,
                "--bs-navbar-toggler-border-color": on_p,
                "--brand-header-focus": on_p,
            },
            ".btn-header": button("transparent", on_p, on_p, p),
            ".btn-primary": {
                **button(p, on_p, hover, on_hover),
                "--bs-btn-disabled-color": on_p,
                "--bs-btn-disabled-bg": p,
                "--bs-btn-disabled-border-color": p,
            },
            ".btn-outline-primary": {
                **button("transparent", link, link, on_link),
                "--bs-btn-border-color": link,
                "--bs-btn-disabled-color": link,
                "--bs-btn-disabled-border-color": link,
            },
            # On a light primary, text in the primary colour would not read: the link colour does.
            ".text-primary, .link-primary": {"color": f"{link} !important"},
            ".text-bg-primary, .badge.bg-primary": {
                "color": f"{on_p} !important",
                "background-color": f"{p} !important",
            },
            ".pagination": {
                "--bs-pagination-active-bg": p,
                "--bs-pagination-active-border-color": p,
                "--bs-pagination-active-color": on_p,
                "--bs-pagination-focus-box-shadow": f"0 0 0 .25rem rgba({link_rgb}, .4)",
            },
            ".nav-pills": {
                "--bs-nav-pills-link-active-bg": p,
                "--bs-nav-pills-link-active-color": on_p,
            },
            ".form-check-input:checked": {"background-color": p, "border-color": p},
            ".form-control:focus, .form-select:focus, .form-check-input:focus": {
                "border-color": link,
                "box-shadow": f"0 0 0 .25rem rgba({link_rgb}, .35)",
            },
        }
        lines = ["/* The union's colours (UNION_PRIMARY_COLOR, UNION_ACCENT_COLOR). */"]
        for selector, declarations in rules.items():
            body = "".join(f"  {name}: {value};\n" for name, value in declarations.items())
            lines.append(f"{selector} {{\n{body}}}")
        return "\n".join(lines) + "\n"


def _rgb_list(colour: str) -> str:
    """ "11, 61, 110": the form Bootstrap's *-rgb custom properties take."""
    return ", ".join(str(c) for c in _rgb(colour))


def brand_from_config(config) -> Brand:
    """The Brand of a Flask config, BrandingError when a setting cannot be used."""
    logo = (config.get("UNION_LOGO") or "").strip().lstrip("/")
    return Brand(
        name=config["UNION_NAME"],
        short_name=config.get("UNION_SHORT_NAME") or config["UNION_SHORT_CODE"],
        logo=logo,
        primary=parse_colour("UNION_PRIMARY_COLOR", config.get("UNION_PRIMARY_COLOR", "")),
        accent=parse_colour("UNION_ACCENT_COLOR", config.get("UNION_ACCENT_COLOR", "")),
    )


def init_app(app) -> Brand:
    """Check the brand settings at start (refuse a wrong one, warn about poor contrast) and keep
    the result for the context processor, the brand stylesheet, mails and PDFs."""
    brand = brand_from_config(app.config)
    if brand.logo:
        static_root = Path(app.static_folder).resolve()
        path = (static_root / brand.logo).resolve()
        if static_root not in path.parents or not path.is_file():
            raise BrandingError(
                f"UNION_LOGO must name a file under static/ (e.g. img/union-logo.svg), "
                f"not {brand.logo!r}."
            )
    for problem in brand.warnings():
        app.logger.warning(problem)
    app.extensions["brand"] = brand
    return brand


def current_brand() -> Brand:
    from flask import current_app

    return current_app.extensions["brand"]
