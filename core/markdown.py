"""Markdown to safe HTML: one pure function, used when content is saved (not on every view).

markdown-it-py renders CommonMark with tables (fenced code, heading anchors); nh3 then keeps
only an allowlist of tags, attributes and URL schemes, so raw HTML in the source can't inject
script, event handlers, ``javascript:``/``data:`` links, SVG or comments.

Rendering takes time linear in the length of the source, whatever the source (docs/architecture.md,
"Bounded Markdown"; ``tests/core/test_markdown_bounds.py`` checks it on adversarial input):

- markdown-it is linear by design (no backtracking link or emphasis search; Python-Markdown, used
  before, took 7.4 s for 4,000 ``[`` and 13.5 minutes for a 90 KB SOP of brackets);
- containers (block quotes, lists) nest at most ``BLOCK_NESTING_LIMIT`` levels deep: what is
  deeper shows as plain text; inline nesting stops at ``INLINE_NESTING_LIMIT``;
- raw HTML is sanitized one top-level block at a time, with at most ``RAW_HTML_TAGS_PER_BLOCK``
  tags per block (more show as text), so the HTML parser's quadratic corners (a deep stack of
  ``<ul><li>``, hundreds of open ``<b>`` re-opened in every later paragraph) stay bounded;
- past ``MARKDOWN_MAX_CHARS`` the source is shown as preformatted text, not rendered. The
  editors refuse a longer text; this is the backstop for any other caller.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import table as markdown_it_table
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

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


MARKDOWN_MAX_CHARS = 200_000
"""The longest source rendered as Markdown (the editors refuse more; the preview sends at most
this much). The slowest input of this size found takes 3.7 s of CPU, ordinary Markdown 0.45 s."""
BLOCK_NESTING_LIMIT = 16
"""Token levels of containers (a block quote is one, a list two); deeper content is text."""
INLINE_NESTING_LIMIT = 20
"""markdown-it's own guard on nested links, images and emphasis (its CommonMark default)."""
RAW_HTML_TAGS_PER_BLOCK = 256
"""Raw HTML tags (counted as ``<``) kept in one top-level block; the rest show as text. The
sanitizer's work on one block can grow with the square of its tags (1,000 distinct open ``<b>``:
62 ms); at 256 it stays below a millisecond per kilobyte."""
TABLE_CELLS_PER_DOCUMENT = 10_000
"""Table cells in one document; a table that would pass the limit stays text, as do the tables
after it. (markdown-it pads every row to the header's width, so a few hundred bytes of pipes
make up to 65,536 cells, a table, and a 200 KB source of such tables took 113 s.)"""

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    filter_style_properties={"text-align"},
    strip_comments=True,
)


def _heading_slug(value: str) -> str:
    # A prefix keeps heading anchors from colliding with the page's own element ids.
    return HEADING_ID_PREFIX + (slugify(value) or "section")


def _heading_ids(state: StateCore) -> None:
    """``id="sec-<slug>"`` on every heading; a repeated slug gets ``_1``, ``_2``… (the ids
    Python-Markdown's toc extension gave, so links into existing pages keep working)."""
    used: set[str] = set()
    next_suffix: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        children = tokens[index + 1].children or []
        text = "".join(
            "\n" if child.type == "softbreak" else child.content
            for child in children
            if child.type in {"text", "code_inline", "softbreak"}
        )
        slug = candidate = _heading_slug(text)
        if candidate in used:
            number = next_suffix.get(slug, 1)
            while f"{slug}_{number}" in used:
                number += 1
            candidate = f"{slug}_{number}"
            next_suffix[slug] = number + 1
        used.add(candidate)
        token.attrSet("id", candidate)


