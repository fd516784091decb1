"""Printable reports (core/pdf.py): Polish text survives into the PDF, the footer counts pages,
long HTML is refused before WeasyPrint runs, and a report fetches nothing but our static files
(user Markdown rendered into a report can't make the server fetch a URL or read a file)."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import pytest
import weasyprint
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from core.errors import ValidationFailed
from core.pdf import (
    INTERNAL_BASE_URL,
    RefusedURL,
    html_to_pdf,
    pdf_response,
    render_pdf,
    url_fetcher,
)

REPORT = """{% extends "pdf/base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<h1>{{ title }}</h1>
<p>Zażółć gęślą jaźń. ZAŻÓŁĆ GĘŚLĄ JAŹŃ.</p>
<table><thead><tr><th>Person</th><th>Status</th></tr></thead>
<tbody><tr><td>Anna Żółkiewska</td><td><span class="ok">Gotowy do pracy</span></td></tr>
<tr><td>Jan Kowalski</td><td><span class="unsure">Needs review</span></td></tr></tbody></table>
<p class="muted">Ready to work</p>
{% endblock %}"""


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def report_template(settings) -> str:
    """``pdf/test_report.html``, extending the real ``pdf/base.html``."""
    engine = settings.TEMPLATES[0]
    loaders = [
        ("django.template.loaders.locmem.Loader", {"pdf/test_report.html": REPORT}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = [
        {**engine, "APP_DIRS": False, "OPTIONS": {**engine["OPTIONS"], "loaders": loaders}}
    ]
    return "pdf/test_report.html"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP port on this machine that notices any connection."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(0.2)
        yield server


# --- text and layout ---------------------------------------------------------------------------


def test_a_report_reads_back_in_english_and_polish(report_template):
    pdf = render_pdf(None, report_template, {"title": "Raport gotowości"})
    assert pdf.startswith(b"%PDF-")
    (text,) = pdf_text(pdf)
    for expected in (
        "Raport gotowości",
        "Zażółć gęślą jaźń",
        "ZAŻÓŁĆ GĘŚLĄ JAŹŃ",
        "Anna Żółkiewska",
        "Gotowy do pracy",
        "Ready to work",
    ):
        assert expected in text


def test_the_base_template_says_the_language_of_the_report(report_template):
    with translation.override("pl"):
        html = render_to_string(report_template, {"title": "Raport"})
    assert '<html lang="pl">' in html
    assert "<title>Raport</title>" in html


def test_the_footer_counts_the_pages():
    html = render_to_string("pdf/base.html").replace(
        "<body>",
        '<body><p>First</p><p style="break-before: page">Second</p>',
    )
    first, second = pdf_text(html_to_pdf(html))
    assert "1 / 2" in first
    assert "2 / 2" in second


# --- the size limit ----------------------------------------------------------------------------


class FakeHTML:
    made: list[str] = []

    def __init__(self, *, string: str, **kwargs: object) -> None:
        FakeHTML.made.append(string)

    def write_pdf(self, **kwargs: object) -> bytes:
        return b"%PDF-fake"


@pytest.fixture
def fake_weasyprint(monkeypatch) -> list[str]:
    FakeHTML.made = []
    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    return FakeHTML.made


def test_html_over_the_limit_is_refused_before_weasyprint_runs(settings, fake_weasyprint):
    settings.PDF_MAX_HTML_BYTES = 1000
    with pytest.raises(ValidationFailed) as refused:
        html_to_pdf("<p>" + "x" * 1000 + "</p>")
    assert refused.value.status_code == 400
    assert fake_weasyprint == []


def test_the_limit_counts_utf8_bytes_not_characters(settings, fake_weasyprint):
    settings.PDF_MAX_HTML_BYTES = 1000
    with pytest.raises(ValidationFailed):
        html_to_pdf("ż" * 501)  # 501 characters, 1,002 bytes
    assert fake_weasyprint == []
    assert html_to_pdf("x" * 1000) == b"%PDF-fake"
    assert fake_weasyprint == ["x" * 1000]


def test_the_default_limit_refuses_a_huge_report_at_once(fake_weasyprint):
    with pytest.raises(ValidationFailed):
        html_to_pdf("<p>" + "x" * 3_000_000 + "</p>")
    assert fake_weasyprint == []


# --- what a report may fetch -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "file:///etc/passwd",
        "https://169.254.169.254/latest/meta-data/",
        "https://evil.example/static/css/app.css",  # our path, someone else's host
        "https://user@readiness.invalid/static/css/app.css",
        f"{INTERNAL_BASE_URL}etc/passwd",  # our host, outside /static/
        f"{INTERNAL_BASE_URL}static/../../../etc/passwd",
        f"{INTERNAL_BASE_URL}static/%2e%2e/%2e%2e/config/settings.py",
        f"{INTERNAL_BASE_URL}static/css%2f..%2f..%2fconfig/settings.py",
        f"{INTERNAL_BASE_URL}static//etc/passwd",
        f"{INTERNAL_BASE_URL}static/no-such-file.png",
        "data:text/plain,hello",
        "ftp://127.0.0.1/x",
    ],
)
def test_the_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(RefusedURL):
        url_fetcher().fetch(url)


def test_the_fetcher_serves_our_static_files_from_disk():
    response = url_fetcher().fetch(f"{INTERNAL_BASE_URL}static/img/favicon.svg")
    assert response.content_type == "image/svg+xml"
    assert b"<svg" in response.read()
    response = url_fetcher().fetch(f"{INTERNAL_BASE_URL}static/css/app.css")
    assert response.content_type == "text/css"


def test_with_a_base_url_its_static_files_are_ours_and_its_other_paths_are_not():
    fetcher = url_fetcher(base_url="https://readiness.example.com/teams/1/")
    assert fetcher.fetch("https://readiness.example.com/static/css/app.css").read()
    with pytest.raises(RefusedURL):
        fetcher.fetch("https://readiness.example.com/teams/1/report.pdf")
    with pytest.raises(RefusedURL):
        url_fetcher().fetch("https://readiness.example.com/static/css/app.css")


def test_a_report_naming_other_urls_renders_without_fetching_them(listener, caplog):
    port = listener.getsockname()[1]
    html = render_to_string("pdf/base.html").replace(
        "</head>",
        '<link rel="attachment" href="file:///etc/passwd"></head>',
    )
    html = html.replace(
        "<body>",
        f"""<body><p>Gotowy do pracy</p>
        <img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">
        <img src="http://127.0.0.1:{port}/x.png"><img src="/static/img/favicon.svg">
        <link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">
        <a rel="attachment" href="file:///etc/passwd">passwd</a>
        <p style="background: url(http://127.0.0.1:{port}/bg.png)">Zażółć gęślą jaźń</p>""",
    )
    pdf = html_to_pdf(html)
    (text,) = pdf_text(pdf)
    assert "Gotowy do pracy" in text
    assert "Zażółć gęślą jaźń" in text
    with pytest.raises(TimeoutError):
        listener.accept()  # nobody connected
    # /etc/passwd was not embedded (WeasyPrint's own fetcher embeds it for both links).
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.attachments
    annotations = [a.get_object().get("/Subtype") for a in reader.pages[0].get("/Annots", [])]
    assert "/FileAttachment" not in annotations
    refused = " ".join(r.getMessage() for r in caplog.records if "RefusedURL" in r.getMessage())
    assert "file:///etc/passwd" in refused
    assert f"127.0.0.1:{port}/x.png" in refused
    assert "favicon.svg" not in refused  # our own static file did load


# --- the download ------------------------------------------------------------------------------


def test_the_download_names_the_file_in_ascii_and_in_utf8():
    response = pdf_response(b"%PDF-1.7 fake", "Raport – Zażółć gęślą jaźń")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == "13"
    assert response["Content-Disposition"] == (
        'attachment; filename="Raport_Zazolc_gesla_jazn.pdf"; '
        "filename*=UTF-8''Raport%20%E2%80%93%20Za%C5%BC%C3%B3%C5%82%C4%87"
        "%20g%C4%99%C5%9Bl%C4%85%20ja%C5%BA%C5%84.pdf"
    )
    assert response.content == b"%PDF-1.7 fake"


def test_the_download_name_cannot_break_the_header_or_name_a_path():
    header = pdf_response(b"", '../../etc/"x"\r\nSet-Cookie: a=b.PDF')["Content-Disposition"]
    assert "\r" not in header
    assert "\n" not in header
    assert "/" not in header.split("filename=")[1].split(";")[0]
    assert header.startswith("attachment; filename=\"x_Set-Cookie_a_b.pdf\"; filename*=UTF-8''")
    assert pdf_response(b"", "...")["Content-Disposition"].startswith(
        'attachment; filename="document.pdf"'
    )
