"""Anchor words: a cheap test that an item cannot match any license reference.

Most items hold no license. The matcher only ever matches words of its vocabulary, so an item
can match a reference only if it holds one of that reference's words. The anchors are a small
set of vocabulary words such that every reference (text, notice, reference, tag) holds at least
one: the words of license vocabulary ("license", "copyright", "gpl", "warranty"...), and for
each reference with none of them, its rarest word that is part of a license key or SPDX id
("wtfpl", "bittorrent"). A few informal one-liners ("use as you please") have neither: they are
found only in items short enough to be matched whatever their words.
An item none of whose words is an anchor is skipped before decoding: one ``bytes.translate``
and ``split`` and a set test, whatever the number of anchors (where a substring test per marker
cost ~10 us per marker on a 5 kB item).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

#: a word holding one of these is an anchor ("sublicense", "copyrighted", "lgpl", "agplv3")
_INSIDE = [
    "icens",
    "icenc",
    "izenz",
    "icenz",
    "ermission",
    "opyleft",
    "opyright",
    "istribut",
    "xception",
    "arrant",
    "ttribution",
    "reely",
    "ommercial",
    "roprietary",
    "onfidential",
    "eula",
    "opying",
    "atent",
    "rademark",
    "reeware",
    "domian",
    "gpl",
    "creativecommons",
    "isclaim",
    "reproduc",
    "prohibit",
    "intellectual",
    "responsib",
    "guarante",
]
#: a word starting with one of these is an anchor ("mit", "bsd3", "apache2", "cc0")
_START = [
    "mit",
    "bsd",
    "apache",
    "cddl",
    "cecill",
    "mpl",
    "epl",
    "afl",
    "apsl",
    "osl",
    "ofl",
    "psf",
    "cc0",
    "odc",
    "odbl",
    "pddl",
    "w3c",
    "x11",
    "dco",
    "ijg",
    "isc",
    "wtfpl",
    "artistic",
    "boost",
    "bsl",
    "cdla",
    "unlicense",
    "zlib",
    "openssl",
    "perl",
    "sleepycat",
    "ncsa",
    "libpng",
    "llama",
    "gemma",
    "openrail",
    "gnu",
    "opensource",
    "mozilla",
    "spdx",
    "fsf",
    "rosenlaw",
    "firstdonoharm",
    "legal",
    "cpol",
    "terms",
    "notice",
    "agreement",
    "grant",
    "permit",
    "permitted",
    "restrict",
    "fee",
    "charge",
    "payment",
    "whatever",
    "peril",
    "reserved",
    "freeware",
    "public",
    "cc",
    "commons",
]
#: a word in more than this share of the references is no anchor for the rarest-word fallback
_COMMON = 0.02
#: words of license keys that are also ordinary English or programming words: as anchors they
#: would let most prose and code through (found by listing the fallback's choices).
_ORDINARY = frozenset(
    [
        "acknowledgement",
        "activities",
        "black",
        "boot",
        "components",
        "content",
        "corporate",
        "credit",
        "demo",
        "dev",
        "developer",
        "device",
        "doc",
        "eclipse",
        "educational",
        "fallback",
        "flex",
        "fork",
        "frontier",
        "github",
        "glide",
        "good",
        "google",
        "happy",
        "harm",
        "historical",
        "inner",
        "internal",
        "invariants",
        "lib",
        "linux",
        "man",
        "microsoft",
        "military",
        "model",
        "module",
        "net",
        "node",
        "note",
        "parity",
        "platform",
        "policy",
        "python",
        "realm",
        "reference",
        "report",
        "rule",
        "security",
        "simple",
        "spec",
        "sparky",
        "standard",
        "street",
        "suite",
        "sustainable",
        "technologies",
        "usage",
        "verbatim",
        "viewer",
        "window",
        "windows",
        "workshop",
        "wrappers",
        "young",
        "zero",
        "zip",
    ]
)

#: bytes -> lower-case letters and digits, anything else a space (for ``bytes.split``)
FOLD = bytes(
    (c | 0x20) if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32
    for c in range(256)
)


def is_anchor(word: str) -> bool:
    return any(part in word for part in _INSIDE) or word.startswith(tuple(_START))


def choose(references: Iterable[list[str]], names: Iterable[str]) -> frozenset[str]:
    """Anchors for references given as their word lists (``index.words``).

    A reference with no license-vocabulary word gets its rarest word that is also a word of a
    license key or SPDX id (``names``: "bittorrent", "antlr", "beerware"), never an ordinary
    word ("like", "good"), which would let most prose through.
    """
    frequency: Counter[str] = Counter()
    uncovered: list[set[str]] = []
    total = 0
    for tokens in references:
        distinct = set(tokens)
        frequency.update(distinct)
        total += 1
        if not any(is_anchor(t) for t in distinct):
            uncovered.append(distinct)
    anchors = {w for w in frequency if is_anchor(w)}
    name_words = {
        w for w in names if not w.rstrip("+").isdigit() and len(w) > 2 and w not in _ORDINARY
    }
    for distinct in uncovered:
        if not anchors.isdisjoint(distinct):
            continue
        named = [w for w in distinct & name_words if frequency[w] <= _COMMON * total]
        if named:
            anchors.add(min(named, key=lambda w: (frequency[w], -len(w), w)))
    return frozenset(anchors)


def byte_anchors(anchors: Iterable[str]) -> frozenset[bytes]:
    """The ASCII anchors as ``FOLD``-ed bytes (a trailing "+" is a separator there)."""
    return frozenset(a.rstrip("+").encode() for a in anchors if a.isascii())


#: bytes looked at per step: a license item usually shows an anchor in its first words, so
#: most never have more than one chunk split into words.
CHUNK = 4096
_OVERLAP = 64  # a word cut by a chunk's end is whole in the chunk before


def may_match(data: bytes, anchors: frozenset[bytes]) -> bool:
    """False when no ASCII word of ``data`` is an anchor (non-ASCII words: see the caller)."""
    for start in range(0, max(len(data), 1), CHUNK):
        piece = data[start : start + CHUNK + _OVERLAP].translate(FOLD)
        if not anchors.isdisjoint(piece.split()):
            return True
    return False
