"""Uploaded SOP files (.docx, .md, .zip) become SOP drafts or clear problems, never a 500."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest

from core.markdown import render_markdown
from courses.sop_import import files as sop_files
from courses.sop_import.files import SopFile, SopFileProblem, read_sop_upload
from tests.docx_builder import DocxBuilder, image, link, run

FRONT_MATTER_MD = """---
title: Refund handling
slug: refunds
skills: [refunds, de-escalation]
requires_reack: true
change_summary: Lead approval above 50 EUR.
---
# Refund handling

Always check the receipt.
"""


def _one(filename: str, data: bytes) -> SopFile:
    files, problems = read_sop_upload(filename, data)
    assert problems == []
    assert len(files) == 1
    return files[0]


def _problem(filename: str, data: bytes) -> SopFileProblem:
    files, problems = read_sop_upload(filename, data)
    assert files == []
    assert len(problems) == 1
    return problems[0]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _sop_document() -> DocxBuilder:
    doc = DocxBuilder()
    doc.title("Refund handling")
    doc.paragraph(
        "Read this ",
        run("before", bold=True),
        " any ",
        run("refund", italic=True),
        ". See ",
        link("the policy", "https://example.test/policy"),
        ", ",
        link("write to us", "mailto:help@example.test"),
        " or ",
        link("click me", "javascript:alert(1)"),
        ".",
    )
    doc.heading("Steps", level=2)
    doc.numbered("Check the order")
    doc.bullet("Receipt", level=1)
    doc.bullet("Card <last 4>", level=1)
    doc.numbered("Issue the refund")
    doc.paragraph(image("Screenshot of the refund form"))
    doc.paragraph("Callout text", style="Fancy")
    doc.table([["Amount", "Who approves"], ["Up to 50", "Agent | lead"], ["Over 50", "Lead"]])
    return doc


# --- Word documents ----------------------------------------------------------------------------


def test_a_word_document_keeps_headings_emphasis_lists_tables_and_web_links():
    sop = _one("Refunds.docx", _sop_document().build())

    assert sop.title == "Refund handling"  # the "Title" paragraph, not repeated in the body
    assert sop.slug == "refund-handling"
    assert sop.name == "Refunds.docx"
    assert sop.body == (
        "Read this **before** any *refund*. See [the policy](https://example.test/policy), "
        "[write to us](mailto:help@example.test) or click me.\n"
        "\n"
        "## Steps\n"
        "\n"
        "1. Check the order\n"
        "    - Receipt\n"
        "    - Card &lt;last 4>\n"
        "2. Issue the refund\n"
        "\n"
        "Callout text\n"
        "\n"
        "| Amount | Who approves |\n"
        "| --- | --- |\n"
        "| Up to 50 | Agent \\| lead |\n"
        "| Over 50 | Lead |\n"
    )
    assert (sop.skills, sop.requires_reack, sop.change_summary) == ((), None, "")


def test_a_word_document_reports_what_it_dropped_in_plain_words():
    sop = _one("refunds.docx", _sop_document().build())

    assert sop.notes == (
        "The Word style “Fancy Callout” is not known here; its text was kept as plain paragraphs.",
        "1 image was skipped: images are not imported.",
        "1 link was turned into plain text (only web and email links are kept): "
        "javascript:alert(1).",
    )
    assert "javascript" not in sop.body


def test_a_converted_word_document_renders_as_learners_will_see_it():
    html = render_markdown(_one("refunds.docx", _sop_document().build()).body)

    assert '<a href="https://example.test/policy" rel="noopener noreferrer">the policy</a>' in html
    assert "<strong>before</strong>" in html
    assert "<em>refund</em>" in html
    # The bulleted list is nested inside the first numbered item, not flattened.
    assert "<ol>\n<li>Check the order\n<ul>\n<li>Receipt</li>\n<li>Card &lt;last 4&gt;</li>" in html
    assert "<th>Amount</th>" in html
    assert "<td>Agent | lead</td>" in html
    assert '<h2 id="sec-steps">Steps</h2>' in html
    assert "javascript" not in html
    assert "<img" not in html


def test_the_first_heading_1_becomes_the_title_and_leaves_the_body():
    doc = DocxBuilder().heading("Escalations", level=1).paragraph("Call the lead.")
    doc.heading("Later", level=1)

    sop = _one("whatever.docx", doc.build())

    assert (sop.title, sop.slug) == ("Escalations", "escalations")
    assert sop.body == "Call the lead.\n\n# Later\n"


def test_word_text_that_looks_like_markdown_stays_text():
    doc = DocxBuilder().paragraph("1. R&D *star* # not a heading")
    doc.paragraph("- not a bullet")

    sop = _one("Odd text.docx", doc.build())

    assert sop.title == "Odd text"  # no heading: the file name made readable
    html = render_markdown(sop.body)
    assert html == "<p>1. R&amp;D *star* # not a heading</p>\n<p>- not a bullet</p>"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(_sop_document().build()[:300], "The Word document is damaged", id="truncated"),
        pytest.param(
            b"# Just Markdown\n\nsaved as .docx\n", "The file is not a Word document", id="text"
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "This is a password-protected document or an old Word 97–2003 file",
            id="encrypted-or-doc",
        ),
        pytest.param(
            _zip({"hello.txt": b"not word"}), "The file is not a Word document", id="other-zip"
        ),
        pytest.param(
            DocxBuilder().build(
                {**DocxBuilder().parts(), "word/document.xml": b"<w:document><w:body>"}
            ),
            "The Word document is damaged",
            id="broken-xml",
        ),
    ],
)
def test_a_broken_word_document_is_one_problem_not_an_exception(data, message):
    problem = _problem("sop.docx", data)

    assert problem.name == "sop.docx"
    assert problem.message.startswith(message), problem.message


def test_a_word_document_that_expands_too_far_is_refused_before_conversion(monkeypatch):
    monkeypatch.setattr(sop_files, "MAX_UNCOMPRESSED_BYTES", 2_048)
    doc = DocxBuilder().paragraph("x" * 5_000)  # compresses to almost nothing
    converted = []
    monkeypatch.setattr(
        sop_files.mammoth, "convert_to_html", lambda *args, **kwargs: converted.append(args)
    )

    problem = _problem("big.docx", doc.build())

    assert problem.message == (
        "The upload expands to more than 2.0\xa0KB; split it into smaller files."
    )
    assert converted == []


# --- Markdown files ----------------------------------------------------------------------------


def test_markdown_front_matter_sets_every_field_and_the_repeated_heading_is_dropped():
    sop = _one("refunds.md", FRONT_MATTER_MD.encode())

    assert sop == SopFile(
        name="refunds.md",
        title="Refund handling",
        slug="refunds",
        body="Always check the receipt.\n",
        skills=("refunds", "de-escalation"),
        requires_reack=True,
        change_summary="Lead approval above 50 EUR.",
        notes=(),
    )


def test_front_matter_accepts_a_comma_string_of_skills_and_the_long_reack_key():
    text = (
        "---\nskills: refunds, de-escalation ,refunds\nrequires_reacknowledgement: no\n---\n"
        "# Returns\n\nBody.\n"
    )

    sop = _one("returns.md", text.encode())

    assert (sop.title, sop.slug, sop.skills, sop.requires_reack) == (
        "Returns",
        "returns",
        ("refunds", "de-escalation"),
        False,
    )
    assert sop.body == "Body.\n"


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + FRONT_MATTER_MD.encode(),
        FRONT_MATTER_MD.encode("utf-16"),  # with its byte-order mark
        FRONT_MATTER_MD.replace("\n", "\r\n").encode(),
    ],
    ids=["utf8-bom", "utf16", "windows-line-ends"],
)
def test_markdown_in_any_utf_encoding_is_read(data):
    sop = _one("refunds.md", data)

    assert (sop.title, sop.slug, sop.body) == (
        "Refund handling",
        "refunds",
        "Always check the receipt.\n",
    )


def test_latin_1_markdown_is_refused_with_its_line():
    problem = _problem("cafe.md", "# Café\n\nCrème brûlée.\n".encode("latin-1"))

    assert problem == SopFileProblem(
        "cafe.md",
        "Line 1 is not UTF-8 text (it looks like Latin-1 or a Windows code page). "
        "Save the file as UTF-8 and upload it again.",
    )


def test_bad_yaml_in_the_front_matter_is_a_problem_naming_its_line():
    text = "---\ntitle: Refunds\nskills: [refunds\nslug: x\n---\nBody\n"

    problem = _problem("refunds.md", text.encode())

    assert problem.message.startswith("The front matter is not valid YAML (line 4): ")


def test_an_unknown_front_matter_key_is_a_note():
    sop = _one("refunds.md", b"---\ntitle: Refunds\nowner: Ann\n---\nBody\n")

    assert sop.notes == (
        "The front matter key “owner” is not used "
        "(known keys: title, slug, skills, requires_reack, change_summary).",
    )


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("title: 2024", "In the front matter, “title” must be text (put it in quotes)."),
        (
            "requires_reack: sometimes",
            "In the front matter, “requires_reack” must be true or false.",
        ),
        ("skills: {a: 1}", "In the front matter, “skills” must be a list of skill slugs"),
        ("skills: [refunds, 3]", "In the front matter, every skill must be a skill slug (text)."),
        ("skills: [Refund policy!]", "In the front matter, “Refund policy!” is not a skill slug."),
        ("slug: not a slug", "The slug “not a slug” may only hold letters"),
        ("slug: " + "a" * 51, "The slug “" + "a" * 51 + "” is longer than 50 characters."),
        ("title: '!!!'", "No slug could be made from the title “!!!”"),
        ("- a list", "The front matter must be a list of “key: value” lines"),
        ("change_summary: " + "x" * 301, "The change summary must be one line of at most 300"),
    ],
    ids=[
        "title-number",
        "reack-text",
        "skills-mapping",
        "skill-number",
        "skill-not-slug",
        "slug-invalid",
        "slug-long",
        "title-unsluggable",
        "not-a-mapping",
        "summary-long",
    ],
)
def test_front_matter_of_the_wrong_type_is_a_problem(front_matter, message):
    problem = _problem("sop.md", f"---\n{front_matter}\n---\nBody\n".encode())

    assert problem.message.startswith(message), problem.message


def test_unclosed_front_matter_is_a_problem():
    problem = _problem("sop.md", b"---\ntitle: Refunds\n\nBody\n")

    assert problem.message.startswith("The front matter that starts on line 1 is not closed")


def test_a_markdown_file_with_only_a_title_is_a_problem():
    problem = _problem("sop.md", b"# Refunds\n\n")

    assert problem.message == "The file has no text besides its title."


def test_script_in_a_markdown_body_is_kept_as_written_and_sanitized_when_rendered():
    sop = _one("sop.md", b"# Refunds\n\nHello <script>alert(1)</script> **world**\n")

    assert "<script>" in sop.body  # stored as the author wrote it...
    # ...and gone, tag and content, once rendered for learners.
    assert render_markdown(sop.body) == "<p>Hello  <strong>world</strong></p>"


# --- Zip archives ------------------------------------------------------------------------------


def test_a_zip_gives_one_sop_per_file_and_notes_what_it_skipped():
    data = _zip(
        {
            "sops/": b"",
            "sops/refunds.md": FRONT_MATTER_MD.encode(),
            "sops/Returns.docx": DocxBuilder().paragraph("Take it back.").build(),
            "sops/logo.png": b"\x89PNG....",
            "sops/more.zip": _zip({"x.md": b"# X\n\nx\n"}),
            "__MACOSX/sops/._refunds.md": b"\0\0junk",
            "sops/.DS_Store": b"\0\0junk",
            "sops/~$turns.docx": b"\0lock",
        }
    )

    files, problems = read_sop_upload("sops.zip", data)

    assert problems == []
    assert [(sop.name, sop.title, sop.slug) for sop in files] == [
        ("sops/refunds.md", "Refund handling", "refunds"),
        ("sops/Returns.docx", "Returns", "returns"),
    ]
    assert files[0].notes == (
        "Skipped 1 entry that is not a .md or .docx file: sops/logo.png.",
        "Did not open 1 archive inside the archive: sops/more.zip.",
    )
    assert files[1].notes == ()


def test_two_entries_with_the_same_slug_are_a_problem_naming_both():
    data = _zip({"a/refunds.md": b"# Refunds\n\nA\n", "b/refunds.md": b"# Refunds\n\nB\n"})

    files, problems = read_sop_upload("sops.zip", data)

    assert [sop.name for sop in files] == ["a/refunds.md"]
    assert problems == [
        SopFileProblem(
            "b/refunds.md", "“a/refunds.md” in the same archive has the same slug “refunds”."
        )
    ]


def test_problems_inside_a_zip_name_the_entry_and_the_rest_is_still_read():
    data = _zip(
        {
            "ok.md": b"# OK\n\nfine\n",
            "empty.md": b"  \n",
            "cafe.md": "# Café\n".encode("latin-1"),
            "broken.docx": b"PK\x03\x04 broken",
        }
    )

    files, problems = read_sop_upload("sops.zip", data)

    assert [sop.slug for sop in files] == ["ok"]
    assert [(problem.name, problem.message[:30]) for problem in problems] == [
        ("empty.md", "The file is empty."),
        ("cafe.md", "Line 1 is not UTF-8 text (it l"),
        ("broken.docx", "The Word document is damaged a"),
    ]


def test_a_zip_bomb_is_refused_from_its_declared_size_without_decompressing(monkeypatch):
    bomb = _zip({"bomb.md": b"\0" * (sop_files.MAX_UNCOMPRESSED_BYTES + 1)})
    assert len(bomb) < 100_000  # tiny on the wire
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kwargs: opened.append(args))

    problem = _problem("bomb.zip", bomb)

    assert problem == SopFileProblem(
        "bomb.zip", "The archive expands to more than 50.0\xa0MB; split it into smaller archives."
    )
    assert opened == []


def test_an_entry_bigger_than_its_header_says_is_refused_while_reading():
    data = bytearray(_zip({"liar.md": b"# Liar\n\n" + b"a" * 100_000}))
    # Rewrite the declared uncompressed size (local header and central directory) to 20 bytes.
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 22 : local + 26] = (20).to_bytes(4, "little")
    data[central + 24 : central + 28] = (20).to_bytes(4, "little")

    problem = _problem("sops.zip", bytes(data))

    assert problem == SopFileProblem("liar.md", "The entry is damaged and could not be read.")


def test_a_zip_with_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(sop_files, "MAX_ZIP_ENTRIES", 3)
    data = _zip({f"sop-{number}.md": b"# S\n\nx\n" for number in range(4)})

    problem = _problem("sops.zip", data)

    assert problem.message == "The archive holds 4 entries; at most 3 are read."


def test_a_zip_without_sops_is_a_problem():
    problem = _problem("sops.zip", _zip({"readme.txt": b"hello", "__MACOSX/x": b"junk"}))

    assert problem.message == (
        "The archive holds no .md or .docx files. "
        "Skipped 1 entry that is not a .md or .docx file: readme.txt."
    )


def test_a_file_called_zip_that_is_not_one_is_a_problem():
    problem = _problem("sops.zip", b"this is not a zip")

    assert problem.message == "The file is not a valid .zip archive."


# --- Any upload --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("sop.md", b"", "The file is empty."),
        ("sop.docx", b"  \n\t", "The file is empty."),
        (
            "sop.pdf",
            b"%PDF-1.7",
            "“.pdf” files can't be imported. Upload a Word document (.docx), a Markdown file "
            "(.md) or a .zip of them.",
        ),
        (
            "sop.doc",
            b"\xd0\xcf\x11\xe0",
            "Old Word files (.doc) can't be read. Open the file in Word, save it as a .docx "
            "document and upload that.",
        ),
        (
            "C:\\Users\\ann\\big.md",
            b"a" * (10 * 1024 * 1024 + 1),
            "The file is 10.0\xa0MB; the limit is 10.0\xa0MB.",
        ),
    ],
    ids=["empty", "blank", "pdf", "old-doc", "over-10mb"],
)
def test_an_unreadable_upload_is_one_clear_problem(filename, data, message):
    problem = _problem(filename, data)

    assert problem == SopFileProblem(filename.rsplit("\\", 1)[-1], message)


@pytest.mark.parametrize(
    "front_matter",
    [
        'title: "Refunds\\0"',
        'change_summary: "a\\0b"',
        'skills: ["refunds\\0"]',
        '"\\0key": 1',
        'extra: {nested: ["\\0"]}',
    ],
    ids=["title", "change-summary", "skill", "key", "nested"],
)
def test_a_nul_escape_in_the_front_matter_is_a_clear_problem(front_matter):
    """YAML's "\\0" escape gave a title with NUL, which PostgreSQL refused with a 500."""
    data = f"---\n{front_matter}\n---\n# Refunds\n\nCheck the receipt.\n".encode()
    problem = _problem("refunds.md", data)
    assert problem.message == "The front matter holds a NUL character (\\0); remove it."
