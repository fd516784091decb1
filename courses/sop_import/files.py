"""Read an uploaded SOP file (.docx, .md, or a .zip of them) into SOP drafts. Pure: no database.

``read_sop_upload(filename, data)`` returns the SOPs it could read and one problem per thing it
could not. It never raises for bad input: an empty, corrupt, oversized or wrongly encoded file,
a zip bomb, a password-protected document or bad front matter each becomes a
``SopFileProblem`` with a message a person can act on. Callers save nothing while there is any
problem, so an upload is never half-saved.

**Word documents.** mammoth (a maintained .docx reader that maps Word *styles*, not looks, to
semantic HTML) converts the document to HTML, and markdownify turns that HTML into the
Markdown that SOP versions store. mammoth's own Markdown output is deprecated by its author
("generating HTML and using a separate library ... is likely to produce better results") and
drops tables. Kept: headings ("Heading 1"–"Heading 6", and "Title" as a level-1 heading),
bold, italic, strikethrough (as ``<del>``: the project's renderer, ``core.markdown``, is
CommonMark without the ``~~`` extension), bulleted and numbered lists (nested by Word's list
levels and by the "List Bullet 2"…"List Number 5" styles, indented by four spaces), tables (as
pipe tables, the first row as the header), block quotes ("Quote" style) and links to
``http``, ``https`` and ``mailto`` addresses. Text is text: every character that Markdown
would read as syntax (``[link](…)``, ``*``, backticks, a ``#`` or ``1.`` starting a line…) is
escaped, so the stored Markdown renders exactly what was typed. Dropped, with a note: images
(not imported: counted and reported as skipped), charts and SmartArt, text boxes Word saved
without a plain copy, comments, links to anything else (``javascript:``, files, internal
bookmarks: their text is kept), parts mammoth cannot read (equations, some fields), unknown
named Word styles (their text is kept as plain paragraphs). A note also names paragraphs that
look like headings (bold, larger than the body text) but use no Heading style: they stay bold
text. Underline, colours, fonts, table styles, headers and footers are dropped silently, as
mammoth does. mammoth never follows links to external files.

**Markdown files** (``.md``, ``.markdown``, ``.txt``) are decoded by
``core.uploads.text_of_upload`` (UTF-8 with or without a byte-order mark, UTF-16/32 with one;
Latin-1 is refused with its line) and may start with YAML front matter between ``---`` lines:
``title``, ``slug``, ``skills`` (a list of skill slugs or a comma-separated string),
``requires_reack`` (or ``requires_reacknowledgement``) and ``change_summary``. Raw HTML in the
body is kept as written: ``core.markdown.render_markdown`` sanitizes it when it is rendered.

**Title and slug.** The title is the front matter's, else the first level-1 heading (which is
then removed from the body so it is not shown twice), else the file name made readable. The
slug is the front matter's (checked like Django's ``SlugField``), else the title made ASCII
(Django's ``slugify``, with the letters Unicode can't decompose, such as Polish "ł", spelled
out first: "Obsługa reklamacji" gives ``obsluga-reklamacji``).

**Zip files** hold ``.md``/``.markdown``/``.docx`` entries; folders, dotfiles, ``__MACOSX/``
and Word's ``~$`` lock files are ignored, other entries (nested zips included, never opened)
are noted as skipped. The limits below are checked from the sizes the archive declares before
anything is decompressed, and again while reading, so a zip bomb is refused without being
expanded; a .docx inside draws on the same budget.
"""

from __future__ import annotations

import html
import io
import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

import mammoth
import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.template.defaultfilters import filesizeformat
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from mammoth import documents as word
from markdown_it import MarkdownIt
from markdownify import ATX, MarkdownConverter

from core import limits
from core.errors import ValidationFailed
from core.uploads import text_of_upload

logger = logging.getLogger(__name__)

# Aliases of core.limits (ZIP, DOCX, MARKDOWN), read at call time so tests can narrow them.
#: Largest upload accepted (a .md, a .docx or a whole .zip), in bytes.
MAX_UPLOAD_BYTES = limits.ZIP.bytes or 0
#: Most entries a .zip may list (folders included).
MAX_ZIP_ENTRIES = limits.ZIP.entries or 0
#: Most bytes one upload may expand to: every zip entry and every .docx part, added up.
MAX_UNCOMPRESSED_BYTES = limits.ZIP.decompressed_bytes or 0
#: Most parts a .docx may hold (a real document has a few dozen, plus one per image).
MAX_DOCX_PARTS = limits.DOCX.entries or 0
#: Longest YAML front matter read, in characters.
MAX_FRONT_MATTER_CHARS = limits.MARKDOWN.chars or 0

