"""Small guards used by several views."""

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """Accept only a local path for redirects after login (no open redirect)."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
