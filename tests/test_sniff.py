from __future__ import annotations

import pytest

from clearance.readers.sniff import sniff_media_type

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (PNG, "not-really.txt", "image/png"),  # content beats the extension
        (JPEG, "photo.png", "image/jpeg"),
        (b"PK\x03\x04" + b"\x00" * 40, "data.bin", "application/zip"),
        (b"import os\n", "tool.py", "text/x-python"),
        (b"<!DOCTYPE html><html></html>", "page", "text/html"),
        (b"  <html lang=en>", "index.txt", "text/html"),
        (b"<?xml version='1.0'?><a/>", "feed", "application/xml"),
        (b"plain words", "README", "text/plain"),
        (b"\x00\x01\x02binary", "blob.txt", "application/octet-stream"),
        (b"", "empty.txt", "text/plain"),
    ],
)
def test_media_type_from_content_first(head: bytes, name: str, expected: str) -> None:
    assert sniff_media_type(head, name) == expected


def _zip(*members: tuple[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "head",
    [
        _zip(("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")),
        _zip(("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")),
        _zip(("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")),
        _zip(("notes.txt", b"just a zip")),
        b"text that mentions PK\x03\x04 after the start" + b" padding" * 100,
        b"PK\x03\x04",
        b"plain words",
        PNG,
        JPEG,
    ],
)
def test_short_cut_matchers_answer_as_filetype_does(head: bytes) -> None:
    """The zipped-document matchers are short-cut for speed; the answers must not change."""
    import filetype

    from clearance.readers.sniff import MATCHERS

    ours = filetype.match(head, MATCHERS)
    theirs = filetype.guess(head)
    assert (ours and ours.mime) == (theirs and theirs.mime)
