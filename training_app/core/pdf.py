"""PDF rendering with WeasyPrint: templates in templates/pdf/, fonts shipped in static/fonts/.

The URL fetcher serves only the app's own static files and inline data: URIs (QR codes): no
file: paths, no remote URLs, so no user-controlled address is ever fetched while rendering.
"""

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template

STATIC_PREFIX = "app-static:/"
#: Uploaded design images (logos, backgrounds) by hash: served from the mapping given to
#: render_pdf, never from a path or address.
IMAGE_PREFIX = "design-image:/"


@lru_cache(maxsize=1)
def font_config():
    """One FontConfiguration for the process (building one per document is slow)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _resolve(url: str, images=None) -> tuple[bytes, str]:
    """(content, mime type) of an app-static:/, design-image:/ or data: URL; ValueError for
    anything else."""
    if url.startswith("data:"):
        return _data_uri(url)
    if url.startswith(IMAGE_PREFIX):
        found = (images or {}).get(url[len(IMAGE_PREFIX) :])
        if found is None:
            raise ValueError("Refused to fetch an unknown design image")
        mime, data = found
        return data, mime
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


def static_only_fetcher(url: str, timeout: int = 10, ssl_context=None, images=None):
    """WeasyPrint < 67: serve app-static:/css/x.css from static/ and data: URIs, nothing else."""
    data, mime = _resolve(url, images)
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
        images: dict = {}

        def fetch(self, url, headers=None):
            data, mime = _resolve(url, self.images)
            return URLFetcherResponse(url, data, {"Content-Type": mime})

    return StaticOnlyURLFetcher


def url_fetcher(images: dict | None = None):
    """The URL fetcher for this WeasyPrint: app static files, data: URIs and the design images
    given (hash -> (mime type, bytes)) only."""
    cls = _fetcher_class()
    if cls is None:
        return lambda url, *args, **kwargs: static_only_fetcher(url, *args, images=images, **kwargs)
    fetcher = cls(fail_on_errors=True)
    fetcher.images = images or {}
    return fetcher


def render_pdf(template: str, images: dict | None = None, **context) -> bytes:
    """Render templates/<template> (a snapshot of plain values) to PDF bytes; `images` are the
    uploaded design images the template may name as design-image:/<hash>."""
    from weasyprint import HTML

    html = render_template(template, static=STATIC_PREFIX, images_prefix=IMAGE_PREFIX, **context)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=url_fetcher(images))
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
