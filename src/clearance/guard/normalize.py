"""Word units for verbatim matching: the same folding at build and at check time.

Text mode: each character is folded on its own (NFKD compatibility decomposition, casefold,
combining marks dropped, every non-alphanumeric character a separator), so fullwidth,
upper- and lower-case forms agree, ``café`` matches ``cafe``, and punctuation, quotes, line
wraps and runs of whitespace never matter. CJK ideographs and kana become one unit each
(those scripts do not separate words with spaces). Folding per character keeps a map back to the
original offsets, so a match is reported at its exact place in the checked text.

Code mode keeps case, identifiers (``snake_case`` is one unit) and every operator character
as its own unit; only whitespace and layout are ignored.

Folding is a ``str.translate`` table filled lazily per code point (C speed once warm), with
a ``bytes.translate`` fast path for ASCII text. The build, with the ``guard-fast`` extra,
folds whole batches from UTF-8 in one compiled pass instead (``fold_utf8``): the same
table as arrays, the same bytes out.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from clearance.guard import build_kernels

Mode = Literal["text", "code"]
MODES: Final = ("text", "code")

#: separates documents inside one hashing batch; never produced by folding.
DOC_SEPARATOR: Final = "\x01"

_CJK_RANGES: Final = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B..
)


def _is_cjk(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def _fold_char(code: int) -> str:
    """The folded form of one character: alphanumerics, or a space, or nothing (marks)."""
    char = chr(code)
    if char == DOC_SEPARATOR:
        return " "
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char).casefold():
        if part.isalnum():
            out.append(part)
        elif unicodedata.combining(part):
            continue
        else:
            out.append(" ")
    folded = "".join(out)
    return f" {folded} " if folded and _is_cjk(code) else folded


class _FoldTable(dict[int, str]):
    """``str.translate`` table computed on first use of each code point."""

    def __missing__(self, code: int) -> str:
        value = self[code] = _fold_char(code)
        return value


_FOLD: Final = _FoldTable()
_ASCII_TABLE: Final = bytes(
    ord(chr(c).lower()) if c < 128 and chr(c).isalnum() else 32 for c in range(256)
)


#: the ASCII table, leaving UTF-8 bytes of already-folded non-ASCII characters alone
_UTF8_TABLE: Final = _ASCII_TABLE[:128] + bytes(range(128, 256))
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """Text-mode folding of a whole string (no offsets): what the index is built from."""
    return fold_bytes(text).decode("utf-8")


def fold_bytes(text: str) -> bytes:
    """``fold(text)`` as UTF-8 bytes: words separated by spaces (the hashing input).

    Only the non-ASCII runs go through the per-character table; the rest is one
    ``bytes.translate`` (folded non-ASCII output is alphanumerics and spaces, which the
    byte table leaves as they are). The runs are found in the UTF-8 bytes with numpy: a
    regular expression scan of the whole text cost more than the rest of the build."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE)
    data = text.encode("utf-8", "surrogatepass")
    high = np.zeros(len(data) + 2, bool)
    np.greater_equal(np.frombuffer(data, np.uint8), 128, out=high[1:-1])
    edges = np.flatnonzero(high[1:] != high[:-1]).tolist()  # run starts and ends, alternating
    parts: list[bytes] = []
    done = 0
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        parts.append(data[done:start])
        run = data[start:end].decode("utf-8", "surrogatepass").translate(_FOLD)
        parts.append(run.encode("utf-8", "surrogatepass"))
        done = end
    parts.append(data[done:])
    return b"".join(parts).translate(_UTF8_TABLE)


@dataclass(frozen=True)
class _CodepointFolds:
    """``fold_bytes`` per non-ASCII character as arrays for the compiled fold
    (``build_kernels.fold_utf8``): code point -> offset and length of its folded UTF-8 bytes
    in ``pool`` (already through the byte table), -1 where not folded yet. Never changed
    once made: ``with_codes`` returns a new table, so a fold running in another thread
    keeps a consistent one."""

    at: npt.NDArray[np.int32]
    length: npt.NDArray[np.uint8]  # at most 33 bytes (U+FDFA)
    pool: npt.NDArray[np.uint8]

    def with_codes(self, codes: npt.NDArray[np.int64]) -> _CodepointFolds:
        at, length, pool = self.at.copy(), self.length.copy(), bytearray(self.pool.tobytes())
        for code in codes.tolist():
            folded = _FOLD[code].encode("utf-8", "surrogatepass").translate(_UTF8_TABLE)
            at[code], length[code] = len(pool), len(folded)
            pool += folded
        return _CodepointFolds(at, length, np.frombuffer(bytes(pool), np.uint8))


_ASCII_ARRAY: Final = np.frombuffer(_ASCII_TABLE[:128], np.uint8)
_FOLDS: list[_CodepointFolds] = []  # made on first use (5.5 MB)
_FOLDS_LOCK: Final = threading.Lock()


