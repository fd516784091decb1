"""Build small but real .docx files in tests: the OOXML parts Word writes, zipped.

Just enough of WordprocessingML for an importer to meet what real SOPs hold: styled headings,
bold and italic runs, bulleted and numbered lists (nested), tables, hyperlinks and an embedded
PNG image. Usage::

    doc = DocxBuilder()
    doc.heading("Refunds", level=1)
    doc.paragraph(run("Always "), run("check", bold=True), link("the policy", "https://x.test"))
    doc.bullet("First", level=0)
    data = doc.build()
"""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

# A 1×1 transparent PNG.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

BULLET_LIST = 1  # w:numId of the bulleted list in numbering.xml
NUMBERED_LIST = 2  # w:numId of the numbered list


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Image:
    alt: str = "A picture"


def run(text: str, *, bold: bool = False, italic: bool = False) -> Run:
    return Run(text, bold, italic)


def link(text: str, url: str) -> Link:
    return Link(text, url)


def image(alt: str = "A picture") -> Image:
    return Image(alt)


Inline = Run | Link | Image | str


@dataclass
class DocxBuilder:
    """Collects body XML and the relationships it needs; ``build()`` returns the .docx bytes."""

    body: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    _next_id: int = 10

    # -- blocks ------------------------------------------------------------------------------

    def heading(self, text: str, *, level: int = 1) -> DocxBuilder:
        return self._paragraph([run(text)], style=f"Heading{level}")

    def title(self, text: str) -> DocxBuilder:
        return self._paragraph([run(text)], style="Title")

    def paragraph(self, *inlines: Inline, style: str | None = None) -> DocxBuilder:
        return self._paragraph(list(inlines), style=style)

    def bullet(self, *inlines: Inline, level: int = 0) -> DocxBuilder:
        return self._paragraph(list(inlines), style="ListParagraph", num=(BULLET_LIST, level))

    def numbered(self, *inlines: Inline, level: int = 0) -> DocxBuilder:
        return self._paragraph(list(inlines), style="ListParagraph", num=(NUMBERED_LIST, level))

    def table(self, rows: list[list[str]]) -> DocxBuilder:
        cells_xml = "".join(
            "<w:tr>"
            + "".join(f"<w:tc><w:p>{self._inline(run(cell))}</w:p></w:tc>" for cell in row)
            + "</w:tr>"
            for row in rows
        )
        self.body.append(f"<w:tbl><w:tblPr/>{cells_xml}</w:tbl>")
        return self

    # -- output ------------------------------------------------------------------------------

    def parts(self) -> dict[str, bytes]:
        """Every part of the package by its path; tests may change one before zipping."""
        document = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="{WP}" xmlns:a="{A}" '
            f'xmlns:pic="{PIC}"><w:body>{"".join(self.body)}<w:sectPr/></w:body></w:document>'
        )
        relationships = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rIdStyles" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rIdNumbering" Type="{REL}/numbering" Target="numbering.xml"/>'
            f"{''.join(self.relationships)}</Relationships>"
        )
        parts = {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _PACKAGE_RELS,
            "word/document.xml": document,
            "word/_rels/document.xml.rels": relationships,
            "word/styles.xml": _STYLES,
            "word/numbering.xml": _NUMBERING,
        }
        encoded = {path: text.encode() for path, text in parts.items()}
        encoded.update({f"word/media/{name}": data for name, data in self.media.items()})
        return encoded

    def build(self, parts: dict[str, bytes] | None = None) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for path, data in (parts if parts is not None else self.parts()).items():
                package.writestr(path, data)
        return buffer.getvalue()

    # -- helpers -----------------------------------------------------------------------------

    def _paragraph(
        self, inlines: list[Inline], *, style: str | None, num: tuple[int, int] | None = None
    ) -> DocxBuilder:
        properties = ""
        if style:
            properties += f'<w:pStyle w:val="{style}"/>'
        if num:
            properties += (
                f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
            )
        content = "".join(self._inline(item) for item in inlines)
        self.body.append(f"<w:p><w:pPr>{properties}</w:pPr>{content}</w:p>")
        return self

    def _inline(self, item: Inline) -> str:
        if isinstance(item, str):
            item = run(item)
        if isinstance(item, Run):
            properties = ("<w:b/>" if item.bold else "") + ("<w:i/>" if item.italic else "")
            return (
                f"<w:r><w:rPr>{properties}</w:rPr>"
                f'<w:t xml:space="preserve">{escape(item.text)}</w:t></w:r>'
            )
        relationship_id = f"rId{self._next_id}"
        self._next_id += 1
        if isinstance(item, Link):
            self.relationships.append(
                f'<Relationship Id="{relationship_id}" Type="{REL}/hyperlink" '
                f'Target={quoteattr(item.url)} TargetMode="External"/>'
            )
            text = self._inline(run(item.text))
            return f'<w:hyperlink r:id="{relationship_id}">{text}</w:hyperlink>'
        name = f"image{len(self.media) + 1}.png"
        self.media[name] = TINY_PNG
        self.relationships.append(
            f'<Relationship Id="{relationship_id}" Type="{REL}/image" Target="media/{name}"/>'
        )
        return (
            "<w:r><w:drawing><wp:inline>"
            '<wp:extent cx="9525" cy="9525"/>'
            f'<wp:docPr id="{self._next_id}" name="Picture" descr={quoteattr(item.alt)}/>'
            f'<a:graphic><a:graphicData uri="{PIC}"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{relationship_id}"/></pic:blipFill><pic:spPr/>'
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    "</Types>"
)

_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def _style(style_id: str, name: str) -> str:
    return f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/></w:style>'


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:styles xmlns:w="{W}">'
    + _style("Normal", "Normal")
    + _style("Title", "Title")
    + _style("Heading1", "heading 1")
    + _style("Heading2", "heading 2")
    + _style("ListParagraph", "List Paragraph")
    + _style("Fancy", "Fancy Callout")
    + "</w:styles>"
)


def _levels(number_format: str) -> str:
    return "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
        f'<w:lvlText w:val="%{level + 1}."/></w:lvl>'
        for level in range(3)
    )


_NUMBERING = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:numbering xmlns:w="{W}">'
    f'<w:abstractNum w:abstractNumId="0">{_levels("bullet")}</w:abstractNum>'
    f'<w:abstractNum w:abstractNumId="1">{_levels("decimal")}</w:abstractNum>'
    f'<w:num w:numId="{BULLET_LIST}"><w:abstractNumId w:val="0"/></w:num>'
    f'<w:num w:numId="{NUMBERED_LIST}"><w:abstractNumId w:val="1"/></w:num>'
    "</w:numbering>"
)
