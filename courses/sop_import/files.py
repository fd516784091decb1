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
bold, italic, strikethrough, bulleted and numbered lists (nested, indented by four spaces as
the project's Markdown renderer needs), tables (as pipe tables, the first row as the header),
block quotes ("Quote" style) and links to ``http``, ``https`` and ``mailto`` addresses.
Dropped, with a note: images (not imported: counted and reported as skipped), links to
anything else (``javascript:``, files, internal bookmarks: their text is kept), parts mammoth
cannot read (text boxes, some fields), unknown Word styles (their text is kept as plain
paragraphs). Underline, colours, fonts, comments, headers and footers are dropped silently,
as mammoth does. mammoth never follows links to external files.

**Markdown files** (``.md``, ``.markdown``, ``.txt``) are decoded by
``core.uploads.text_of_upload`` (UTF-8 with or without a byte-order mark, UTF-16/32 with one;
Latin-1 is refused with its line) and may start with YAML front matter between ``---`` lines:
``title``, ``slug``, ``skills`` (a list of skill slugs or a comma-separated string),
``requires_reack`` (or ``requires_reacknowledgement``) and ``change_summary``. Raw HTML in the
body is kept as written: ``core.markdown.render_markdown`` sanitizes it when it is rendered.

**Title and slug.** The title is the front matter's, else the first level-1 heading (which is
then removed from the body so it is not shown twice), else the file name made readable. The
slug is the front matter's (checked like Django's ``SlugField``), else the slugified title.

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
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import mammoth
import markdown as md
import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.template.defaultfilters import filesizeformat
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
_LEADING_MARKER = re.compile(r"^(\s*)(#{1,6}(?=\s)|[-+>](?=\s)|[0-9]{1,9}[.)](?=\s))")

# mammoth maps "Heading N" itself; these add Word's other common paragraph styles.
_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
"""


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
    notes = _mammoth_notes(result.messages)
    if skipped_images:
        notes.append(
            ngettext(
                "{count} image was skipped: images are not imported.",
                "{count} images were skipped: images are not imported.",
                skipped_images,
            ).format(count=skipped_images)
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
    return _build(name, _Meta(notes=notes), body)


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
    """markdownify tuned for the project's renderer (Python-Markdown) and for safety."""

    def __init__(self) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            strong_em_symbol="*",
            table_infer_header=True,
            escape_misc=False,
        )
        self.dropped_links: list[str] = []

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
        return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]

    def convert_li(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # Python-Markdown nests lists only under a four-space indent; markdownify indents by
        # the bullet's width ("- " = 2), which flattens nested lists.
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
        text = str(super().escape(text, parent_tags))  # type: ignore[misc]
        # Word text is text: "<Ctrl>" or "R&D" must not be read as HTML.
        text = text.replace("&", "&amp;").replace("<", "&lt;")
        if "td" in parent_tags or "th" in parent_tags:
            text = text.replace("|", r"\|")
        # A paragraph starting "1. ", "- ", "# " or "> " is text, not Markdown structure.
        return _LEADING_MARKER.sub(_escape_marker, text)


def _escape_marker(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():
        return match.group(1) + marker[:-1] + "\\" + marker[-1]
    return match.group(1) + "\\" + marker


def _mammoth_notes(messages: list[Any]) -> list[str]:
    """mammoth's warnings, grouped and said in plain words."""
    paragraph_styles: list[str] = []
    run_styles: list[str] = []
    ignored = 0
    other: list[str] = []
    for message in messages:
        text = str(getattr(message, "message", message))
        style = re.match(r"Unrecognised (paragraph|run|table) style: (.*?) \(Style ID:", text)
        if style:
            names = paragraph_styles if style.group(1) != "run" else run_styles
            if style.group(2) not in names:
                names.append(style.group(2))
        elif text.startswith(("An unrecognised element was ignored", "A w:sym element")):
            ignored += 1
        elif "Image" in text or "image" in text:
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
                "{count} part of the document (such as a text box, shape or symbol) could not "
                "be read and was left out.",
                "{count} parts of the document (such as text boxes, shapes or symbols) could "
                "not be read and were left out.",
                ignored,
            ).format(count=ignored)
        )
    notes.extend(
        _("The Word converter said: {message}").format(message=message) for message in other
    )
    return notes


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
        slug = slugify(title)[:SLUG_MAX_LENGTH].strip("-_")
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
    """Heading Markdown (``**Refunds** \\& returns``) as plain text."""
    rendered = md.markdown(markdown_text.strip())
    return " ".join(html.unescape(strip_tags(rendered)).split())


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