TITLE_MAX_LENGTH = 200  # courses.models.SOP.title
SLUG_MAX_LENGTH = 50  # courses.models.SOP.slug (SlugField's default)
CHANGE_SUMMARY_MAX_LENGTH = 300  # courses.models.SOPVersion.change_summary

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".txt")
ZIP_MARKDOWN_EXTENSIONS = (".md", ".markdown")
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

FRONT_MATTER_KEYS = frozenset(
    {"title", "slug", "skills", "requires_reack", "requires_reacknowledgement", "change_summary"}
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .docx and old .doc files
_ZIP_MAGIC = b"PK\x03\x04"
_FENCE_LINE = re.compile(r"^---[ \t]*$")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1_UNDERLINE = re.compile(r"^ {0,3}=+[ \t]*$")
_CODE_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_SKILL_SPLIT = re.compile(r"[,\n]")
# Markdown syntax in Word text, escaped so that it shows as typed: anywhere in a line...
_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]~|])")
# ...and at the start of a line (a heading, quote, list item, rule or setext underline).
_LINE_START_SYNTAX = re.compile(r"^([ \t]*)([#>=+-]|[0-9]{1,9}[.)](?=[ \t]|$))", re.MULTILINE)
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# A link's address may not end the Markdown link early or add one: these are percent-encoded.
_HREF_SAFE = "/:?#&=+;,@!$'*~%-._"
# Letters NFKD does not take apart, spelled out before slugify drops what is not ASCII.
_SLUG_LETTERS = str.maketrans(
    {
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O",
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "\u0131": "i",
    }
)  # fmt: skip
_COMMONMARK = MarkdownIt("commonmark")  # the syntax core.markdown renders

# mammoth maps "Heading N" itself; these add Word's other common paragraph styles.
_STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h1:fresh",
        "p[style-name='Subtitle'] => p:fresh",
        "p[style-name='Quote'] => blockquote > p:fresh",
        "p[style-name='Intense Quote'] => blockquote > p:fresh",
        # Word's list styles carry their level in the name ("List Bullet 2" is a bullet of the
        # second level, in a list of its own): nest them under the item before.
        *(
            f"p[style-name='List {kind}{f' {level}' if level > 1 else ''}'] => "
            + "ul|ol > li > " * (level - 1)
            + f"{tag} > li:fresh"
            for kind, tag in (("Bullet", "ul"), ("Number", "ol"))
            for level in range(1, 6)
        ),
    ]
)
#: Paragraph styles whose bold, larger paragraphs are noted as looking like headings.
_BODY_STYLES = frozenset({"normal", "body text", "body", "default"})
#: Text size (points) of the body when no run sets one: Word's default is 11, LibreOffice's 12.
_DEFAULT_BODY_POINTS = 12.0
#: Longest paragraph (characters) that can look like a heading.
_HEADING_LIKE_MAX_CHARS = 120
# Each scan stops at the next "<" or ">", so a hostile part is still read in linear time.
_DRAWING_URI = re.compile(rb"<(?:\w{1,20}:)?graphicData\b[^<>]*?\buri=\"([^\"<>]*)\"")
_TEXT_BOX = re.compile(rb"<(?:\w{1,20}:)?txbx[\s>/]")
_ALTERNATE_CONTENT = re.compile(rb"<(/?)(?:\w{1,20}:)?AlternateContent\b[^<>]*?(/?)>")
_CHART_URI_ENDINGS = (b"/chart", b"/chartex", b"/diagram")


@dataclass(frozen=True)
class SopFile:
    """One SOP read from an upload, ready to be saved as a draft version (nothing is saved)."""

    name: str  # the uploaded file name, or the entry's path inside a .zip
    title: str
    slug: str
    body: str  # Markdown
    skills: tuple[str, ...] = ()
    requires_reack: bool | None = None  # None: the front matter did not say
    change_summary: str = ""
    notes: tuple[str, ...] = ()  # non-fatal remarks, in plain words


@dataclass(frozen=True)
class SopFileProblem:
    """Why (part of) an upload could not be read. ``name`` is the file or the zip entry."""

    name: str
    message: str


class _Refused(Exception):
    """One file could not be read; the message is for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Budget:
    """Bytes one upload may still expand to, shared by a zip's entries and the .docx inside."""

    remaining: int

    def charge(self, size: int) -> None:
        if size > self.remaining:
            raise _Refused(
                _("The upload expands to more than {limit}; split it into smaller files.").format(
                    limit=filesizeformat(MAX_UNCOMPRESSED_BYTES)
                )
            )
        self.remaining -= size


@dataclass
class _Meta:
    title: str | None = None
    slug: str | None = None
    skills: tuple[str, ...] = ()
    requires_reack: bool | None = None
    change_summary: str = ""
    notes: list[str] = field(default_factory=list)


