"""Media types from content first, the file name second.

``filetype`` knows the magic numbers of binary formats; text is told apart by the absence of
NUL bytes and named by extension (code) or by its first bytes (HTML, XML).
"""

from __future__ import annotations

import mimetypes
from typing import Any, Final

import filetype
from filetype.types import TYPES
from filetype.types.document import ZippedDocumentBase

SNIFF_BYTES: Final = 8192

_TEXT_EXTENSIONS: Final = {
    ".py": "text/x-python",
    ".pyi": "text/x-python",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".ts": "text/x-typescript",
    ".tsx": "text/x-typescript",
    ".jsx": "text/javascript",
    ".c": "text/x-c",
    ".h": "text/x-c",
    ".cc": "text/x-c++",
    ".cpp": "text/x-c++",
    ".hpp": "text/x-c++",
    ".cs": "text/x-csharp",
    ".java": "text/x-java",
    ".kt": "text/x-kotlin",
    ".go": "text/x-go",
    ".rs": "text/x-rust",
    ".rb": "text/x-ruby",
    ".php": "text/x-php",
    ".swift": "text/x-swift",
    ".scala": "text/x-scala",
    ".sh": "text/x-shellscript",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".rst": "text/x-rst",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".xml": "application/xml",
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".sql": "application/sql",
    ".svg": "image/svg+xml",
}


_ZIP_LOCAL_HEADER: Final = b"PK\x03\x04"


class _ZippedDocument:
    """filetype's matcher for a zipped document (docx, odt...) with its first test moved up.

    ``ZippedDocumentBase.match`` looks for a ZIP header in the first 6,000 bytes and gives up
    unless it sits at offset 0: the same answer as ``startswith``, without scanning 6 KB six
    times (and raising) for every file that is not a ZIP. Checked against filetype itself in
    tests/test_sniff.py.
    """

    def __init__(self, matcher: Any):
        self.matcher = matcher
        self.mime = matcher.mime
        self.extension = matcher.extension

    def match(self, buf: bytes) -> Any:
        return buf[:4] == _ZIP_LOCAL_HEADER and self.matcher.match(buf)


#: filetype's matchers, in its order, with the zipped-document ones short-cut.
MATCHERS: Final = tuple(
    _ZippedDocument(m) if type(m).match is ZippedDocumentBase.match else m for m in TYPES
)


def sniff_media_type(head: bytes, name: str = "") -> str:
    """The media type of content starting with ``head``; ``name`` only breaks ties for text."""
    kind = filetype.match(head, MATCHERS) if head else None
    if kind is not None:
        return str(kind.mime)
    if b"\x00" in head[:SNIFF_BYTES] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "application/octet-stream"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    suffix = _suffix(name)
    if suffix in _TEXT_EXTENSIONS:
        return _TEXT_EXTENSIONS[suffix]
    if lowered.startswith(b"<?xml"):
        return "application/xml"
    guessed, _ = mimetypes.guess_type(name or "x")
    if guessed and (guessed.startswith("text/") or guessed in _TEXT_EXTENSIONS.values()):
        return guessed
    return "text/plain"


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""
