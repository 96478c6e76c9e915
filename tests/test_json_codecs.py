"""msgspec stands in for the json module on the scan's hot paths; it must not change a value.

JSONL lines are decoded by msgspec and only the lines it refuses go to ``json``; item meta is
written by msgspec when it holds only flat plain values. Both must give exactly what ``json``
gives (values for decoding, text for encoding), or the items of a scan would change.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.readers import ReadLimits
from clearance.readers.base import FileRef, ShardSpec
from clearance.readers.columns import _stdlib_json, meta_json, utf8_valid
from clearance.readers.files import read_files
from clearance.readers.jsonl import _DECODE, read_jsonl


def _json_meta(meta: dict[str, Any]) -> str:
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":"), default=str)


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (1 != 1.0, -0.0 != 0.0, NaN == NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return bool(a == b)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(), _values, max_size=6), st.booleans())
def test_msgspec_decodes_what_it_accepts_as_json_does(record: dict[str, Any], ascii: bool) -> None:
    line = (json.dumps(record, ensure_ascii=ascii) + "\n").encode("utf-8", "surrogatepass")
    expected = json.loads(line.decode("utf-8", "surrogateescape"))
    try:
        got = _DECODE(line)
    except ValueError:
        return  # refused: the reader hands the line to json (see the test below)
    assert _same(got, expected)


@pytest.mark.parametrize(
    "line",
    [
        b'{"text": "a", "v": NaN}',
        b'{"text": "a", "v": -Infinity}',
        b'{"text": "a", "v": 1e400}',
        b'{"text": "lone \\ud800 surrogate"}',
        b'{"text": "not UTF-8 \xff\xfe"}',
        b'{"text": "overlong \xc0\xaf"}',
        b'{"text": "\xed\xa0\x80 encoded surrogate"}',
    ],
)
def test_what_msgspec_refuses_is_read_as_json_reads_it(tmp_path: Path, line: bytes) -> None:
    with pytest.raises(ValueError):
        _DECODE(line)
    path = tmp_path / "a.jsonl"
    path.write_bytes(line + b"\n")
    spec = ShardSpec(source="s", format="jsonl", root=str(tmp_path), files=(FileRef(str(path), 1),))
    (read,) = list(read_jsonl(spec, ReadLimits()))
    record = json.loads(line.decode("utf-8", "surrogateescape"))
    text = record.pop("text")
    assert read.item.meta == record or all(math.isnan(v) for v in record.values())
    if text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") == text:
        assert read.item.data == text.encode("utf-8") and not read.problems
    else:  # bytes that were not UTF-8, or a lone surrogate: replaced, with a decode problem
        assert [rule for rule, _ in read.problems] == ["decode"]
        assert "\ufffd" in read.item.decoded.text
        assert read.item.data == read.item.decoded.text.encode("utf-8")


def test_big_integers_and_duplicate_keys_decode_as_json_does() -> None:
    line = b'{"a": 123456789012345678901234567890, "b": -9223372036854775809, "a": 2, "c": 1.5}'
    assert _same(_DECODE(line), json.loads(line))
    assert list(_DECODE(line)) == ["a", "b", "c"]


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(), _values, max_size=6))
def test_meta_json_is_json_dumps_text(meta: dict[str, Any]) -> None:
    assert meta_json(meta) == _json_meta(meta)


def test_meta_json_every_code_point_and_float_boundary() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    meta: dict[str, Any] = {every: every, "k\n\u2028": '\x00\x1f\x7f"\\'}
    assert meta_json(meta) == _json_meta(meta)
    edges = [0.0, -0.0, 1e-4, 1e16, 5e-324, 1.7976931348623157e308, 0.1, 1 / 3, 2.5e-5]
    for edge in (1e-4, 1e16):
        edges += [math.nextafter(edge, 0.0), math.nextafter(edge, math.inf)]
    for value in edges + [-v for v in edges] + [math.nan, math.inf, -math.inf]:
        assert meta_json({"v": value}) == _json_meta({"v": value}), value
    for other in (2**64, -(2**63) - 1, 10**40, True, None):
        assert meta_json({"v": other}) == _json_meta({"v": other})


def test_meta_json_keeps_the_json_path_for_other_values() -> None:
    lone = "caf\udce9"  # a CSV field that was not UTF-8: Arrow refuses it later, as before
    assert meta_json({"a": lone}) == _stdlib_json({"a": lone}) == _json_meta({"a": lone})
    dated = {"when": __import__("datetime").date(2024, 1, 2), "n": {"x": [1e20]}}
    assert meta_json(dated) == _json_meta(dated) == '{"when":"2024-01-02","n":{"x":[1e+20]}}'


@pytest.mark.parametrize("size", [0, 1, 8191, 8192, 8193, 1024 * 1024, 1024 * 1024 + 5])
@pytest.mark.parametrize("planned", ["exact", "stale-small", "stale-big"])
def test_loose_file_read_once_whatever_its_planned_size(
    tmp_path: Path, size: int, planned: str
) -> None:
    """A file is read in one call when the plan's size is right; a file that changed since
    planning is still read whole, and hashed and limited the same way."""
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    hint = {"exact": size, "stale-small": max(size // 3, 0), "stale-big": size * 2 + 10}[planned]
    spec = ShardSpec(
        source="s", format="files", root=str(tmp_path), files=(FileRef(str(path), hint),)
    )
    for limit in (64 * 1024 * 1024, 8192, 100):
        (read,) = list(read_files(spec, ReadLimits(max_item_bytes=limit)))
        assert read.item.sha256 == hashlib.sha256(data).hexdigest()
        assert read.item.size == size
        if size <= limit:
            assert read.item.data == data and not read.problems
        else:
            assert read.item.loader is None
            assert [rule for rule, _ in read.problems] == ["oversize"]


def _python_valid(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_UTF8_EDGES = [
    b"",
    b"plain",
    "é ü 中文 😀".encode(),
    b"\xc0\xaf",  # overlong "/"
    b"\xe0\x80\xaf",  # overlong, three bytes
    b"\xed\xa0\x80",  # a surrogate, encoded
    b"\xed\x9f\xbf",  # U+D7FF, the last before the surrogates
    b"\xf4\x8f\xbf\xbf",  # U+10FFFF
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xf5\x80\x80\x80",
    b"\xff",
    b"\xe2\x82",  # cut short
    b"ok \xe2\x82",
    b"\x80",
    b"\xef\xbb\xbfBOM then text",
    b"\x00\x01\x7f",
]


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=64),
        st.text().map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from(_UTF8_EDGES), max_size=6).map(b"".join),
    )
)
def test_utf8_check_answers_as_the_strict_decoder(data: bytes) -> None:
    assert utf8_valid(data) == _python_valid(data)


def test_utf8_check_edges_and_utf16() -> None:
    for data in _UTF8_EDGES:
        assert utf8_valid(data) == _python_valid(data), data
    # UTF-16 text is the decoder's to judge, never called valid UTF-8 here
    assert not utf8_valid("\ufeffhi".encode("utf-16-le"))
    assert not utf8_valid(b"\xfe\xff\x00h")