def _nesting_guard(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """At ``BLOCK_NESTING_LIMIT``, the rest of the container is one paragraph of plain text
    (markdown-it would drop it at its own limit)."""
    if state.level < BLOCK_NESTING_LIMIT:
        return False
    if silent:
        return True
    line = start_line
    while line < end_line and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
        line += 1
    token = state.push("nesting_overflow", "", 0)
    token.content = state.getLines(start_line, line, state.blkIndent, False).strip()
    token.map = [start_line, line]
    state.line = line
    return True


def _bounded_table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's table, within the document's ``TABLE_CELLS_PER_DOCUMENT``: the cells are
    counted (header width × lines up to the next blank one) before any is made."""
    left = state.env["table_cells_left"]
    if left <= 0 or not markdown_it_table(state, start_line, end_line, True):
        return False
    if silent:
        return True
    header = state.getLines(start_line, start_line + 1, state.blkIndent, False)
    columns = header.strip().strip("|").count("|") + 1  # escaped pipes count too: an upper bound
    rows, line = 1, start_line + 2
    while line < end_line and not state.isEmpty(line) and columns * rows <= left:
        rows, line = rows + 1, line + 1
    if columns * rows > left:
        state.env["table_cells_left"] = 0  # later tables stay text too: no second count
        return False
    state.env["table_cells_left"] = left - columns * rows
    return markdown_it_table(state, start_line, end_line, False)


def _render_nesting_overflow(
    self: Any, tokens: Sequence[Token], index: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    return f"<p>{escapeHtml(tokens[index].content)}</p>\n"


def _render_raw_html(
    self: Any, tokens: Sequence[Token], index: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    content = tokens[index].content
    env["raw_html_budget"] -= content.count("<")
    return content if env["raw_html_budget"] >= 0 else escapeHtml(content)


def _parser() -> MarkdownIt:
    parser = MarkdownIt(
        "commonmark", {"html": True, "maxNesting": INLINE_NESTING_LIMIT, "xhtmlOut": False}
    ).enable("table")
    # Every URL reaches nh3, whose allowlist (http, https, mailto, relative) is stricter than
    # markdown-it's denylist; a refused link then stays a link without its href, as before.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    parser.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    first_block_rule = parser.block.ruler.get_all_rules()[0]
    parser.block.ruler.before(first_block_rule, "nesting_guard", _nesting_guard)
    parser.core.ruler.after("inline", "heading_ids", _heading_ids)
    parser.add_render_rule("nesting_overflow", _render_nesting_overflow)
    parser.add_render_rule("html_block", _render_raw_html)
    parser.add_render_rule("html_inline", _render_raw_html)
    return parser


_PARSER = _parser()


def _has_raw_html(block: Sequence[Token]) -> bool:
    return any(
        token.type == "html_block"
        or (token.type == "inline" and any(c.type == "html_inline" for c in token.children or ()))
        for token in block
    )


def _chunks(tokens: list[Token]) -> Iterator[list[Token]]:
    """The token stream in pieces to sanitize separately: each top-level block with raw HTML
    alone (an element it leaves open ends with it), the blocks between them together."""
    plain: list[Token] = []
    start = depth = 0
    for index, token in enumerate(tokens):
        depth += token.nesting
        if depth:
            continue
        block = tokens[start : index + 1]
        start = index + 1
        if not _has_raw_html(block):
            plain += block
            continue
        if plain:
            yield plain
            plain = []
        yield block
    if plain:
        yield plain


def _split(source: str) -> tuple[str, str]:
    """``source`` cut at ``MARKDOWN_MAX_CHARS``, or at a line break in the half before it."""
    if len(source) <= MARKDOWN_MAX_CHARS:
        return source, ""
    cut = source.rfind("\n", MARKDOWN_MAX_CHARS // 2, MARKDOWN_MAX_CHARS) + 1 or MARKDOWN_MAX_CHARS
    return source[:cut], source[cut:]


def render_markdown(source: str) -> str:
    """Render ``source`` Markdown to sanitized HTML. Pure: same input, same output. Time and
    output are linear in ``len(source)``; past ``MARKDOWN_MAX_CHARS`` the text is shown as
    written, in a ``<pre>``."""
    source, rest = _split(source or "")
    env: dict[str, Any] = {"table_cells_left": TABLE_CELLS_PER_DOCUMENT}
    tokens = _PARSER.parse(source, env)
    parts = []
    for chunk in _chunks(tokens):
        env["raw_html_budget"] = RAW_HTML_TAGS_PER_BLOCK
        html = _PARSER.renderer.render(chunk, _PARSER.options, env)
        # The line break after a block would re-open the formatting elements it left open.
        parts.append(_CLEANER.clean(html.rstrip("\n")) + "\n")
    if rest:
        parts.append(f"<pre>{escapeHtml(rest)}</pre>")
    return "".join(parts).rstrip("\n")
