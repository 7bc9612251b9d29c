"""Making PDFs with WeasyPrint without letting a page reach anything but the app's own static files.

WeasyPrint fetches every URL a page names (stylesheets, images, fonts), by default from anywhere:
the internet, the machine's own network, its disk. Every PDF is made here, with a fetcher that
serves the app's static files from disk and data: URIs, and refuses everything else.
"""

import base64
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

# Pages are rendered with this base, so "/static/…" resolves to an address the fetcher knows as ours.
BASE_URL = "https://museumshare.invalid/"


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch."""


def _static_path(name: str) -> Path | None:
    if not name or any(part in ("", ".", "..") for part in name.split("/")) or "\\" in name:
        return None
    found = finders.find(name)
    if isinstance(found, str):
        return Path(found)
    try:
        collected = Path(staticfiles_storage.path(name))
    except Exception:  # a storage without local paths, or a name it will not join
        return None
    return collected if collected.is_file() else None


def _data(url: str) -> tuple[bytes, str]:
    header, _, payload = url.removeprefix("data:").partition(",")
    media_type, _, rest = header.partition(";")
    body = base64.b64decode(unquote(payload)) if rest.endswith("base64") else unquote_to_bytes(payload)
    return body, media_type or "text/plain"


def resolve(url: str) -> tuple[bytes, str]:
    """The bytes and media type `url` names if the PDF may have them; RefusedURL otherwise."""
    if url.startswith("data:"):
        return _data(url)
    parts = urlsplit(url)
    origin = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or not parts.path.startswith(settings.STATIC_URL):
        raise RefusedURL(f"A PDF may only use the site's own static files, not {url[:200]}")
    path = _static_path(unquote(parts.path.removeprefix(settings.STATIC_URL)))
    if path is None:
        raise RefusedURL(f"No static file at {parts.path[:200]}")
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that fetches only what `resolve` allows."""
    # Imported here, not at the top: the site starts even where WeasyPrint's system libraries are missing.
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            body, media_type = resolve(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return StaticOnly(allowed_protocols=())


def write_pdf(html: str, **options: Any) -> bytes:
    """The PDF of the HTML page `html`; `options` go to WeasyPrint's write_pdf."""
    import weasyprint  # type: ignore[import-untyped]

    return bytes(weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf(**options))