def read_sop_upload(filename: str, data: bytes) -> tuple[list[SopFile], list[SopFileProblem]]:
    """Read ``data`` (the bytes of the uploaded ``filename``) into SOP drafts.

    Returns the SOPs read and the problems found; never raises for bad input. A .zip gives one
    ``SopFile`` per readable entry; remarks about the archive itself (entries skipped) are
    added to the notes of its first SOP. Save nothing unless the problem list is empty.
    """
    name = PurePosixPath(filename.replace("\\", "/")).name or filename
    if not data.strip():
        return [], [SopFileProblem(name, _("The file is empty."))]
    if len(data) > MAX_UPLOAD_BYTES:
        return [], [SopFileProblem(name, _too_big_message(len(data)))]
    extension = _extension(name)
    budget = _Budget(MAX_UNCOMPRESSED_BYTES)
    if extension == ".zip":
        return _read_zip(name, data, budget)
    try:
        sop = _read_one(name, data, budget)
    except _Refused as refused:
        return [], [SopFileProblem(name, refused.message)]
    return [sop], []


def _read_one(name: str, data: bytes, budget: _Budget) -> SopFile:
    extension = _extension(name)
    if extension == ".docx":
        return _read_docx(name, data, budget)
    if extension in MARKDOWN_EXTENSIONS:
        return _read_markdown(name, data)
    if extension == ".doc":
        raise _Refused(
            _(
                "Old Word files (.doc) can't be read. Open the file in Word, save it as a "
                ".docx document and upload that."
            )
        )
    raise _Refused(
        _(
            "“{extension}” files can't be imported. Upload a Word document (.docx), a "
            "Markdown file (.md) or a .zip of them."
        ).format(extension=extension or name)
    )


# ---------------------------------------------------------------------------
# Zip archives
# ---------------------------------------------------------------------------


def _read_zip(
    name: str, data: bytes, budget: _Budget
) -> tuple[list[SopFile], list[SopFileProblem]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return [], [SopFileProblem(name, _("The file is not a valid .zip archive."))]
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            message = _("The archive holds {count} entries; at most {limit} are read.").format(
                count=len(entries), limit=MAX_ZIP_ENTRIES
            )
            return [], [SopFileProblem(name, message)]
        # Refuse from the declared sizes before decompressing anything (zip bombs).
        if sum(entry.file_size for entry in entries) > budget.remaining:
            message = _(
                "The archive expands to more than {limit}; split it into smaller archives."
            ).format(limit=filesizeformat(MAX_UNCOMPRESSED_BYTES))
            return [], [SopFileProblem(name, message)]

        files: list[SopFile] = []
        problems: list[SopFileProblem] = []
        skipped: list[str] = []
        nested: list[str] = []
        owner_of_slug: dict[str, str] = {}
        for entry in entries:
            path = entry.filename
            if _ignored_entry(entry):
                continue
            extension = _extension(path)
            if extension == ".zip":
                nested.append(path)
                continue
            if extension not in (*ZIP_MARKDOWN_EXTENSIONS, ".docx"):
                skipped.append(path)
                continue
            try:
                content = _read_entry(archive, entry, budget)
                sop = _read_one(path, content, budget)
            except _Refused as refused:
                problems.append(SopFileProblem(path, refused.message))
                continue
            if sop.slug in owner_of_slug:
                problems.append(
                    SopFileProblem(
                        path,
                        _("“{other}” in the same archive has the same slug “{slug}”.").format(
                            other=owner_of_slug[sop.slug], slug=sop.slug
                        ),
                    )
                )
                continue
            owner_of_slug[sop.slug] = path
            files.append(sop)

    archive_notes: list[str] = []
    if skipped:
        archive_notes.append(
            ngettext(
                "Skipped {count} entry that is not a .md or .docx file: {names}.",
                "Skipped {count} entries that are not .md or .docx files: {names}.",
                len(skipped),
            ).format(count=len(skipped), names=", ".join(skipped))
        )
    if nested:
        archive_notes.append(
            ngettext(
                "Did not open {count} archive inside the archive: {names}.",
                "Did not open {count} archives inside the archive: {names}.",
                len(nested),
            ).format(count=len(nested), names=", ".join(nested))
        )
    if not files and not problems:
        message = _("The archive holds no .md or .docx files.")
        if archive_notes:
            message = " ".join([message, *archive_notes])
        problems.append(SopFileProblem(name, message))
    elif files and archive_notes:
        first = files[0]
        files[0] = SopFile(
            name=first.name,
            title=first.title,
            slug=first.slug,
            body=first.body,
            skills=first.skills,
            requires_reack=first.requires_reack,
            change_summary=first.change_summary,
            notes=(*first.notes, *archive_notes),
        )
    return files, problems


def _ignored_entry(entry: zipfile.ZipInfo) -> bool:
    """Folders and the files operating systems and editors leave behind, skipped silently."""
    if entry.is_dir():
        return True
    parts = PurePosixPath(entry.filename).parts
    return (
        not parts
        or parts[0] == "__MACOSX"
        or any(part.startswith(".") for part in parts)
        or parts[-1].startswith("~$")
    )


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: _Budget) -> bytes:
    if entry.flag_bits & 0x1:
        raise _Refused(_("The entry is password-protected; add it to the archive without one."))
    if entry.file_size > MAX_UPLOAD_BYTES:
        raise _Refused(_too_big_message(entry.file_size))
    budget.charge(entry.file_size)
    # Read at most one byte more than declared: a lying header can't make us read more.
    try:
        with archive.open(entry) as stream:
            content = stream.read(entry.file_size + 1)
    except Exception as error:  # a bad CRC, zlib.error, an unsupported method: never a 500
        logger.info("Unreadable zip entry %r", entry.filename, exc_info=error)
        raise _Refused(_("The entry is damaged and could not be read.")) from None
    if len(content) > entry.file_size:
        raise _Refused(_("The entry is larger than the archive says; it was not read."))
    if not content.strip():
        raise _Refused(_("The file is empty."))
    return content


