"""Markdown to safe HTML: one pure function, used when content is saved (not on every view).

Python-Markdown renders (tables, fenced code, heading anchors); nh3 then keeps only an
allowlist of tags, attributes and URL schemes, so raw HTML in the source can't inject script,
event handlers, ``javascript:``/``data:`` links, SVG or comments.
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"style", "scope"},
    "td": {"style"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}
HEADING_ID_PREFIX = "sec-"


def _heading_slug(value: str, separator: str) -> str:
    # A prefix keeps heading anchors from colliding with the page's own element ids.
    return HEADING_ID_PREFIX + (slugify(value) or "section")


def render_markdown(source: str) -> str:
    """Render ``source`` Markdown to sanitized HTML. Pure: same input, same output."""
    html = md.markdown(
        source or "",
        extensions=["extra", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": _heading_slug}},
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
