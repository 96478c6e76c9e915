"""Read an agreement (txt, md, html, pdf, docx) into paragraphs with their page and headings.

Readers keep only what segmentation needs: paragraph text, whether it is a heading, and the
page (PDF). Caps on bytes, pages and characters keep a hostile or huge file from exhausting
the process; going over one is an error, never a silent truncation, because a review of half
an agreement would report the other half's clauses as missing.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Final

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from clearance.model.item import decode_text
from clearance.terms.errors import DocumentTooLarge, UnreadableDocument, UnsupportedFormat

MAX_BYTES: Final = 32 * 1024 * 1024
MAX_CHARS: Final = 2_000_000
MAX_PAGES: Final = 2_000
#: a .docx part may inflate at most this much (zip bombs).
MAX_DOCX_XML: Final = 64 * 1024 * 1024

FORMATS: Final = {
    ".txt": "txt",
    ".text": "txt",
    ".license": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}


@dataclass(frozen=True)
class Block:
    """One paragraph (or heading) of the document; ``page`` is 1-based for PDFs."""

    text: str
    heading: bool = False
    page: int | None = None


@dataclass(frozen=True)
class Document:
    name: str
    format: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)


def detect_format(name: str, data: bytes) -> str:
    """The reader for a file: by content for PDF/zip/HTML, else by extension, else text."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    suffix = Path(name).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormat(f"{name}: binary file; supported: txt, md, html, pdf, docx")
    return "txt"


def read_path(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Document:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentTooLarge(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte cap")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"{path}: {exc.strerror or exc}") from exc
    return read_bytes(data, str(path), max_bytes=max_bytes)


def read_bytes(data: bytes, name: str, *, max_bytes: int = MAX_BYTES) -> Document:
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"{name}: {len(data):,} bytes is over the {max_bytes:,}-byte cap")
    fmt = detect_format(name, data)
    if fmt == "pdf":
        from clearance.terms.pdf import read_pdf

        doc = read_pdf(data, name, max_pages=MAX_PAGES)
    elif fmt == "docx":
        doc = _read_docx(data, name)
    else:
        decoded = decode_text(data)
        notes = (decoded.problem,) if decoded.problem else ()
        _check_chars(decoded.text, name)
        if fmt == "html":
            blocks = _html_blocks(decoded.text)
        elif fmt == "md":
            blocks = text_blocks(decoded.text, markdown=True)
        else:
            blocks = text_blocks(
                _strip_front_matter(decoded.text), markdown=_has_md_headings(decoded.text)
            )
        doc = Document(name, fmt, tuple(blocks), notes=notes)
    _check_chars(doc.text, name)
    return doc


def _has_md_headings(text: str) -> bool:
    """Plain-text files often use markdown headings (``### 9.0 Termination``)."""
    return re.search(r"^#{1,6} \S", text[:200_000], re.M) is not None


def _check_chars(text: str, name: str) -> None:
    if len(text) > MAX_CHARS:
        raise DocumentTooLarge(f"{name}: {len(text):,} characters is over the {MAX_CHARS:,} cap")


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _strip_front_matter(text: str) -> str:
    # ScanCode LicenseDB texts and Hugging Face cards open with YAML metadata, not terms.
    return _FRONT_MATTER.sub("", text.replace("\r\n", "\n"), count=1)


def text_blocks(text: str, *, markdown: bool = False, page: int | None = None) -> list[Block]:
    """Paragraphs split at blank lines; markdown headings become heading blocks."""
    if markdown:
        text = _strip_front_matter(text)
    blocks: list[Block] = []
    for para in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [ln.strip() for ln in para.split("\n") if ln.strip()]
        if not lines:
            continue
        if markdown:
            pending: list[str] = []
            for line in lines:
                m = _MD_HEADING.match(line)
                if m:
                    if pending:
                        blocks.append(Block(" ".join(pending), page=page))
                        pending = []
                    blocks.append(Block(m.group(1), heading=True, page=page))
                else:
                    pending.append(line.lstrip("*-+> ").strip() if line[:1] in "*-+>" else line)
            if pending:
                blocks.append(Block(" ".join(pending), page=page))
        else:
            blocks.extend(_split_numbered(lines, page))
    return blocks


_ITEM_START = re.compile(r"^(\(?[0-9ivxa-h]{1,4}[.)]|[0-9]+(\.[0-9]+)+\.?|Section\s+\d|[-*•])\s")


def _split_numbered(lines: list[str], page: int | None) -> list[Block]:
    """A paragraph whose lines start with list numbers is one block per numbered line run."""
    blocks: list[Block] = []
    current: list[str] = []
    for line in lines:
        if current and _ITEM_START.match(line):
            blocks.append(Block(" ".join(current), page=page))
            current = []
        current.append(line)
    if current:
        blocks.append(Block(" ".join(current), page=page))
    return blocks


_BLOCK_TAGS: Final = frozenset(
    {"p", "div", "li", "ul", "ol", "br", "tr", "td", "th", "section", "article", "header"}
    | {"footer", "table", "dd", "dt", "blockquote", "hr", "pre", "main", "nav", "aside"}
    | {"h1", "h2", "h3", "h4", "h5", "h6"}
)
_SKIP_TAGS: Final = frozenset({"script", "style", "noscript", "template", "svg", "head"})


class _TextExtractor(HTMLParser):
    """Visible text in block order; h1-h6 become heading blocks (they carry section names)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._skip = 0
        self._heading = False

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._parts)).strip()
        if text:
            self.blocks.append(Block(text, heading=self._heading))
        self._parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._heading = len(tag) == 2 and tag[0] == "h" and tag[1].isdigit()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._heading = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append(data)


def _html_blocks(text: str) -> list[Block]:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.blocks


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(data: bytes, name: str) -> Document:
    """Paragraphs of ``word/document.xml``, read with zipfile + defusedxml.

    Not python-docx: we need paragraph text and heading styles only, defusedxml (already a
    dependency) refuses entity expansion and external entities, and the inflated size is
    capped before parsing, so a hostile .docx costs at most ``MAX_DOCX_XML`` bytes.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            try:
                info = zf.getinfo("word/document.xml")
            except KeyError:
                raise UnsupportedFormat(
                    f"{name}: a zip without word/document.xml (not a .docx)"
                ) from None
            if info.file_size > MAX_DOCX_XML:
                raise DocumentTooLarge(
                    f"{name}: word/document.xml inflates to {info.file_size:,} bytes"
                )
            with zf.open(info) as fh:
                xml = fh.read(MAX_DOCX_XML + 1)
        if len(xml) > MAX_DOCX_XML:
            raise DocumentTooLarge(f"{name}: word/document.xml is over {MAX_DOCX_XML:,} bytes")
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, ElementTree.ParseError, DefusedXmlException, OSError) as exc:
        raise UnreadableDocument(f"{name}: not a readable .docx ({exc})") from exc
    blocks: list[Block] = []
    for para in root.iter(f"{_W}p"):
        text = "".join(
            node.text or ("\t" if node.tag == f"{_W}tab" else "")
            for node in para.iter()
            if node.tag in (f"{_W}t", f"{_W}tab")
        ).strip()
        if not text:
            continue
        style = para.find(f"{_W}pPr/{_W}pStyle")
        style_name = (style.get(f"{_W}val") or "") if style is not None else ""
        heading = style_name.lower().startswith(("heading", "title"))
        blocks.append(Block(re.sub(r"\s+", " ", text), heading=heading))
    return Document(name, "docx", tuple(blocks))
