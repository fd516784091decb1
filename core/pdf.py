"""Printable reports: HTML to PDF with WeasyPrint, bounded and unable to reach the network.

- ``html_to_pdf`` refuses HTML longer than ``settings.PDF_MAX_HTML_BYTES`` (``ValidationFailed``)
  before WeasyPrint lays anything out.
- WeasyPrint asks for every image, stylesheet, font or attachment the HTML names; it gets only
  the project's own static files (``/static/…``, found by the staticfiles finders or among the
  collected files). Anything else (``http://127.0.0.1/…``, ``file:///etc/passwd``, ``data:``, a
  relative path outside ``/static/``) is refused (``RefusedURL``) and WeasyPrint leaves it out,
  so Markdown written by a user and rendered into a report can't make the server fetch a URL.
- The default stylesheet sets DejaVu Sans (Debian's ``fonts-dejavu-core``), which has every
  Polish letter; ``scripts/ensure_system_libs.py`` installs it with Pango.

``render_pdf`` renders a template (``templates/pdf/base.html`` is the base: A4, margins, page
"X / Y" in the footer) and ``pdf_response`` sends the bytes as a download. WeasyPrint (and the
Pango it loads) is imported on the first PDF, not when the site starts.
"""

from __future__ import annotations

import functools
import mimetypes
import posixpath
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

PDF_MAX_HTML_BYTES_DEFAULT = 2_000_000
"""``settings.PDF_MAX_HTML_BYTES`` when unset: a report of a few hundred pages."""
INTERNAL_BASE_URL = "https://readiness.invalid/"
"""Where relative URLs resolve when no base URL is given (``.invalid`` never resolves):
``/static/css/x.css`` becomes ``https://readiness.invalid/static/css/x.css``."""
DEFAULT_CSS = 'html { font-family: "DejaVu Sans", sans-serif; }'
"""Under every PDF; set on ``html`` so that a template's own fonts (inherited or not) win."""


class RefusedURL(ValueError):
    """A URL a PDF may not fetch: WeasyPrint logs it and leaves the resource out."""


def max_html_bytes() -> int:
    return int(getattr(settings, "PDF_MAX_HTML_BYTES", PDF_MAX_HTML_BYTES_DEFAULT))


def _origin(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        return None
    return scheme, parts.netloc.lower()


def static_file_for_url(url: str, *, base_url: str | None = None) -> Path:
    """The file of one of our static files that ``url`` names, or ``RefusedURL``.

    ``url`` is absolute (WeasyPrint has joined it to the base URL): its origin must be the
    internal base's, ``base_url``'s or an absolute ``STATIC_URL``'s, and its path must be under
    ``STATIC_URL``'s. The file is looked up by name, never at the URL's path, and never fetched.
    """
    origins = {_origin(INTERNAL_BASE_URL)}
    if base_url:
        origins.add(_origin(base_url))
    static = urlsplit(settings.STATIC_URL or "/static/")
    if static.netloc:
        origins.add(_origin(settings.STATIC_URL))
    origins.discard(None)
    parts = urlsplit(url)
    if _origin(url) not in origins:
        raise RefusedURL(f"not one of our static files: {url[:200]}")
    prefix = static.path if static.path.endswith("/") else static.path + "/"
    if not parts.path.startswith(prefix):
        raise RefusedURL(f"not one of our static files: {url[:200]}")
    name = unquote(parts.path[len(prefix) :])
    segments = name.split("/")
    if not name or "\\" in name or "\x00" in name or any(s in ("", ".", "..") for s in segments):
        raise RefusedURL(f"not a static file's name: {url[:200]}")
    found = _find_static(name)
    if found is None:
        raise RefusedURL(f"no such static file: {url[:200]}")
    return found


def _find_static(name: str) -> Path | None:
    """``name`` in the static folders (as in development), else among the collected files
    (``collectstatic``: the hashed names ``{% static %}`` writes in production)."""
    try:
        found = finders.find(name)
        if isinstance(found, str) and Path(found).is_file():
            return Path(found)
        if staticfiles_storage.exists(name):
            path = Path(staticfiles_storage.path(name))
            return path if path.is_file() else None
    except (SuspiciousFileOperation, NotImplementedError, ValueError, OSError):
        return None
    return None


def fetch_static(url: str, *, base_url: str | None = None) -> tuple[bytes, str]:
    """The bytes and MIME type of the static file ``url`` names, or ``RefusedURL``."""
    path = static_file_for_url(url, base_url=base_url)
    mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.read_bytes(), mime_type


@functools.cache
def _fetcher_class() -> type[Any]:
    """WeasyPrint's ``URLFetcher`` answering only with our static files (built on first use,
    so that WeasyPrint is imported only when a PDF is made)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def __init__(self, *, base_url: str | None = None) -> None:
            # No protocol and no redirect for the opener URLFetcher builds: it is never used.
            super().__init__(allowed_protocols=frozenset(), allow_redirects=False)
            self.base_url = base_url

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            body, mime_type = fetch_static(url, base_url=self.base_url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})

    return StaticFilesFetcher


def url_fetcher(*, base_url: str | None = None) -> Any:
    """The fetcher ``html_to_pdf`` gives WeasyPrint: ``url_fetcher().fetch(url)`` answers with
    one of our static files or raises ``RefusedURL``."""
    return _fetcher_class()(base_url=base_url)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of ``html``; ``ValidationFailed`` past ``PDF_MAX_HTML_BYTES`` (UTF-8 bytes).

    Relative URLs resolve against ``base_url`` (default: an internal base, so ``/static/…``
    works); only our static files are fetched, whatever the HTML names.
    """
    limit = max_html_bytes()
    if len(html) > limit or len(html.encode("utf-8")) > limit:
        message = _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
        raise ValidationFailed(message)

    from weasyprint import CSS, HTML

    fetcher = url_fetcher(base_url=base_url)
    document = HTML(string=html, base_url=base_url or INTERNAL_BASE_URL, url_fetcher=fetcher)
    stylesheet = CSS(string=DEFAULT_CSS, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet])
    return pdf


def render_pdf(
    request: HttpRequest | None, template_name: str, context: Mapping[str, Any] | None = None
) -> bytes:
    """The PDF of a template (extending ``pdf/base.html``), rendered with ``request``'s context
    processors when there is a request (a view), without them otherwise (a task)."""
    html = render_to_string(template_name, dict(context or {}), request=request)
    return html_to_pdf(html)


_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NOT_DECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o"})


def _pdf_filename(filename: str) -> str:
    """The last part of ``filename``, without control characters, ending in ``.pdf``."""
    name = posixpath.basename(_CONTROL.sub("", filename).replace("\\", "/")).strip()
    name = name.strip(". ") or "document"
    return name if name.lower().endswith(".pdf") else name + ".pdf"


def _ascii_filename(name: str) -> str:
    """``Zażółć gęślą jaźń.pdf`` → ``Zazolc_gesla_jazn.pdf``: for clients without RFC 6266."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_NOT_DECOMPOSED))
    ascii_name = decomposed.encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE_ASCII.sub("_", ascii_name[: -len(".pdf")])
    return (stem.strip("._") or "document") + ".pdf"


def pdf_response(pdf_bytes: bytes, filename: str) -> HttpResponse:
    """``pdf_bytes`` as a download named ``filename`` (any language: an ASCII ``filename`` for
    old clients and the exact name in ``filename*``)."""
    name = _pdf_filename(filename)
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["Content-Length"] = str(len(pdf_bytes))
    return response