# ---------------------------------------------------------------------------
# Word documents
# ---------------------------------------------------------------------------


def _read_docx(name: str, data: bytes, budget: _Budget) -> SopFile:
    _check_docx_container(data, budget)
    skipped_images = 0
    facts = _WordFacts()

    def skip_image(image: Any) -> list[Any]:
        nonlocal skipped_images
        skipped_images += 1
        return []

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            convert_image=skip_image,
            style_map=_STYLE_MAP,
            include_embedded_style_map=False,
            transform_document=facts.gather,
        )
    except (KeyError, OSError) as error:  # no main document part, a missing part
        logger.info("Not a Word document: %r", name, exc_info=error)
        raise _Refused(_not_word_message()) from None
    except Exception as error:  # broken XML, a corrupt part: never a 500
        logger.info("Unreadable Word document: %r", name, exc_info=error)
        raise _Refused(
            _("The Word document is damaged and could not be read. Open it in Word and save it.")
        ) from None

    converter = _SopMarkdownConverter()
    body = converter.convert(result.value)
    notes, lost_images = _mammoth_notes(result.messages, facts.nameless_styles)
    skipped_images += lost_images
    if skipped_images:
        notes.append(
            ngettext(
                "{count} image was skipped: images are not imported.",
                "{count} images were skipped: images are not imported.",
                skipped_images,
            ).format(count=skipped_images)
        )
    charts, text_boxes = _drawings_left_out(data)
    if charts:
        notes.append(
            ngettext(
                "{count} chart or diagram was left out: charts and SmartArt are not imported.",
                "{count} charts or diagrams were left out: charts and SmartArt are not imported.",
                charts,
            ).format(count=charts)
        )
    if text_boxes:
        notes.append(
            ngettext(
                "{count} text box was left out: move its text into the document to import it.",
                "{count} text boxes were left out: move their text into the document to import it.",
                text_boxes,
            ).format(count=text_boxes)
        )
    if converter.dropped_links:
        count = len(converter.dropped_links)
        notes.append(
            ngettext(
                "{count} link was turned into plain text (only web and email links are kept): "
                "{targets}.",
                "{count} links were turned into plain text (only web and email links are "
                "kept): {targets}.",
                count,
            ).format(count=count, targets=", ".join(converter.dropped_links))
        )
    if facts.comments:
        notes.append(
            ngettext(
                "{count} Word comment was left out: comments are not imported.",
                "{count} Word comments were left out: comments are not imported.",
                facts.comments,
            ).format(count=facts.comments)
        )
    headings = facts.heading_like()
    if headings:
        shown = [f"“{_shorten(text, 60)}”" for text in headings[:5]]
        if len(headings) > 5:
            shown.append("…")
        notes.append(
            ngettext(
                "{count} paragraph looks like a heading (bold, larger text) but was kept as bold "
                "text because it doesn't use a Heading style: {texts}. To import it as a "
                "heading, apply a Word heading style (“Heading 1”, “Heading 2”…) to it.",
                "{count} paragraphs look like headings (bold, larger text) but were kept as bold "
                "text because they don't use a Heading style: {texts}. To import them as "
                "headings, apply Word's heading styles (“Heading 1”, “Heading 2”…) to them.",
                len(headings),
            ).format(count=len(headings), texts=", ".join(shown))
        )
    return _build(name, _Meta(notes=notes), body)


@dataclass
class _Paragraph:
    """What the heading-like check needs of one paragraph: its runs' text, boldness and size."""

    style_name: str | None
    in_list: bool
    runs: list[tuple[str, bool, float | None]]  # (text, bold, size in points or None)

    @property
    def text(self) -> str:
        return " ".join("".join(text for text, _bold, _size in self.runs).split())


