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
