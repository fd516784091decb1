"""Word (.docx) SOPs keep what the author meant: typed text stays text, formatting stays
formatting, nested list styles nest, and whatever is left out is said in a note.

Each test builds the WordprocessingML that Word writes for the case (styles, numbering, comments)
on top of ``tests.docx_builder``'s package, then reads it as an upload and renders the stored
Markdown as learners will see it (``core.markdown.render_markdown``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import strip_tags

from core.markdown import render_markdown
from courses.sop_import.files import SopFile, read_sop_upload
from tests.docx_builder import REL, DocxBuilder, W

WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"

# --- WordprocessingML, as Word writes it ---------------------------------------------------------


def r(
    text: str,
    *,
    bold: bool = False,
    strike: bool = False,
    size: int | None = None,
    style: str | None = None,
) -> str:
    """A run; a newline in ``text`` is a line break (Shift+Enter), as Word writes it."""
    properties = (
        (f'<w:rStyle w:val="{style}"/>' if style else "")
        + ("<w:b/>" if bold else "")
        + ("<w:strike/>" if strike else "")
        + (f'<w:sz w:val="{size * 2}"/>' if size else "")  # half-points
    )
    content = "<w:br/>".join(
        f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n")
    )
    return f"<w:r><w:rPr>{properties}</w:rPr>{content}</w:r>"


def p(*runs: str, style: str | None = None) -> str:
    """A paragraph of runs (plain strings are plain runs)."""
    properties = f'<w:pStyle w:val="{style}"/>' if style else ""
    content = "".join(run if run.startswith("<w:") else r(run) for run in runs)
    return f"<w:p><w:pPr>{properties}</w:pPr>{content}</w:p>"


def hyperlink(text: str, target: str, builder: dict[str, list[str]]) -> str:
    relationship_id = f"rIdLink{len(builder['rels'])}"
    builder["rels"].append(
        f'<Relationship Id="{relationship_id}" Type="{REL}/hyperlink" '
        f'Target={quoteattr(target)} TargetMode="External"/>'
    )
    return f'<w:hyperlink r:id="{relationship_id}">{r(text)}</w:hyperlink>'


# Word's built-in list styles: each is linked to its own one-level list in numbering.xml (the
# level names the style), so a "List Bullet 2" paragraph carries no level of its own.
LIST_STYLES = {
    "ListBullet": ("List Bullet", "bullet"),
    "ListBullet2": ("List Bullet 2", "bullet"),
    "ListBullet3": ("List Bullet 3", "bullet"),
    "ListNumber": ("List Number", "decimal"),
    "ListNumber2": ("List Number 2", "decimal"),
    "ListNumber3": ("List Number 3", "decimal"),
}


def _numbering() -> str:
    abstract, nums = [], []
    for index, (style_id, (_name, number_format)) in enumerate(LIST_STYLES.items(), start=1):
        abstract.append(
            f'<w:abstractNum w:abstractNumId="{index}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{number_format}"/><w:pStyle w:val="{style_id}"/>'
            f'<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        )
        nums.append(f'<w:num w:numId="{index}"><w:abstractNumId w:val="{index}"/></w:num>')
    return f'<w:numbering xmlns:w="{W}">{"".join(abstract + nums)}</w:numbering>'


def _styles() -> str:
    def style(kind: str, style_id: str, name: str | None, extra: str = "") -> str:
        name_xml = f'<w:name w:val="{name}"/>' if name is not None else ""
        return f'<w:style w:type="{kind}" w:styleId="{style_id}">{name_xml}{extra}</w:style>'

    numbered = list(LIST_STYLES.items())
    return (
        f'<w:styles xmlns:w="{W}">'
        + style("paragraph", "Normal", "Normal")
        + style("paragraph", "Title", "Title")
        + "".join(style("paragraph", f"Heading{n}", f"heading {n}") for n in (1, 2, 3))
        + "".join(
            style(
                "paragraph",
                style_id,
                name,
                f'<w:pPr><w:numPr><w:numId w:val="{index}"/></w:numPr></w:pPr>',
            )
            for index, (style_id, (name, _format)) in enumerate(numbered, start=1)
        )
        + style("paragraph", "Fancy", "Fancy Callout")
        + style("character", "Nameless", None)  # a style Word never shows: no name
        + style("character", "Shout", "Shouting")
        + style("table", "TableGrid", "Table Grid")
        + "</w:styles>"
    )


def docx(*blocks: str, comments: Sequence[str] = (), rels: Sequence[str] = ()) -> bytes:
    builder = DocxBuilder()
    parts = builder.parts()
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:body>", b"<w:body>" + "".join(blocks).encode()
    )
    parts["word/styles.xml"] = _styles().encode()
    parts["word/numbering.xml"] = _numbering().encode()
    extra_rels = list(rels)
    if comments:
        parts["word/comments.xml"] = (
            f'<w:comments xmlns:w="{W}">'
            + "".join(
                f'<w:comment w:id="{number}" w:author="Ann" w:initials="AK">{p(text)}</w:comment>'
                for number, text in enumerate(comments)
            )
            + "</w:comments>"
        ).encode()
        extra_rels.append(
            f'<Relationship Id="rIdComments" Type="{REL}/comments" Target="comments.xml"/>'
        )
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", "".join(extra_rels).encode() + b"</Relationships>"
    )
    return builder.build(parts)


def read(data: bytes, name: str = "Procedure.docx") -> SopFile:
    files, problems = read_sop_upload(name, data)
    assert problems == []
    assert len(files) == 1
    return files[0]


def tags(rendered: str) -> set[str]:
    return set(re.findall(r"<([a-z0-9]+)", rendered))


def text_lines(rendered: str) -> list[str]:
    """The rendered paragraphs as a reader sees them: one line per paragraph or line break."""
    with_breaks = re.sub(r"<br>\n?", "\n", rendered)
    return html.unescape(strip_tags(with_breaks)).split("\n")


# --- 1. Typed text that looks like Markdown stays text -----------------------------------------

TYPED = [
    "[Reset your password](https://phish.example.net/reset)",
    "![img](https://tracker.example/x.png)",
    "Run `rm -rf /tmp/cache` first",
    "*stars* and _under_ and **double** and __double__",
    "# hash at the start",
    "## two hashes",
    "1. not a numbered item",
    "3) not one either",
    "> not a quote",
    ">also not a quote",
    "- not a bullet",
    "+ not a bullet",
    "---",
    "___",
    "= not a heading underline",
    "[policy]: https://evil.example/defined",
    "See [policy] and <https://autolink.example> and <b>not bold</b>",
    "R&D &amp; &copy; stay as typed",
    r"C:\Temp\*.log and a \*backslash\* and a trailing backslash \\",
    "~~not struck~~ and ~tilde~",
    "a | b | c",
    "```",
    "~~~",
    "    four spaces",
    "Ends in two spaces  ",
]


def test_typed_markdown_in_a_word_document_is_shown_exactly_as_typed():
    sop = read(docx(*(p(text) for text in TYPED)))

    rendered = render_markdown(sop.body)
    # No link, image, code, heading, list, quote, rule, emphasis or table came from typed text.
    assert tags(rendered) == {"p"}, rendered
    assert text_lines(rendered) == [text.strip() for text in TYPED]


def test_typed_markdown_after_a_line_break_stays_text():
    lines = ["Read this", "---", "# not a heading", "1. not a list", "> not a quote", "==="]
    sop = read(docx(p(r("\n".join(lines)))))

    rendered = render_markdown(sop.body)
    assert tags(rendered) == {"p", "br"}, rendered
    assert text_lines(rendered) == lines


def test_typed_markdown_in_headings_links_and_tables_stays_text():
    builder: dict[str, list[str]] = {"rels": []}
    link = hyperlink("*the* [policy]", "https://example.test/policy", builder)
    sop = read(
        docx(
            p("Refunds #", style="Heading1"),
            p("Read ", link, " first"),
            p("Call the lead #2 or `ops` #", style="Heading2"),
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr>'
            f"<w:tr><w:tc>{p('Who')}</w:tc><w:tc>{p('When')}</w:tc></w:tr>"
            f"<w:tr><w:tc>{p('*Lead* | agent')}</w:tc><w:tc>{p('1. [now](x)')}</w:tc></w:tr>"
            "</w:tbl>",
            rels=builder["rels"],
        )
    )

    assert sop.title == "Refunds #"
    rendered = render_markdown(sop.body)
    assert '<a href="https://example.test/policy" rel="noopener noreferrer">' in rendered
    assert "*the* [policy]</a>" in rendered
    assert '<h2 id="sec-call-the-lead-2-or-ops">Call the lead #2 or `ops` #</h2>' in rendered
    assert "<td>*Lead* | agent</td>" in rendered
    assert "<td>1. [now](x)</td>" in rendered
    assert tags(rendered) == {"p", "a", "h2", "table", "thead", "tbody", "tr", "th", "td"}


def test_real_word_formatting_is_still_formatting():
    sop = read(
        docx(
            p("Steps", style="Heading2"),
            p(r("Always", bold=True), " check ", r("*this*", bold=True)),
            p("First", style="ListNumber"),
            p("Second", style="ListNumber"),
        )
    )

    rendered = render_markdown(sop.body)
    assert '<h2 id="sec-steps">Steps</h2>' in rendered
    assert "<p><strong>Always</strong> check <strong>*this*</strong></p>" in rendered
    assert "<ol>\n<li>First</li>\n<li>Second</li>\n</ol>" in rendered


def test_a_link_target_cannot_add_markdown_of_its_own():
    builder: dict[str, list[str]] = {"rels": []}
    target = "https://example.test/a b) ![x](https://tracker.example/pixel.png"
    link = hyperlink("the policy", target, builder)

    sop = read(docx(p("See ", link, "."), rels=builder["rels"]))

    rendered = render_markdown(sop.body)
    assert tags(rendered) == {"p", "a"}, rendered
    assert "tracker.example/pixel.png" in rendered  # still part of the one link's address...
    assert rendered.count("<a ") == 1
    assert ">the policy</a>." in rendered  # ...whose text is the Word text


# --- 2. Strikethrough --------------------------------------------------------------------------


def test_struck_text_renders_struck_through_not_with_tildes():
    sop = read(docx(p("Refund ", r("within 30 days", strike=True), " within 14 days")))

    rendered = render_markdown(sop.body)
    assert rendered == "<p>Refund <del>within 30 days</del> within 14 days</p>"


# --- 3. Nested list styles ---------------------------------------------------------------------


def test_word_list_styles_2_and_3_nest_under_the_item_before():
    sop = read(
        docx(
            p("Before"),
            p("Check the order", style="ListBullet"),
            p("Receipt", style="ListBullet2"),
            p("Date on the receipt", style="ListBullet3"),
            p("Card", style="ListBullet2"),
            p("Refund", style="ListBullet"),
            p("Call the customer", style="ListNumber"),
            p("Say your name", style="ListNumber2"),
            p("Spell it", style="ListNumber3"),
            p("Write it down", style="ListNumber2"),
            p("Hang up", style="ListNumber"),
            p("After"),
        )
    )

    rendered = render_markdown(sop.body)
    assert rendered == (
        "<p>Before</p>\n"
        "<ul>\n<li>Check the order\n"
        "<ul>\n<li>Receipt\n<ul>\n<li>Date on the receipt</li>\n</ul>\n</li>\n"
        "<li>Card</li>\n</ul>\n</li>\n"
        "<li>Refund</li>\n</ul>\n"
        "<ol>\n<li>Call the customer\n"
        "<ol>\n<li>Say your name\n<ol>\n<li>Spell it</li>\n</ol>\n</li>\n"
        "<li>Write it down</li>\n</ol>\n</li>\n"
        "<li>Hang up</li>\n</ol>\n"
        "<p>After</p>"
    )
    assert sop.notes == ()


def test_a_numbered_sublist_nests_under_a_bullet():
    sop = read(docx(p("Tools", style="ListBullet"), p("Open", style="ListNumber2")))

    assert render_markdown(sop.body) == (
        "<ul>\n<li>Tools\n<ol>\n<li>Open</li>\n</ol>\n</li>\n</ul>"
    )


# --- 4. Bold, larger paragraphs that look like headings ----------------------------------------


def test_bold_larger_paragraphs_without_a_heading_style_get_a_note():
    sop = read(
        docx(
            p(r("Refund handling", bold=True, size=20)),
            p(r("Body text at the normal size.", size=11)),
            p(r("Who approves", bold=True, size=14)),
            p(r("A bold sentence at the normal size.", bold=True, size=11)),
            p(r("Real heading", bold=True, size=16), style="Heading2"),
            p("Body."),
        )
    )

    assert "**Refund handling**" in sop.body  # kept, as bold text
    assert "<strong>Who approves</strong>" in render_markdown(sop.body)
    assert sop.notes == (
        "2 paragraphs look like headings (bold, larger text) but were kept as bold text "
        "because they don't use a Heading style: “Refund handling”, “Who approves”. To import "
        "them as headings, apply Word's heading styles (“Heading 1”, “Heading 2”…) to them.",
    )


def test_one_heading_like_paragraph_is_named_in_the_singular():
    sop = read(docx(p(r("Scope", bold=True, size=16)), p("Everything.")))

    assert sop.notes == (
        "1 paragraph looks like a heading (bold, larger text) but was kept as bold text "
        "because it doesn't use a Heading style: “Scope”. To import it as a heading, apply "
        "a Word heading style (“Heading 1”, “Heading 2”…) to it.",
    )


# --- 5. Slugs from Polish titles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Obsługa reklamacji", "obsluga-reklamacji"),
        ("ŁÓDŹ: Zażółć gęślą jaźń", "lodz-zazolc-gesla-jazn"),
        ("Café crème", "cafe-creme"),
    ],
    ids=["obsluga", "lodz", "cafe"],
)
def test_the_slug_of_a_polish_title_keeps_every_letter(title, slug):
    from_word = read(docx(p(title, style="Heading1"), p("Body.")))
    files, problems = read_sop_upload("sop.md", f"# {title}\n\nBody.\n".encode())

    assert (from_word.title, from_word.slug) == (title, slug)
    assert problems == []
    assert (files[0].title, files[0].slug) == (title, slug)


def test_the_slug_of_a_file_name_keeps_polish_letters_too():
    sop = read(docx(p("No heading here.")), name="Obsługa zwrotów.docx")

    assert (sop.title, sop.slug) == ("Obsługa zwrotów", "obsluga-zwrotow")


# --- 6. Notes for what was left out, none that says "None" -------------------------------------


def test_a_style_without_a_name_makes_no_note_and_no_converter_jargon():
    sop = read(
        docx(
            p("Kept", r(" text", style="Nameless"), r(" and more", style="NotDefinedAnywhere")),
            p("A paragraph", style="UndefinedParagraphStyle"),
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr>'
            f"<w:tr><w:tc>{p('A')}</w:tc><w:tc>{p('B')}</w:tc></w:tr>"
            f"<w:tr><w:tc>{p('1')}</w:tc><w:tc>{p('2')}</w:tc></w:tr></w:tbl>",
        )
    )

    assert "Kept text and more" in sop.body
    assert "A paragraph" in sop.body
    assert sop.notes == ()


def test_named_styles_that_are_not_known_are_still_named():
    sop = read(docx(p("Callout", style="Fancy"), p("Loud ", r("words", style="Shout"))))

    assert sop.notes == (
        "The Word style “Fancy Callout” is not known here; its text was kept as plain paragraphs.",
        "The formatting of the Word character style “Shouting” was dropped; its text was kept.",
    )


def test_comments_charts_equations_and_missing_images_each_get_a_note():
    comment_reference = '<w:r><w:commentReference w:id="0"/></w:r>'
    chart = (
        '<w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/>'
        '<wp:docPr id="7" name="Chart 1"/>'
        f'<a:graphic><a:graphicData uri="{CHART}"><c:chart xmlns:c="{CHART}" r:id="rIdChart"/>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )
    missing_image = (
        '<w:r><w:drawing><wp:inline><wp:docPr id="8" name="Picture 2"/>'
        '<a:graphic><a:graphicData uri="pic"><pic:pic><pic:blipFill><a:blip/></pic:blipFill>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )
    equation = f'<m:oMath xmlns:m="{MATH}"><m:r><m:t>x=1</m:t></m:r></m:oMath>'
    sop = read(
        docx(
            p("Commented", comment_reference),
            p("Sales by month:", chart),
            p("Screenshot:", missing_image),
            f"<w:p>{r('Rule: ')}{equation}</w:p>",
            comments=["Is this still true?", "Second comment"],
        )
    )

    assert sop.notes == (
        "1 part of the document (such as an equation, field, shape or symbol) could not be "
        "read and was left out.",
        "1 image was skipped: images are not imported.",
        "1 chart or diagram was left out: charts and SmartArt are not imported.",
        "2 Word comments were left out: comments are not imported.",
    )
    assert "Is this still true" not in sop.body


def test_a_text_box_without_a_fallback_is_noted_and_one_with_a_fallback_is_kept():
    shape = (
        f'<w:r><w:drawing><wp:anchor xmlns:wps="{WPS}"><wp:docPr id="9" name="Text Box 1"/>'
        f'<a:graphic><a:graphicData uri="{WPS}"><wps:wsp><wps:txbx><w:txbxContent>'
        f"{p('Only in the box')}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData>"
        "</a:graphic></wp:anchor></w:drawing></w:r>"
    )
    fallback = (
        '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/'
        'markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml">'
        f'<mc:Choice Requires="wps">{shape[5:-6]}</mc:Choice>'
        "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
        f"{p('Boxed and kept')}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )

    sop = read(docx(p("Intro", shape), p("Next", fallback)))

    assert "Boxed and kept" in sop.body
    assert "Only in the box" not in sop.body
    assert sop.notes == ("1 text box was left out: move its text into the document to import it.",)


# --- The notes reach the person importing --------------------------------------------------------


@pytest.mark.django_db
def test_the_import_preview_shows_the_heading_note_and_the_rendered_text(admin_client):
    data = docx(
        p("Refunds", style="Heading1"),
        p(r("Who approves", bold=True, size=16)),
        p("[Reset your password](https://phish.example.net/reset)"),
    )

    response = admin_client.post(
        "/import/sops/", {"file": SimpleUploadedFile("Refunds.docx", data)}
    )

    content = html.unescape(response.content.decode())
    assert "1 paragraph looks like a heading (bold, larger text)" in content
    assert "“Who approves”" in content
    assert "[Reset your password](https://phish.example.net/reset)" in content
    assert 'phish.example.net/reset"' not in content  # never a link's address
