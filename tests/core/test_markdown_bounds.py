"""Markdown renders in time linear in its length, whatever the source (core/markdown.py).

The probe of issue 25 kept a thread busy for 13.5 minutes with a 90 KB SOP of brackets
(Python-Markdown: 1k/2k/4k brackets in 0.64/1.89/7.43 s). Each family below is a known way to
make a Markdown renderer or an HTML sanitizer do superlinear work. Two properties, in CPU time
(``time.process_time``: other processes on a busy machine don't count) and measured against the
machine's own speed:

- *linear*: doubling an input at most 2.5× its time;
- *bounded*: any input up to ``MARKDOWN_MAX_CHARS`` renders within ``RATIO``× the time of
  ordinary Markdown of the same length (a realistic SOP: headings, lists, links, a table), plus
  ``SLACK``.

The baseline is ordinary Markdown, not plain prose: markdown-it passes prose through in one
regular-expression step, a hundred times faster than any markup, so a ratio to prose would
measure only how much markup there is. The slowest family (``![`` repeated) takes about 8×
ordinary Markdown; ``RATIO`` leaves room above that.
"""

from __future__ import annotations

import gc
import math
import runpy
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.markdown import (
    MARKDOWN_MAX_CHARS,
    RAW_HTML_TAGS_PER_BLOCK,
    TABLE_CELLS_PER_DOCUMENT,
    render_markdown,
)
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
RATIO = 20
SLACK = 0.05  # seconds: timer and scheduler noise on a render at the size limit
DOUBLING = 2.5
DOUBLING_SLACK = 0.015  # seconds: the same on renders of SMALL characters
SMALL = 10_000  # the linearity check renders SMALL and 2 × SMALL characters


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def _halves(left: str, right: str) -> Callable[[int], str]:
    return lambda n: (
        (left * (n // (2 * len(left)) + 1))[: n // 2]
        + (right * (n // (2 * len(right)) + 1))[: n - n // 2]
    )


def _lines(line: Callable[[int], str]) -> Callable[[int], str]:
    def build(n: int) -> str:
        out: list[str] = []
        size = i = 0
        while size < n:
            out.append(line(i))
            size += len(out[-1])
            i += 1
        return "".join(out)[:n]

    return build


ORDINARY = _repeat(
    "## Refunds and returns\n\n"
    "Read this **before** any *refund*. See [the policy](https://example.test/policy), "
    "press <kbd>F5</kbd> and check `the order id`.\n\n"
    "1. Check the order\n    - Receipt\n    - Card\n2. Issue the refund\n\n"
    "| Amount | Who approves |\n| --- | ---: |\n| Up to 50 | Agent |\n| Over 50 | Lead |\n\n"
    "> Never promise a date you can't keep.\n\n"
)

FAMILIES: dict[str, Callable[[int], str]] = {
    # links and images: Python-Markdown's quadratic corner, the probe's SOP
    "brackets-then-link-openers": _halves("[", "]("),
    "open-brackets": _repeat("["),
    "image-openers": _repeat("!["),
    "link-destinations-unclosed": _repeat("[a](<"),
    "reference-links-and-brackets": lambda n: "[a]: /u\n\n" + _halves("[a]", "[")(n - 9),
    "reference-definitions": _lines(lambda i: f"[r{i}]: https://x.test/{i} 'title'\n"),
    # emphasis
    "stars-around-words": _repeat("*a "),
    "underscores-around-words": _repeat("_a "),
    "nested-emphasis": _halves("*", "*"),
    "alternating-emphasis": _halves("*_", "_*"),
    "strong-emphasis-runs": _repeat("***a"),
    "intraword-underscores": _repeat("a_"),
    # code spans
    "backtick-runs": _lines(lambda i: "`" * (i % 50 + 1) + " "),
    "unclosed-code-spans": _repeat("`a "),
    # containers
    "nested-blockquotes": _repeat(">"),
    "blockquote-ladder": _lines(lambda i: ">" * (i % 300) + " a\n"),
    "nested-lists": _repeat("- "),
    "indented-list-ladder": _lines(lambda i: "    " * (i % 50) + "- a\n"),
    "lists-in-quotes": _repeat("> - "),
    "many-list-items": _repeat("- a\n"),
    "lazy-continuation": lambda n: "> a\n" + _repeat("b\n")(n - 4),
    # tables: every row is padded to the header's width
    "wide-table": lambda n: (
        "|a" * 2000 + "\n" + "|-" * 2000 + "\n" + _repeat("|b" * 50 + "\n")(n - 8002)
    ),
    "tall-table": lambda n: "|a|b|\n|-|-|\n" + _repeat("|x\n")(n - 12),
    "many-padded-tables": _repeat("|a" * 100 + "\n" + "|-" * 100 + "\n" + "x\n" * 100 + "\n"),
    # raw HTML: the sanitizer's quadratic corners
    "open-list-items": _repeat("<ul><li>"),
    "open-formatting-then-paragraphs": lambda n: (
        _lines(lambda i: f'<b title="{i}">')(n // 2) + _repeat("\n\nx")(n - n // 2)
    ),
    "open-formatting-inline-paragraphs": _halves("<i title=x>", "<p>x"),
    "unclosed-comments": _repeat("x <!--"),
    "unclosed-cdata": _repeat("x <![CDATA["),
    "unclosed-attributes": _repeat('x <a b="'),
    "autolink-openers": _repeat("<"),
    # the rest
    "duplicate-headings": _repeat("# a\n"),
    "entities": _repeat("&#"),
    "backslashes": _repeat("\\"),
    "fences": _repeat("```\n"),
    "setext-underline": _halves("a\n", "="),
}


def _seconds(source: str, repeat: int = 1) -> float:
    """CPU seconds of this process rendering ``source`` (best of ``repeat``): the work itself,
    whatever else the machine runs meanwhile. The garbage collector is paused while it renders:
    a full collection walks the whole process (Django, the test run), and would be charged to
    whichever render happened to trigger it (a step of 50 ms or more, not the renderer's work;
    amortised, CPython's collections are linear in what is allocated)."""
    best = math.inf
    for _ in range(repeat):
        gc.disable()
        try:
            start = time.process_time()
            render_markdown(source)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def _within(measure: Callable[[], tuple[float, float]], attempts: int = 3) -> tuple[float, float]:
    """``(elapsed, bound)`` from ``measure``, measured again (at most ``attempts`` times in
    all) while it is over: a busy machine can stall one measurement, not three in a row."""
    elapsed, bound = measure()
    for _ in range(attempts - 1):
        if elapsed <= bound:
            break
        elapsed, bound = measure()
    return elapsed, bound


def _ordinary(length: int) -> float:
    """``RATIO`` × the CPU seconds of ordinary Markdown of ``length`` characters, measured next
    to the input it bounds (so that both see the same machine), plus ``SLACK``."""
    return RATIO * _seconds(ORDINARY(length)) + SLACK


@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES.keys())
def test_doubling_the_input_at_most_doubles_and_a_half_the_time(family):
    small, large = family(SMALL), family(2 * SMALL)
    assert (len(small), len(large)) == (SMALL, 2 * SMALL)

    def measure() -> tuple[float, float]:
        once = twice = ordinary = math.inf
        for _ in range(2):  # interleaved, best of two: one stall does not decide
            once, twice = min(once, _seconds(small)), min(twice, _seconds(large))
            ordinary = min(ordinary, _seconds(ORDINARY(2 * SMALL)))
        # linear, and no steeper than RATIO × ordinary Markdown
        return twice, min(DOUBLING * once, RATIO * ordinary) + DOUBLING_SLACK

    elapsed, bound = _within(measure)
    assert elapsed <= bound, f"{2 * SMALL} characters took {elapsed:.3f} s, over {bound:.3f} s"


def test_the_probes_sop_renders_in_a_bounded_time():
    # 90 KB: 50,000 "[" then 20,000 "](" (13.5 minutes with Python-Markdown)
    source = "[" * 50_000 + "](" * 20_000

    def measure() -> tuple[float, float]:
        return _seconds(source), _ordinary(len(source))

    elapsed, bound = _within(measure)
    assert elapsed <= bound, f"{elapsed:.3f} s, over {bound:.3f} s"


def test_the_slowest_family_at_the_size_limit_renders_well_within_a_requests_budget():
    # the slowest measured: 200,000 characters of "![" (3.7 s of CPU on the development box)
    source = FAMILIES["image-openers"](MARKDOWN_MAX_CHARS)
    request_budget = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["REQUEST_BUDGET"]

    def measure() -> tuple[float, float]:
        return _seconds(source), _ordinary(len(source))

    elapsed, bound = _within(measure)
    assert elapsed <= bound, f"{elapsed:.3f} s, over {bound:.3f} s"
    # the live preview renders on a web thread: a third of the budget at most
    assert elapsed < request_budget / 3, (elapsed, request_budget)


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    names=st.lists(st.sampled_from(sorted(FAMILIES)), min_size=1, max_size=4),
    size=st.integers(min_value=1_000, max_value=MARKDOWN_MAX_CHARS),
    glue=st.sampled_from(["", "\n", "\n\n", "\n> ", "\n- "]),
)
def test_any_mix_of_families_up_to_the_limit_renders_in_a_bounded_time(names, size, glue):
    share = size // len(names)
    source = glue.join(FAMILIES[name](share) for name in names)[:MARKDOWN_MAX_CHARS]

    def measure() -> tuple[float, float]:
        return _seconds(source), _ordinary(len(source))

    elapsed, bound = _within(measure)
    assert elapsed <= bound, f"{names} × {size}: {elapsed:.3f} s, over {bound:.3f} s"


# --- what the bounds do to the output -----------------------------------------------------------


def test_containers_nested_too_deep_show_the_rest_as_text():
    html = render_markdown(">" * 100 + " deep\n\nafter")
    assert html.count("<blockquote>") == 16
    assert "&gt;" * 84 + " deep" in html
    assert html.endswith("<p>after</p>")


def test_a_table_past_the_document_cell_budget_stays_text_and_the_tables_after_it_too():
    columns = 101
    rows = TABLE_CELLS_PER_DOCUMENT // columns  # with its header: just over the budget
    big = "|a" * columns + "\n" + "|-" * columns + "\n" + "|x\n" * rows
    small = "| a | b |\n|---|---|\n| 1 | 2 |"
    html = render_markdown(f"{small}\n\n{big}\n{small}")
    assert html.count("<table>") == 1
    assert html.startswith("<table>")
    assert "<p>|a|a|a" in html


def test_raw_html_past_the_block_budget_shows_as_text():
    html = render_markdown("<b>x</b>" * RAW_HTML_TAGS_PER_BLOCK)
    assert html.count("<b>") == RAW_HTML_TAGS_PER_BLOCK // 2
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_an_html_element_left_open_ends_with_its_block():
    html = render_markdown("<b>bold\n\nnext paragraph")
    assert html == "<p><b>bold</b></p>\n<p>next paragraph</p>"


def test_past_the_size_limit_the_text_is_shown_as_written():
    head = "word " * (MARKDOWN_MAX_CHARS // 5 - 2) + "\n"
    html = render_markdown(head + "**not bold** <script>x</script>")
    assert html.endswith("<pre>**not bold** &lt;script&gt;x&lt;/script&gt;</pre>")
    assert "<strong>" not in html


def test_headings_keep_the_anchors_they_had():
    html = render_markdown("# Steps\n\n## Steps\n\n## Steps\n\nSetext `code`\n---")
    assert html == (
        '<h1 id="sec-steps">Steps</h1>\n<h2 id="sec-steps_1">Steps</h2>\n'
        '<h2 id="sec-steps_2">Steps</h2>\n<h2 id="sec-setext-code">Setext <code>code</code></h2>'
    )


@pytest.mark.django_db
def test_the_admin_refuses_a_body_longer_than_the_renderer_renders(client, admin_user):
    sop = factories.sop_published("v1")
    client.force_login(admin_user)
    response = client.post(
        "/admin/courses/sopversion/add/",
        {"sop": sop.pk, "body": "a" * (MARKDOWN_MAX_CHARS + 1), "change_summary": "Long"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Ensure this value has at most 200000 characters" in response.content.decode()
    assert sop.versions.count() == 1
