"""PDF rendering with WeasyPrint: templates in templates/pdf/, fonts shipped in static/fonts/.

The URL fetcher serves only the app's own static files and inline data: URIs (QR codes): no
file: paths, no remote URLs, so no user-controlled address is ever fetched while rendering.
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


def _resolve(url: str) -> tuple[bytes, str]:
    """(content, mime type) of an app-static:/ or data: URL; ValueError for anything else."""
    if url.startswith("data:"):
        return _data_uri(url)
    if not url.startswith(STATIC_PREFIX):
        raise ValueError(f"Refused to fetch {urlsplit(url).scheme or 'relative'} URL in a PDF")
    static_root = Path(current_app.static_folder).resolve()
    path = (static_root / url[len(STATIC_PREFIX) :].lstrip("/")).resolve()
    if static_root not in path.parents or not path.is_file():
        raise ValueError("Refused to fetch a file outside the static folder")
    mime = {
        ".css": "text/css",
        ".ttf": "font/ttf",
        ".png": "image/png",
        ".svg": "image/svg+xml",
        ".jpg": "image/jpeg",
        ".woff2": "font/woff2",
    }
    return path.read_bytes(), mime.get(path.suffix, "application/octet-stream")


def _data_uri(url: str) -> tuple[bytes, str]:
    """Decode a data: URI in memory (nothing is fetched): data:image/png;base64,...."""
    import base64
    from urllib.parse import unquote_to_bytes

    header, _sep, payload = url[len("data:") :].partition(",")
    mime, *params = header.split(";")
    data = base64.b64decode(payload) if "base64" in params else unquote_to_bytes(payload)
    return data, mime or "text/plain"


def static_only_fetcher(url: str, timeout: int = 10, ssl_context=None):
    """WeasyPrint < 67: serve app-static:/css/x.css from static/ and data: URIs, nothing else."""
    data, mime = _resolve(url)
    return {"string": data, "mime_type": mime, "redirected_url": url}


@lru_cache(maxsize=1)
def _fetcher_class():
    """WeasyPrint >= 67 wants a URLFetcher whose fetch() returns a URLFetcherResponse (a plain
    function returning a dict fails: fonts silently fall back to system fonts, images break)."""
    try:
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:
        return None

    class StaticOnlyURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            data, mime = _resolve(url)
            return URLFetcherResponse(url, data, {"Content-Type": mime})

    return StaticOnlyURLFetcher


def url_fetcher():
    """The URL fetcher for this WeasyPrint: app static files and data: URIs only."""
    cls = _fetcher_class()
    return cls(fail_on_errors=True) if cls is not None else static_only_fetcher


def render_pdf(template: str, **context) -> bytes:
    """Render templates/<template> (a snapshot of plain values) to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, static=STATIC_PREFIX, **context)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=url_fetcher())
    return document.write_pdf(font_config=font_config())


def merge_pdfs(parts, target) -> int:
    """Concatenate PDF files `parts` (paths) into `target` (a path); returns the page count.

    Used by bulk printing: documents render in chunks of about 50 pages (WeasyPrint's memory
    grows with the pages of one document) and the chunks are merged here.
    """
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    with open(target, "wb") as out:
        writer.write(out)
    pages = len(writer.pages)
    writer.close()
    return pages