@dataclass
class _WordFacts:
    """What mammoth reads but does not say: comments, styles without a name, paragraphs that
    look like headings. ``gather`` is mammoth's ``transform_document`` hook (it changes nothing)."""

    comments: int = 0
    nameless_styles: set[str] = field(default_factory=set)
    paragraphs: list[_Paragraph] = field(default_factory=list)

    def gather(self, document: Any) -> Any:
        self.comments = len(getattr(document, "comments", None) or ())
        # Depth first, in document order, without recursion (a document can nest deeply).
        pending: list[tuple[Any, bool]] = [(document, False)]
        while pending:
            element, in_table = pending.pop()
            style_id = getattr(element, "style_id", None)
            if style_id is not None and getattr(element, "style_name", None) is None:
                self.nameless_styles.add(style_id)
            if isinstance(element, word.Paragraph) and not in_table:
                self.paragraphs.append(_paragraph_of(element))
            children = getattr(element, "children", None) or ()
            in_table = in_table or isinstance(element, word.Table)
            pending.extend((child, in_table) for child in reversed(children))
        return document

    def heading_like(self) -> list[str]:
        """The text of body paragraphs that are all bold and larger than the body text."""
        sizes: Counter[float] = Counter()
        for paragraph in self.paragraphs:
            for text, bold, size in paragraph.runs:
                if size is not None and not bold:
                    sizes[size] += len(text)
        body_size = sizes.most_common(1)[0][0] if sizes else _DEFAULT_BODY_POINTS
        found = []
        for paragraph in self.paragraphs:
            text = paragraph.text
            if (
                text
                and len(text) <= _HEADING_LIKE_MAX_CHARS
                and not paragraph.in_list
                and (paragraph.style_name or "normal").casefold() in _BODY_STYLES
                and all(
                    bold and size is not None and size > body_size
                    for run_text, bold, size in paragraph.runs
                    if run_text.strip()
                )
            ):
                found.append(text)
        return found


