"""Replacement values for one personal-data span.

- ``mask_value``: keep the last N characters (``•••• •••• •••• 1111``).
- ``Placeholders``: typed, numbered per document (``<PERSON_1>``; the same value gets the same
  number within the document).
- ``pseudonym``: keyed HMAC-SHA256 of the value, so the same person or number gets the same
  pseudonym across the whole corpus without a lookup table; the key is the caller's secret and
  is never written anywhere by clearance. Without the key the pseudonym cannot be reversed or
  recomputed (unlike a plain hash of a phone number, which a dictionary attack reverses).
- ``fake_value``: a format-preserving fake drawn from the same HMAC (consistent across the
  corpus): digits stay digits, letters keep their case, separators stay. Card numbers and IBANs
  are made to fail their checksum on purpose, so a fake can never be someone's real number.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

_HIDE = "•"


def mask_value(value: str, keep_last: int = 4, char: str = _HIDE) -> str:
    """Hide every letter and digit but the last ``keep_last``; separators stay."""
    alnum = sum(ch.isalnum() for ch in value)
    seen = 0
    out = []
    for ch in value:
        if ch.isalnum():
            seen += 1
            out.append(ch if seen > alnum - keep_last else char)
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class Placeholders:
    """``<ENTITY_n>`` numbered per document: create one per document."""

    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __call__(self, entity: str, value: str) -> str:
        key = (entity, _normalise(value))
        if key not in self.numbers:
            self.counts[entity] = self.counts.get(entity, 0) + 1
            self.numbers[key] = self.counts[entity]
        return f"<{entity}_{self.numbers[key]}>"


def _normalise(value: str) -> str:
    """The same value written differently (spaces, case) gets the same pseudonym."""
    return "".join(ch for ch in value.casefold() if ch.isalnum() or ch == "@")


def _digest(entity: str, value: str, key: bytes) -> bytes:
    if not key:
        raise ValueError("a pseudonym key is required (the project secret); it is never stored")
    return hmac.new(key, f"{entity}\x00{_normalise(value)}".encode(), hashlib.sha256).digest()


def pseudonym(entity: str, value: str, key: bytes, length: int = 10) -> str:
    """``PERSON_3f9a1c07d2``: stable for (entity, value, key), unlinkable without the key."""
    return f"{entity}_{_digest(entity, value, key).hex()[:length]}"


def _stream(entity: str, value: str, key: bytes) -> Iterator[int]:
    """Deterministic pseudo-random bytes seeded by the HMAC (counter-mode HMAC)."""
    seed = _digest(entity, value, key)
    counter = 0
    while True:
        yield from hmac.new(seed, counter.to_bytes(8, "big"), hashlib.sha256).digest()
        counter += 1


@cache
def _name_lists() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = resources.files("clearance.detectors.pii") / "data"
    first = tuple((data / "first_names.txt").read_text(encoding="utf-8").split())
    last = tuple((data / "surnames.txt").read_text(encoding="utf-8").split())
    return first, last


def fake_value(entity: str, value: str, key: bytes) -> str:
    """A consistent, format-preserving fake for ``value``."""
    stream = _stream(entity, value, key)
    if entity == "PERSON":
        first, last = _name_lists()
        tokens = value.split()
        out = []
        for i, token in enumerate(tokens):
            pool = last if i == len(tokens) - 1 else first
            pick = pool[int.from_bytes(bytes(next(stream) for _ in range(4)), "big") % len(pool)]
            out.append(pick.title() if not token.isupper() else pick.upper())
        return " ".join(out)
    if entity == "EMAIL":
        local, _, _domain = value.partition("@")
        return f"{_shape(local, stream)}@example.com"
    fake = _shape(value, stream, keep_prefix=2 if entity == "IBAN" else 0)
    if entity in ("CARD", "IBAN"):
        fake = _break_checksum(fake, entity)
    return fake


def _shape(value: str, stream: Iterator[int], keep_prefix: int = 0) -> str:
    out = []
    for i, ch in enumerate(value):
        b = next(stream)
        if i < keep_prefix or not ch.isascii() or not ch.isalnum():
            out.append(ch)
        elif ch.isdigit():
            out.append(str(b % 10))
        elif ch.isupper():
            out.append(chr(ord("A") + b % 26))
        else:
            out.append(chr(ord("a") + b % 26))
    return "".join(out)


def _break_checksum(fake: str, entity: str) -> str:
    """Change the last digit until the number fails its checksum (Luhn / mod-97)."""
    from stdnum import iban, luhn

    valid = luhn.is_valid if entity == "CARD" else iban.is_valid
    compact = "".join(ch for ch in fake if ch.isalnum())
    if not compact or not valid(compact):
        return fake
    last = max(i for i, ch in enumerate(fake) if ch.isdigit())
    return fake[:last] + str((int(fake[last]) + 1) % 10) + fake[last + 1 :]
