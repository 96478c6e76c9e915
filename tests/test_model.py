from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.model import Finding, Item, decode_text, error_finding
from clearance.model.finding import EVIDENCE_MAX_CHARS


def test_item_from_bytes_hashes_content_and_builds_stable_id() -> None:
    item = Item.from_bytes(
        source="web", locator="a/b.txt", uri="/x/a/b.txt", media_type="text/plain", data=b"hello"
    )
    assert item.item_id == "web:a/b.txt"
    assert item.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert item.size == 5 and item.text == "hello" and item.is_text


def test_finding_rejects_confidence_outside_unit_interval() -> None:
    with pytest.raises(ValueError, match="confidence"):
        Finding(
            item_id="i",
            detector="d",
            detector_version="1",
            kind="license",
            value="MIT",
            confidence=1.5,
            rule="r",
        )


def test_finding_truncates_long_evidence() -> None:
    finding = error_finding("i", "decode", "x" * 10_000)
    assert len(finding.evidence) == EVIDENCE_MAX_CHARS and finding.evidence.endswith("…")


@given(st.text())
def test_valid_utf8_decodes_losslessly_without_problem(text: str) -> None:
    # Lone surrogates cannot be encoded as UTF-8; Hypothesis text may contain them.
    data = text.encode("utf-8", "surrogatepass")
    decoded = decode_text(data)
    try:
        expected = data.decode("utf-8")
    except UnicodeDecodeError:
        assert decoded.problem is not None
        return
    assert decoded.text == expected.removeprefix("\ufeff") or decoded.text == expected
    assert decoded.problem is None


@given(st.binary())
def test_any_bytes_decode_without_raising_and_bad_bytes_are_reported(data: bytes) -> None:
    decoded = decode_text(data)
    try:
        data.decode(decoded.encoding)
        clean = True
    except UnicodeDecodeError:
        clean = False
    assert (decoded.problem is None) == clean


def test_latin1_bytes_are_reported_with_offset() -> None:
    decoded = decode_text(b"caf\xe9 menu")
    assert decoded.text == "caf\ufffd menu"
    assert decoded.problem is not None and "byte 3" in decoded.problem


def test_utf8_bom_is_stripped_and_utf16_is_decoded() -> None:
    assert decode_text(b"\xef\xbb\xbfhi").text == "hi"
    assert decode_text("hé".encode("utf-16")).text == "hé"