def _paragraph_of(paragraph: Any) -> _Paragraph:
    runs: list[tuple[str, bool, float | None]] = []
    pending = list(reversed(paragraph.children or ()))
    while pending:
        element = pending.pop()
        if isinstance(element, word.Paragraph):
            continue  # a text box's paragraph inside this one: not this paragraph's text
        if isinstance(element, word.Run):
            text = "".join(
                child.value for child in element.children or () if isinstance(child, word.Text)
            )
            runs.append((text, bool(element.is_bold), element.font_size))
        pending.extend(reversed(getattr(element, "children", None) or ()))
    return _Paragraph(paragraph.style_name, paragraph.numbering is not None, runs)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _drawings_left_out(data: bytes) -> tuple[int, int]:
    """Charts and SmartArt, and text boxes without the copy Word saves for older versions,
    in the main document: mammoth drops them without a word. (Content inside
    ``mc:AlternateContent`` is left to mammoth, which reads its fallback.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as container:
            xml = container.read("word/document.xml")
    except Exception:  # no such part (mammoth found another), or unreadable: nothing to add
        return 0, 0
    outside = b"".join(_outside_alternate_content(xml))
    charts = sum(
        1 for uri in _DRAWING_URI.findall(outside) if uri.rstrip(b"/").endswith(_CHART_URI_ENDINGS)
    )
    return charts, len(_TEXT_BOX.findall(outside))


def _outside_alternate_content(xml: bytes) -> list[bytes]:
    pieces, depth, start = [], 0, 0
    for tag in _ALTERNATE_CONTENT.finditer(xml):
        closing, self_closing = tag.group(1), tag.group(2)
        if self_closing:
            continue
        if not closing:
            if depth == 0:
                pieces.append(xml[start : tag.start()])
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                start = tag.end()
    if depth == 0:
        pieces.append(xml[start:])
    return pieces


def _check_docx_container(data: bytes, budget: _Budget) -> None:
    if data.startswith(_OLE_MAGIC):
        raise _Refused(
            _(
                "This is a password-protected document or an old Word 97–2003 file. Open it "
                "in Word, remove the password, save it as a .docx document and upload that."
            )
        )
    if not data.startswith(_ZIP_MAGIC):
        raise _Refused(_not_word_message())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as container:
            parts = container.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _Refused(
            _("The Word document is damaged and could not be read. Open it in Word and save it.")
        ) from None
    if len(parts) > MAX_DOCX_PARTS:
        raise _Refused(_not_word_message())
    if any(part.flag_bits & 0x1 for part in parts):
        raise _Refused(_("The Word document is password-protected; remove the password."))
    # Declared sizes bound what zipfile will decompress, so this refuses bombs up front.
    budget.charge(sum(part.file_size for part in parts))


def _not_word_message() -> str:
    return _("The file is not a Word document (.docx). Open it in Word and save it as .docx.")


class _SopMarkdownConverter(MarkdownConverter):
    """markdownify tuned for the project's renderer (CommonMark, ``core.markdown``) and for
    safety: Word text is escaped so that it renders as typed, never as Markdown."""

    def __init__(self) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            strong_em_symbol="*",
            table_infer_header=True,
            escape_misc=False,
        )
        self.dropped_links: list[str] = []

    def convert_del(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # core.markdown renders CommonMark, where "~~" is text; it keeps <del> (raw HTML,
        # sanitized), and the text inside is still Markdown.
        stripped = text.strip()
        if not stripped:
            return ""
        prefix = " " if text.startswith(" ") else ""
        suffix = " " if text.endswith(" ") else ""
        return f"{prefix}<del>{stripped}</del>{suffix}"

    convert_s = convert_del
    convert_strike = convert_del

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        href = (el.get("href") or "").strip()
        if not href or href.startswith("#"):
            return text  # bookmarks, footnote references: nothing to follow outside Word
        try:
            scheme = urlsplit(href).scheme.lower()
        except ValueError:
            scheme = ""
        if scheme not in LINK_SCHEMES:
            self.dropped_links.append(href[:80])
            return text
        # Spaces, brackets and parentheses would end the Markdown link early and let the rest
        # of the address be read as Markdown (another link, an image): percent-encode them.
        el["href"] = quote(href, safe=_HREF_SAFE)
        return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]

    def convert_li(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # markdownify indents a nested list by the bullet's width ("- " = 2); four spaces nest
        # under any bullet or number up to "99. ", in CommonMark and Python-Markdown alike.
        converted = str(super().convert_li(el, text, parent_tags))  # type: ignore[misc]
        lines = converted.split("\n")
        first, rest = lines[0], lines[1:]
        match = re.match(r"^(\S+ )", first)
        width = len(match.group(1)) if match else 0
        if width and width < 4:
            rest = [
                " " * (4 - width) + line if line.startswith(" " * width) else line for line in rest
            ]
        return "\n".join([first, *rest])

    def escape(self, text: str, parent_tags: set[str]) -> str:
        """Word text as Markdown that renders exactly that text: "[a](b)", "*a*", backticks,
        "~~", "|", "<b>", "&copy;" and a "#", "1.", "-", "+", ">" or "=" starting a line show
        as typed. (markdownify's own escaping covers only ``*`` and ``_``; its ``escape_misc``
        also escapes "-" and "1." in mid-sentence, where they mean nothing.)"""
        if not text:
            return ""
        text = _INLINE_SYNTAX.sub(r"\\\1", text)
        # Not backslashes: an entity is plain text to every Markdown reader and to HTML.
        text = text.replace("&", "&amp;").replace("<", "&lt;")
        if parent_tags & _HEADING_TAGS:
            text = text.replace("#", "\\#")  # "Call #" would lose its "#" as a closing sequence
        # A text node may start a line (a paragraph, a cell, after a line break).
        return _LINE_START_SYNTAX.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return indent + marker[:-1] + "\\" + marker[-1]
    return indent + "\\" + marker


_STYLE_WARNING = re.compile(r"Unrecognised (paragraph|run|table) style: ")
_UNDEFINED_STYLE_WARNING = re.compile(r"^\w+ style with ID .* was referenced but not defined")
_LOST_IMAGE_WARNINGS = (
    "Could not find image file for a:blip element",
    "A v:imagedata element without a relationship ID was ignored",
)


def _mammoth_notes(messages: list[Any], nameless_styles: set[str]) -> tuple[list[str], int]:
    """mammoth's warnings, grouped and said in plain words, and the number of images it could
    not find (added to the images skipped).

    Styles are named only when Word would show a name: a style that is referenced but not
    defined, or defined without a name, had nothing to keep. Table styles are not named either:
    the table is kept, only its borders and shading are not."""
    paragraph_styles: list[str] = []
    run_styles: list[str] = []
    ignored = 0
    lost_images = 0
    other: list[str] = []
    for message in messages:
        text = str(getattr(message, "message", message))
        style = _STYLE_WARNING.match(text)
        if style:
            # "<name> (Style ID: <id>)"; the name is "None" when the style has none.
            style_name, _sep, style_id = text[style.end() :].rpartition(" (Style ID: ")
            kind, style_id = style.group(1), style_id.removesuffix(")")
            if kind == "table" or style_id in nameless_styles:
                continue
            names = paragraph_styles if kind == "paragraph" else run_styles
            if style_name not in names:
                names.append(style_name)
        elif _UNDEFINED_STYLE_WARNING.match(text):
            continue
        elif text.startswith(("An unrecognised element was ignored", "A w:sym element")):
            ignored += 1
        elif text.startswith(_LOST_IMAGE_WARNINGS):
            lost_images += 1
        elif text.startswith("Image of type"):
            continue  # images are skipped and counted anyway
        elif text not in other:
            other.append(text)
    notes = []
    if paragraph_styles:
        notes.append(
            ngettext(
                "The Word style {names} is not known here; its text was kept as plain paragraphs.",
                "The Word styles {names} are not known here; their text was kept as plain "
                "paragraphs.",
                len(paragraph_styles),
            ).format(names=", ".join(f"“{name}”" for name in paragraph_styles))
        )
    if run_styles:
        notes.append(
            ngettext(
                "The formatting of the Word character style {names} was dropped; its text was "
                "kept.",
                "The formatting of the Word character styles {names} was dropped; their text "
                "was kept.",
                len(run_styles),
            ).format(names=", ".join(f"“{name}”" for name in run_styles))
        )
    if ignored:
        notes.append(
            ngettext(
                "{count} part of the document (such as an equation, field, shape or symbol) "
                "could not be read and was left out.",
                "{count} parts of the document (such as equations, fields, shapes or symbols) "
                "could not be read and were left out.",
                ignored,
            ).format(count=ignored)
        )
    notes.extend(
        _("The Word converter said: {message}").format(message=message) for message in other
    )
    return notes, lost_images


# ---------------------------------------------------------------------------
# Markdown files and front matter
# ---------------------------------------------------------------------------


def _read_markdown(name: str, data: bytes) -> SopFile:
    try:
        text = text_of_upload(data)
    except ValidationFailed as error:
        raise _Refused(error.message) from None
    meta, body = _front_matter(text)
    return _build(name, meta, body)


def _front_matter(text: str) -> tuple[_Meta, str]:
    """Split off and check the YAML front matter (``---`` ... ``---``) if ``text`` has one."""
    first_line, _newline, rest = text.partition("\n")
    if not _FENCE_LINE.match(first_line):
        return _Meta(), text
    end = _FRONT_MATTER_END.search(rest)
    if end is None:
        raise _Refused(
            _(
                "The front matter that starts on line 1 is not closed: add a line with three "
                "dashes (---) after it."
            )
        )
    source = rest[: end.start()]
    if len(source) > MAX_FRONT_MATTER_CHARS:
        raise _Refused(
            _("The front matter is longer than {limit} characters.").format(
                limit=MAX_FRONT_MATTER_CHARS
            )
        )
    body = rest[end.end() :].removeprefix("\n")
    try:
        loaded = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark is not None:
            raise _Refused(
                _("The front matter is not valid YAML (line {line}): {problem}.").format(
                    line=mark.line + 2,
                    problem=problem,  # +1 from 0-based, +1 for the fence
                )
            ) from None
        raise _Refused(
            _("The front matter is not valid YAML: {problem}.").format(problem=problem)
        ) from None
    if loaded is None:
        return _Meta(), body
    if not isinstance(loaded, dict):
        raise _Refused(
            _("The front matter must be a list of “key: value” lines, such as “title: Refunds”.")
        )
    if _holds_nul(loaded):
        # YAML's "\0" escape: PostgreSQL can't store NUL in text, and no title needs one.
        raise _Refused(_("The front matter holds a NUL character (\\0); remove it."))
    return _meta_of(loaded), body


def _holds_nul(value: Any) -> bool:
    """Whether a loaded YAML value holds NUL in any key or text, however deep (iteratively:
    anchors can make a deep or shared structure)."""
    pending, seen = [value], set()
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict | list) and id(item) not in seen:
            seen.add(id(item))
            pending.extend([*item.keys(), *item.values()] if isinstance(item, dict) else item)
    return False


def _meta_of(values: dict[Any, Any]) -> _Meta:
    meta = _Meta()
    unknown = sorted(str(key) for key in values if key not in FRONT_MATTER_KEYS)
    if unknown:
        meta.notes.append(
            ngettext(
                "The front matter key {keys} is not used (known keys: {known}).",
                "The front matter keys {keys} are not used (known keys: {known}).",
                len(unknown),
            ).format(
                keys=", ".join(f"“{key}”" for key in unknown),
                known="title, slug, skills, requires_reack, change_summary",
            )
        )
    meta.title = _optional_text(values, "title")
    meta.slug = _optional_text(values, "slug")
    meta.change_summary = _optional_text(values, "change_summary") or ""
    meta.skills = _skills(values.get("skills"))
    for key in ("requires_reack", "requires_reacknowledgement"):
        value = values.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise _Refused(_("In the front matter, “{key}” must be true or false.").format(key=key))
        meta.requires_reack = value
    return meta


def _optional_text(values: dict[Any, Any], key: str) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Refused(
            _("In the front matter, “{key}” must be text (put it in quotes).").format(key=key)
        )
    return value.strip() or None


def _skills(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = _SKILL_SPLIT.split(value)
    elif isinstance(value, list):
        items = value
    else:
        raise _Refused(
            _(
                "In the front matter, “skills” must be a list of skill slugs or one line of "
                "slugs separated by commas."
            )
        )
    skills: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise _Refused(_("In the front matter, every skill must be a skill slug (text)."))
        slug = item.strip()
        if not slug:
            continue
        if _slug_error(slug):
            raise _Refused(
                _("In the front matter, “{skill}” is not a skill slug.").format(skill=slug[:60])
            )
        if slug not in skills:
            skills.append(slug)
    return tuple(skills)


# ---------------------------------------------------------------------------
# Title, slug, body
# ---------------------------------------------------------------------------


def _build(name: str, meta: _Meta, body: str) -> SopFile:
    heading, body_without_heading = _first_h1(body)
    if meta.title:
        title = meta.title
        # Drop a first heading that only repeats the title.
        if heading is not None and heading.casefold() == title.casefold():
            body = body_without_heading
    elif heading:
        title, body = heading, body_without_heading
    else:
        title = _title_from_name(name)
    body = body.strip("\n")
    if not body.strip():
        raise _Refused(_("The file has no text besides its title."))
    if "\n" in title or len(title) > TITLE_MAX_LENGTH:
        raise _Refused(
            _("The title must be one line of at most {limit} characters.").format(
                limit=TITLE_MAX_LENGTH
            )
        )
    if "\n" in meta.change_summary or len(meta.change_summary) > CHANGE_SUMMARY_MAX_LENGTH:
        raise _Refused(
            _("The change summary must be one line of at most {limit} characters.").format(
                limit=CHANGE_SUMMARY_MAX_LENGTH
            )
        )
    if meta.slug:
        slug = meta.slug
        error = _slug_error(slug)
        if error:
            raise _Refused(error)
    else:
        slug = _slug_of(title)
        if not slug:
            raise _Refused(
                _(
                    "No slug could be made from the title “{title}”; add a “slug:” line "
                    "(letters, numbers, hyphens) to the front matter."
                ).format(title=title)
            )
    return SopFile(
        name=name,
        title=title,
        slug=slug,
        body=body + "\n",
        skills=meta.skills,
        requires_reack=meta.requires_reack,
        change_summary=meta.change_summary,
        notes=tuple(meta.notes),
    )


def _first_h1(body: str) -> tuple[str | None, str]:
    """The text of the first level-1 heading outside code blocks, and the body without it."""
    lines = body.split("\n")
    in_code = False
    for index, line in enumerate(lines):
        if _CODE_FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        atx = _ATX_H1.match(line)
        if atx:
            return _plain(atx.group("text") or ""), "\n".join(lines[:index] + lines[index + 1 :])
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and _SETEXT_H1_UNDERLINE.match(next_line):
            previous = lines[index - 1] if index else ""
            if not previous.strip():  # a setext heading starts a block
                return _plain(line), "\n".join(lines[:index] + lines[index + 2 :])
    return None, body


def _plain(markdown_text: str) -> str:
    """Heading Markdown (``**Refunds** \\& returns``) as plain text, read as core.markdown
    reads it (CommonMark: ``\\~`` and ``\\|`` are escapes too)."""
    rendered = _COMMONMARK.renderInline(markdown_text.strip())
    return " ".join(html.unescape(strip_tags(rendered)).split())


def _slug_of(title: str) -> str:
    """``title`` as a slug: Django's ``slugify`` (NFKD, then ASCII only), with the letters NFKD
    can't take apart spelled out first, so "Obsługa reklamacji" gives ``obsluga-reklamacji``
    (not ``obsuga-reklamacji``)."""
    return slugify(title.translate(_SLUG_LETTERS))[:SLUG_MAX_LENGTH].strip("-_")


def _title_from_name(name: str) -> str:
    words = " ".join(re.split(r"[-_\s]+", PurePosixPath(name).stem)).strip()
    return words[:1].upper() + words[1:] if words else ""


def _slug_error(slug: str) -> str | None:
    if len(slug) > SLUG_MAX_LENGTH:
        return _("The slug “{slug}” is longer than {limit} characters.").format(
            slug=slug[:60], limit=SLUG_MAX_LENGTH
        )
    try:
        validate_slug(slug)
    except ValidationError:
        return _(
            "The slug “{slug}” may only hold letters, numbers, underscores and hyphens."
        ).format(slug=slug[:60])
    return None


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _too_big_message(size: int) -> str:
    return _("The file is {size}; the limit is {limit}.").format(
        size=filesizeformat(size), limit=filesizeformat(MAX_UPLOAD_BYTES)
    )


__all__ = ["SopFile", "SopFileProblem", "read_sop_upload"]