def fold_utf8(
    data: npt.NDArray[np.uint8], ends: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint8], int, npt.NDArray[np.int64]]:
    """``fold_bytes`` of several texts at once from their UTF-8 (``data``, each text ending
    at ``ends``) in one compiled pass (needs ``kernels.available()``): the folded texts
    each followed by a space, their length, and where each starts. 64 zero bytes or more
    follow (the hashing kernel reads 8 bytes at a time). Valid UTF-8 in, as ``str.encode``
    gives it."""
    with _FOLDS_LOCK:
        if not _FOLDS:
            none = np.full(0x110000, -1, np.int32)
            empty = np.zeros(0, np.uint8)
            _FOLDS.append(_CodepointFolds(none, np.zeros(none.size, np.uint8), empty))
        folds = _FOLDS[-1]
    missing = np.zeros(folds.at.size, bool)
    while True:
        out = np.empty(data.size + data.size // 16 + ends.size + 128, np.uint8)
        starts = np.empty(ends.size, np.int64)
        doc = byte = used = unknown = 0
        while doc < ends.size:  # each call stops where ``out`` is full: grow it, go on
            if used:
                out = np.concatenate((out[:used], np.empty(out.size, np.uint8)))
            doc, byte, used, new = build_kernels.fold_utf8(
                data,
                ends,
                _ASCII_ARRAY,
                folds.at,
                folds.length,
                folds.pool,
                out,
                starts,
                missing,
                (doc, byte, used),
            )
            unknown += new
        if not unknown:
            if out.size < used + 64:
                out = np.concatenate((out[:used], np.empty(64, np.uint8)))
            out[used : used + 64] = 0
            return out, used, starts
        with _FOLDS_LOCK:  # characters met for the first time: fold them, then again
            _FOLDS[-1] = folds = _FOLDS[-1].with_codes(np.flatnonzero(missing))
        missing[:] = False


_CODE_TOKEN: Final = re.compile(r"\w+|[^\w\s]")


def code_units(text: str) -> list[tuple[int, int, str]]:
    """Code-mode units with their offsets: identifiers/numbers and single operator chars."""
    units = []
    for m in _CODE_TOKEN.finditer(text):
        token = m.group()
        if not token.isascii():
            token = unicodedata.normalize("NFKC", token).replace(" ", "")
            if not token:
                continue
        units.append((m.start(), m.end(), token))
    return units


def code_bytes(text: str) -> bytes:
    """Code-mode hashing input: units separated by spaces."""
    return " ".join(u for _, _, u in code_units(text)).encode("utf-8")


def to_bytes(text: str, mode: Mode) -> bytes:
    return fold_bytes(text) if mode == "text" else code_bytes(text)


@dataclass(frozen=True)
class Units:
    """A checked text's hashing input plus each unit's character span in the original text."""

    data: bytes
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]


def units_with_offsets(text: str, mode: Mode) -> Units:
    """The hashing input of ``text`` and the original char span of every unit, in order."""
    if mode == "code":
        units = code_units(text)
        return Units(
            data=" ".join(u for _, _, u in units).encode("utf-8"),
            starts=np.fromiter((s for s, _, _ in units), np.int64, len(units)),
            ends=np.fromiter((e for _, e, _ in units), np.int64, len(units)),
        )
    if text.isascii():
        data = text.encode("ascii").translate(_ASCII_TABLE)
        starts, ends = _word_bounds(data)
        return Units(data, starts, ends)
    data = fold_bytes(text)
    folded = data.decode("utf-8")
    starts, ends = _word_bounds(data)
    if not folded.isascii():  # byte offsets -> folded char offsets
        raw = np.frombuffer(data, np.uint8)
        char_of_byte = np.cumsum((raw & 0xC0) != 0x80) - 1
        starts, ends = char_of_byte[starts], char_of_byte[ends - 1] + 1
    # folded char -> original char: each original char produced len(fold(char)) chars
    lengths = np.ones(len(text), np.int64)  # an ASCII character folds to one character
    for match in _NON_ASCII.finditer(text):
        at = match.start()
        lengths[at : match.end()] = [len(_FOLD[ord(c)]) for c in match.group()]
    positions = np.arange(len(text), dtype=np.int64)
    origin = np.repeat(positions, lengths)
    # a unit's end takes in the combining marks after it (they fold to nothing)
    shown = np.where(lengths > 0, positions, len(text))
    next_shown = np.append(np.minimum.accumulate(shown[::-1])[::-1], len(text))
    return Units(data, origin[starts], next_shown[origin[ends - 1] + 1])


def _word_bounds(data: bytes) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Byte spans of the space-separated units of ``data``."""
    is_word = np.frombuffer(data, np.uint8) > 32
    edges = np.diff(is_word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
