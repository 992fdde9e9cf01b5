"""PDF rendering with WeasyPrint: templates in templates/pdf/, fonts shipped in static/fonts/.

The URL fetcher serves only the app's own static files: no file: paths, no remote URLs, so no
user-controlled address is ever fetched while rendering.
"""

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template

STATIC_PREFIX = "app-static:/"


@lru_cache(maxsize=1)
def font_config():
    """One FontConfiguration for the process (building one per document is slow)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def static_only_fetcher(url: str, timeout: int = 10, ssl_context=None):
    """Serve app-static:/css/x.css from static/; refuse everything else."""
    from weasyprint import default_url_fetcher  # noqa: F401  (keeps the signature familiar)

    if not url.startswith(STATIC_PREFIX):
        raise ValueError(f"Refused to fetch {urlsplit(url).scheme or 'relative'} URL in a PDF")
    static_root = Path(current_app.static_folder).resolve()
    path = (static_root / url[len(STATIC_PREFIX):].lstrip("/")).resolve()
    if static_root not in path.parents or not path.is_file():
        raise ValueError("Refused to fetch a file outside the static folder")
    mime = {".css": "text/css", ".ttf": "font/ttf", ".png": "image/png", ".svg": "image/svg+xml",
            ".jpg": "image/jpeg", ".woff2": "font/woff2"}.get(path.suffix, "application/octet-stream")
    return {"string": path.read_bytes(), "mime_type": mime, "redirected_url": url}


def render_pdf(template: str, **context) -> bytes:
    """Render templates/<template> (a snapshot of plain values) to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, static=STATIC_PREFIX, **context)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=static_only_fetcher)
    return document.write_pdf(font_config=font_config())
