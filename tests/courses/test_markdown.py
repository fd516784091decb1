"""Markdown is rendered once and sanitized: stored-XSS payloads never survive."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from core.markdown import ALLOWED_TAGS, render_markdown
from courses import services as courses_services
from courses.models import Lesson
from tests import factories

PAYLOADS = {
    "script-tag": "<script>alert('x')</script>",
    "script-uppercase": "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    "javascript-link": "[click](javascript:alert('x'))",
    "javascript-html-link": '<a href="javascript:alert(1)">click</a>',
    "javascript-entity-link": '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "data-link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data-image": '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    "event-handler": '<img src="x.png" onerror="alert(1)">',
    "event-handler-p": '<p onclick="alert(1)" onmouseover="alert(2)">hover</p>',
    "svg": '<svg onload="alert(1)"><script>alert(2)</script></svg>',
    "svg-use": '<svg><use href="data:image/svg+xml,&lt;svg id=x&gt;"/></svg>',
    "html-comment": "<!-- <script>alert(1)</script> --> ok",
    "malformed-tag": "<img src=x onerror=alert(1)//",
    "unclosed-script": "<scr<script>ipt>alert(1)</script>",
    "iframe": '<iframe src="https://evil.test"></iframe>',
    "style-tag": "<style>body{background:url(javascript:alert(1))}</style>",
    "attr-list": 'A paragraph\n{: onclick="alert(1)" }',
    "form": '<form action="https://evil.test"><input name="password"></form>',
}


class _Inspector(HTMLParser):
    """Collects what a browser would treat as markup: tags, attributes, comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.comments.append(data)


def assert_safe(html: str) -> None:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    assert inspector.tags <= ALLOWED_TAGS, inspector.tags - ALLOWED_TAGS
    assert not inspector.comments
    for name, value in inspector.attributes:
        assert not name.startswith("on"), (name, value)
        assert name in {"href", "src", "title", "alt", "id", "rel", "style", "scope", "start"}, name
        if name in {"href", "src"}:
            scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
            assert scheme in {"", "http", "https", "mailto"}, value
        if name == "style":
            assert value.replace(" ", "") in {
                "text-align:left",
                "text-align:center",
                "text-align:right",
            }


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_render_markdown_removes_the_payload(payload):
    html = render_markdown(f"Intro\n\n{payload}\n\nOutro")
    assert_safe(html)
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_payloads_do_not_survive_sops_and_lessons_or_their_pages(client, member, payload):
    sop = factories.sop_published(f"## Steps\n\n{payload}")
    module = factories.module_with_lessons(lessons=0)
    lesson = courses_services.lesson_save(
        lesson=Lesson(module=module, position=1, title="L", body=f"Read this.\n\n{payload}")
    )
    assert_safe(sop.versions.get().body_html)
    assert_safe(lesson.body_html)

    client.force_login(member)
    for url in [
        reverse("courses:sop", args=[sop.slug]),
        reverse("courses:lesson", args=[module.slug, 1]),
    ]:
        page = client.get(url).content.decode()
        # the user's content is the prose block (the allowlist has no <div>, so it ends at one)
        prose = page.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
        assert "Read this." in prose or "Steps" in prose
        assert_safe(prose)


def test_headings_get_anchors_links_get_noopener_and_tables_render():
    html = render_markdown(
        "## Escalation paths\n\n[Wiki](https://wiki.example/x)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert '<h2 id="sec-escalation-paths">Escalation paths</h2>' in html
    assert '<a href="https://wiki.example/x" rel="noopener noreferrer">Wiki</a>' in html
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_rendering_is_pure():
    source = "# Title\n\nSome *text*."
    assert render_markdown(source) == render_markdown(source)


@pytest.mark.parametrize(
    "html",
    [
        '<img src="x" onerror="y">',
        '<a href="javascript:x">a</a>',
        "<script>x</script>",
        "<!-- x -->",
    ],
    ids=["handler", "js-link", "script", "comment"],
)
def test_the_checker_itself_catches_unsafe_markup(html):
    with pytest.raises(AssertionError):
        assert_safe(html)
