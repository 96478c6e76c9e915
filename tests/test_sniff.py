from __future__ import annotations

from pathlib import Path

import pytest

from clearance.readers.sniff import (
    BY_FIRST_BYTE,
    MATCHERS,
    SNIFF_BYTES,
    first_bytes,
    sniff_media_type,
)

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


def _real_headers(tmp: Path) -> dict[str, bytes]:
    """Files written by real libraries, one per format we can make here, plus the repository's
    own samples: the first 8 KiB of each."""
    import bz2
    import gzip
    import io
    import lzma
    import sqlite3
    import sys
    import tarfile
    import wave

    from PIL import Image

    heads: dict[str, bytes] = {}
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    for fmt in ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "ICO", "PDF", "PPM", "TGA"):
        out = io.BytesIO()
        image.save(out, format=fmt)
        heads[fmt] = out.getvalue()
    heads["zip"] = _zip(("a.txt", b"hello"))
    heads["docx"] = _zip(("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>"))
    heads["epub"] = _zip(("mimetype", b"application/epub+zip"), ("a.xhtml", b"<x/>"))
    tar_out = io.BytesIO()
    with tarfile.open(fileobj=tar_out, mode="w") as archive:
        info = tarfile.TarInfo("member.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
    heads["tar"] = tar_out.getvalue()
    heads["gz"] = gzip.compress(b"some text" * 50)
    heads["bz2"] = bz2.compress(b"some text" * 50)
    heads["xz"] = lzma.compress(b"some text" * 50)
    database = tmp / "db.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("create table t (a)")
    heads["sqlite"] = database.read_bytes()
    wav_out = io.BytesIO()
    with wave.open(wav_out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x01" * 400)
    heads["wav"] = wav_out.getvalue()
    heads["elf"] = Path(sys.executable).resolve().read_bytes()[:SNIFF_BYTES]
    heads["text"] = b"#!/usr/bin/env python\nimport os\n"
    return {name: head[:SNIFF_BYTES] for name, head in heads.items()}


def test_first_byte_table_answers_as_every_filetype_matcher(tmp_path: Path) -> None:
    """``sniff_media_type`` runs only the matchers that can accept the first byte: on real
    files, and on each of them with its first byte set to every value (a header one byte
    away from each real format), the answer is filetype's own over all its matchers."""
    import filetype

    heads = _real_headers(tmp_path)
    repo = Path(__file__).resolve().parent.parent
    for folder in (repo / "examples", repo / "tests" / "data"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                head = path.read_bytes()[:SNIFF_BYTES]
                ours = filetype.match(head, BY_FIRST_BYTE[head[0]]) if head else None
                theirs = filetype.match(head, MATCHERS)
                assert (ours and ours.mime) == (theirs and theirs.mime), path
    known = {(kind.mime if kind else None) for kind in (filetype.guess(h) for h in heads.values())}
    assert {"image/png", "image/jpeg", "application/pdf", "application/x-tar"} <= known
    assert {"application/zip", "application/x-sqlite3", "audio/x-wav"} <= known
    for name, head in heads.items():
        for first in range(256):
            probe = bytes([first]) + head[1:] if head else bytes([first])
            ours = filetype.match(probe, BY_FIRST_BYTE[first])
            theirs = filetype.match(probe, MATCHERS)
            assert (ours and ours.mime) == (theirs and theirs.mime), (name, first)


def test_first_byte_table_skips_only_matchers_with_a_required_first_byte() -> None:
    from filetype.types import TYPES

    assert len(MATCHERS) == len(TYPES)
    required = {id(m): first_bytes(m) for m in MATCHERS}
    for first, matchers in enumerate(BY_FIRST_BYTE):
        assert [m for m in MATCHERS if m in matchers] == list(matchers)  # filetype's order
        for matcher in MATCHERS:
            if matcher not in matchers:
                needed = required[id(matcher)]
                assert needed is not None and first not in needed
    # text starts are where the time goes: most matchers are skipped there, among them the
    # Matroska and WebM ones, which search the whole buffer
    assert all(len(BY_FIRST_BYTE[b]) < len(MATCHERS) / 3 for b in b"#/<{ \nabcxyzABCXYZ019")
    video = {"video/x-matroska", "video/webm"}
    assert not any(m.mime in video for b in b"#/<{ \nabcxyzABCXYZ019" for m in BY_FIRST_BYTE[b])
    assert {m.mime for m in BY_FIRST_BYTE[0x1A]} >= video


@pytest.mark.parametrize("doctype", [b"matroska", b"webm"])
def test_first_byte_table_finds_matroska_and_webm(doctype: bytes) -> None:
    """An EBML header (element ID 0x1A45DFA3, then a DocType element 0x4282 naming the
    format: what filetype's Matroska and WebM matchers look for) is found by the table as by
    filetype, and not at any other first byte."""
    import filetype

    head = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82" + bytes([0x80 | len(doctype)])
    head += doctype + b"\x42\x87\x81\x04" + bytes(64)
    for first in range(256):
        probe = bytes([first]) + head[1:]
        ours = filetype.match(probe, BY_FIRST_BYTE[first])
        theirs = filetype.match(probe, MATCHERS)
        assert (ours and ours.mime) == (theirs and theirs.mime), first
    assert sniff_media_type(head) == filetype.guess_mime(head)
    assert sniff_media_type(head) in {"video/x-matroska", "video/webm"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def match(self, buf):\n    return len(buf) > 2 and buf[0] == 0x41", {0x41}),
        ("def match(self, buf):\n    return buf[:2] == bytearray([0x42, 0x43])", {0x42}),
        ("def match(self, b):\n    return (b[0] == 1 and b[1] == 2) or b[0:3] == b'xyz'", {1, 120}),
        ("def match(self, buf):\n    if buf[0] == 7:\n        return True\n    return False", {7}),
        ("def match(self, buf):\n    return buf[1] == 0x41", None),  # not the first byte
        ("def match(self, buf):\n    return buf[0] == 1 or len(buf) > 9", None),  # or: any
        ("def match(self, buf):\n    return buf[0] != 0x41", None),
        ("def match(self, buf):\n    return buf[4:8] == b'ftyp'", None),
        ("def match(self, buf):\n    buf = buf[3:]\n    return buf[0] == 1", None),  # rebound
        ("def match(self, buf):\n    if buf[0] == 7:\n        return True\n    return True", None),
        ("def match(self, buf):\n    return other[0] == 1", None),
        ("def match(self, buf):\n    return buf[:0] == b''", None),
        # leading assignments are inlined (filetype's Matroska and WebM matchers)
        (
            "def match(self, b):\n    e = b.startswith(b'\\x1a\\x45')\n"
            "    return e and b.find(b'x') > -1",
            {0x1A},
        ),
        ("def match(self, b):\n    e = b[0] == 3\n    f = e and len(b) > 4\n    return f", {3}),
        ("def match(self, b):\n    e = b.startswith(b'xy')\n    return e or len(b) > 3", None),
        ("def match(self, b):\n    e = b[0] == 3\n    e = len(b) > 4\n    return e", None),
        ("def match(self, b):\n    b = b[1:]\n    return b.startswith(b'x')", None),
        ("def match(self, b):\n    return b.startswith((b'a', b'b'))", None),
        ("def match(self, b):\n    return b.startswith(b'')", None),
        ("def match(self, b):\n    return other.startswith(b'x')", None),
    ],
)
def test_first_bytes_reads_only_what_is_certain(
    source: str, expected: set[int] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import inspect

    class Matcher:
        def match(self, buf: bytes) -> bool:  # source replaced below
            return False

    monkeypatch.setattr(inspect, "getsource", lambda obj: source)
    got = first_bytes(Matcher())
    assert got == (frozenset(expected) if expected is not None else None)


def test_saved_first_bytes_are_what_the_sources_say() -> None:
    """The answers saved beside the module (read at import instead of 79 sources) are the
    installed filetype's; when this fails, run ``save_first_bytes()`` and commit the file."""
    from clearance.readers.sniff import _cached_first_bytes

    saved = _cached_first_bytes()
    assert saved is not None, "stale sniff_first_bytes.json: run save_first_bytes()"
    assert saved == [first_bytes(m) for m in MATCHERS]


def test_stale_or_broken_saved_first_bytes_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from clearance.readers import sniff

    good = json.loads(sniff.FIRST_BYTES_CACHE.read_text())
    analysed = [first_bytes(m) for m in MATCHERS]
    zip_at = next(i for i, m in enumerate(MATCHERS) if m.mime == "application/zip")
    cases = {
        "changed code": {**good, "matchers": [e[:] for e in good["matchers"]]},
        "other python": {**good, "key": "python 2.7"},
        "one matcher short": {**good, "matchers": good["matchers"][:-1]},
    }
    cases["changed code"]["matchers"][zip_at] = ["0" * 24, [0x41]]  # a wrong answer, too
    for name, bad in (("bad entry", 7), ("bad values", [good["matchers"][zip_at][0], "PK"])):
        cases[name] = {**good, "matchers": [*good["matchers"][:zip_at], bad]}
        cases[name]["matchers"] += good["matchers"][zip_at + 1 :]
    cases["not an object"] = [1, 2]  # type: ignore[assignment]
    for name, data in [*cases.items(), ("not json", None)]:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data) if data is not None else "{not json")
        monkeypatch.setattr(sniff, "FIRST_BYTES_CACHE", path)
        assert sniff._cached_first_bytes() is None, name
        table = sniff._by_first_byte()
        assert table == tuple(
            tuple(m for m, r in zip(MATCHERS, analysed, strict=True) if r is None or b in r)
            for b in range(256)
        ), name
    monkeypatch.setattr(sniff, "FIRST_BYTES_CACHE", tmp_path / "fresh.json")
    sniff.save_first_bytes()
    assert sniff._cached_first_bytes() == analysed


def test_code_digest_follows_the_match_code() -> None:
    from clearance.readers.sniff import code_digest

    class A:
        def match(self, buf: bytes) -> bool:
            return buf[:2] == b"AB"

    class B:
        def match(self, buf: bytes) -> bool:
            return buf[:2] == b"AC"

    class C:
        def match(self, buf: bytes) -> bool:
            return buf[:2] == b"AB"

    class Native:
        match = staticmethod(len)  # not Python code: no digest, never read from the file

    assert code_digest(Native()) is None
    assert code_digest(A()) == code_digest(A())
    assert code_digest(A()) != code_digest(B())  # another constant
    assert code_digest(A()) != code_digest(C())  # same code, another class
    classes = {type(getattr(m, "matcher", m)) for m in MATCHERS}  # the zipped ones unwrapped
    assert len({code_digest(m) for m in MATCHERS}) == len(classes)
