"""Validators for number-shaped personal data: payment cards, US SSNs, national ids.

Checksums and issuer ranges are what separate a card or an id from an order number: a random
16-digit string passes Luhn one time in ten, and passes Luhn *and* an issuer range far less.
National ids are validated by ``python-stdnum`` (check digits, embedded dates); this module only
says which of its validators to try, on which shapes, with which context words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.br import cpf
from stdnum.de import idnr
from stdnum.dk import cpr
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.in_ import aadhaar
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.se import personnummer

# (prefix range low, high, allowed lengths): issuer identification numbers of the networks,
# from the networks' published ranges (Mastercard 2-series since 2017, 19-digit Visa, Maestro).
_IIN: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({13, 16, 19})),  # Visa (incl. Electron)
    (51, 55, frozenset({16})),  # Mastercard
    (2221, 2720, frozenset({16})),  # Mastercard 2-series
    (34, 34, frozenset({15})),  # American Express
    (37, 37, frozenset({15})),
    (6011, 6011, frozenset({16, 17, 18, 19})),  # Discover
    (644, 649, frozenset({16, 17, 18, 19})),
    (65, 65, frozenset({16, 17, 18, 19})),
    (622126, 622925, frozenset({16, 17, 18, 19})),  # Discover / UnionPay co-brand
    (62, 62, frozenset({16, 17, 18, 19})),  # UnionPay
    (3528, 3589, frozenset({16, 17, 18, 19})),  # JCB
    (2131, 2131, frozenset({15})),  # JCB (legacy 15-digit ranges)
    (1800, 1800, frozenset({15})),
    (300, 305, frozenset({14, 15, 16, 17, 18, 19})),  # Diners Club
    (36, 36, frozenset({14, 15, 16, 17, 18, 19})),
    (38, 39, frozenset({14, 16, 17, 18, 19})),
    (50, 50, frozenset({12, 13, 14, 15, 16, 17, 18, 19})),  # Maestro
    (56, 69, frozenset({12, 13, 14, 15, 16, 17, 18, 19})),  # Maestro (and others in 6x)
    (2200, 2204, frozenset({16, 17, 18, 19})),  # Mir
    (60, 60, frozenset({16})),  # RuPay
    (81, 82, frozenset({16})),  # RuPay
    (508, 508, frozenset({16})),
)


def _iin_table() -> tuple[tuple[int, dict[str, frozenset[int]]], ...]:
    """``_IIN`` expanded once into prefix -> lengths lookups, one per prefix width (a dict
    lookup per width instead of 22 ``int`` conversions per candidate)."""
    by_width: dict[int, dict[str, set[int]]] = {}
    for low, high, lengths in _IIN:
        width = len(str(low))
        table = by_width.setdefault(width, {})
        for prefix in range(low, high + 1):
            table.setdefault(str(prefix), set()).update(lengths)
    return tuple(
        (width, {k: frozenset(v) for k, v in table.items()})
        for width, table in sorted(by_width.items())
    )


_IIN_TABLE = _iin_table()


def card_network_ok(digits: str) -> bool:
    """The number's prefix and length belong to a card network."""
    n = len(digits)
    for width, table in _IIN_TABLE:
        lengths = table.get(digits[:width])
        if lengths is not None and n in lengths:
            return True
    return False


def is_card(digits: str) -> bool:
    """A payment card number: network prefix and length, then Luhn. ASCII digits only (the
    scanner's runs may hold other Unicode decimal digits, which ``luhn_ok`` cannot read)."""
    return (
        12 <= len(digits) <= 19 and digits.isascii() and card_network_ok(digits) and luhn_ok(digits)
    )


_DOUBLED = str.maketrans("0123456789", "0246813579")  # digit d -> the digit sum of 2d


def luhn_ok(digits: str) -> bool:
    """ISO/IEC 7812-1 Luhn check on a string of ASCII digits.

    Written here rather than ``stdnum.luhn.is_valid`` because this is the scanner's hot path
    (every 12-19 digit candidate) and stdnum's generic ``clean``/``validate`` wrapper costs ~4x
    the check itself; tests compare the two on random numbers. The doubled digits (every
    second from the right) are mapped to their digit sums with one ``translate``, and both
    halves summed as bytes: a few C calls instead of a Python loop over the digits.
    """
    doubled = digits[-2::-2].translate(_DOUBLED)
    total = sum(digits[-1::-2].encode()) + sum(doubled.encode()) - 48 * len(digits)
    return total % 10 == 0


def is_isbn(raw: str, digits: str) -> bool:
    """``stdnum.isbn.is_valid(raw)`` for a scanner candidate: ``digits`` are ``raw``'s digits,
    the rest of ``raw`` is separators. Inline because every 10- and 13-digit number is asked
    and stdnum's ``clean``/``compact`` wrapper costs most of the check; tests compare the two
    (stdnum stays the reference)."""
    n = len(digits)
    if n + raw.count(" ") + raw.count("-") != len(raw) or not digits.isascii():
        return False  # stdnum strips only spaces and hyphens; anything else is no ISBN
    if n == 10:
        check = sum(i * (ord(ch) - 48) for i, ch in enumerate(digits[:9], 1)) % 11
        return check < 10 and ord(digits[9]) - 48 == check
    if n == 13 and digits[:3] in ("978", "979"):
        total = sum((ord(ch) - 48) * (3 if i & 1 else 1) for i, ch in enumerate(digits[:12]))
        return (10 - total) % 10 == ord(digits[12]) - 48
    return False


#: SSNs the Social Security Administration says were never issued or were made public
#: (advertising samples, e.g. the Woolworth wallet card 078-05-1120). Source: SSA, "Social
#: Security Number Randomization" FAQ and POMS RM 10201.000 (unverified for the sample list).
_SSN_PUBLIC = frozenset({"078051120", "219099999", "123456789"})


def is_ssn(digits: str) -> bool:
    """Area not 000, 666 or 9xx; group not 00; serial not 0000 (SSA rules)."""
    if len(digits) != 9 or not digits.isdigit() or digits in _SSN_PUBLIC:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


@dataclass(frozen=True)
class NationalId:
    """One national id or tax number: its shape, its stdnum validator and its context words."""

    name: str
    pattern: str
    validate: Callable[[str], bool]
    context: tuple[str, ...]
    #: confidence without a context word; None: never reported without one.
    bare: float | None = None


NATIONAL_IDS: tuple[NationalId, ...] = (
    NationalId(
        "DE_IDNR",
        r"\d{2} ?\d{3} ?\d{3} ?\d{3}",
        idnr.is_valid,
        ("steuer", "idnr", "identifikationsnummer", "tax id", "tin"),
    ),
    NationalId(
        "FR_NIR",
        r"[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}",
        nir.is_valid,
        ("sécurité sociale", "securite sociale", "nir", "insee", "numéro de sécu"),
        0.85,
    ),
    NationalId("ES_DNI", r"\d{8}-?[A-Z]", dni.is_valid, ("dni", "nif", "documento"), 0.8),
    NationalId("ES_NIE", r"[XYZ]-?\d{7}-?[A-Z]", nie.is_valid, ("nie", "extranjero"), 0.8),
    NationalId("NL_BSN", r"\d{4}\.?\d{2}\.?\d{3}|\d{9}", bsn.is_valid, ("bsn", "burgerservice")),
    NationalId(
        "UK_NINO",
        r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]",
        lambda value: True,  # the shape is the whole rule (HMRC NIM39110)
        ("national insurance", "nino", "ni number", "ni no"),
        0.85,
    ),
    NationalId(
        "IN_AADHAAR",
        r"[2-9]\d{3} ?\d{4} ?\d{4}",
        aadhaar.is_valid,
        ("aadhaar", "aadhar", "uidai", "uid"),
    ),
    NationalId(
        "IT_CODICE_FISCALE",
        r"[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]",
        codicefiscale.is_valid,
        ("codice fiscale", "c.f.", "cf"),
        0.9,
    ),
    NationalId("PL_PESEL", r"\d{11}", pesel.is_valid, ("pesel",)),
    NationalId("BR_CPF", r"\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11}", cpf.is_valid, ("cpf",)),
    NationalId("DK_CPR", r"\d{6}-?\d{4}", cpr.is_valid, ("cpr", "personnummer")),
    NationalId(
        "SE_PERSONNUMMER", r"(?:\d{2})?\d{6}[-+]\d{4}", personnummer.is_valid, ("personnummer",)
    ),
    NationalId(
        "FI_HETU", r"\d{6}[-+A]\d{3}[0-9A-Y]", hetu.is_valid, ("henkilötunnus", "hetu"), 0.8
    ),
)
_COMPILED = tuple(
    (
        nid,
        re.compile(nid.pattern),
        re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, nid.context)) + r")(?!\w)"),
    )
    for nid in NATIONAL_IDS
)


#: (fewest, most) digits of a national id written with digits and separators only (what the
#: number scanner's runs hold): the scanner skips ``national_id`` outside it. A test derives it
#: from the patterns.
ID_DIGITS = (9, 15)


def _shapes_from(first: int) -> re.Pattern[str]:
    """One alternation of the shapes of ``NATIONAL_IDS[first:]``, each a capturing group: its
    ``fullmatch`` says (``lastindex``) which of them is the first the candidate has, as the
    regex engine tries the alternatives in order and backtracks into the next one."""
    return re.compile("|".join(f"({nid.pattern})" for nid in NATIONAL_IDS[first:]))


#: ``_SHAPES_FROM[k]``: the shapes of ``NATIONAL_IDS[k:]``; a national id with several possible
#: kinds (eleven digits: PESEL, CPF) costs one regex call per kind tried, plus one, instead of
#: one per kind in the list.
_SHAPES_FROM = tuple(_shapes_from(k) for k in range(len(NATIONAL_IDS)))
_ANY_SHAPE = _SHAPES_FROM[0]


def national_id(candidate: str, context: str) -> tuple[str, float] | None:
    """(id name, confidence) when ``candidate`` is a valid national id, given the lower-cased
    text before it; ids without a distinctive shape need one of their context words."""
    first = 0
    while first < len(_COMPILED):
        shape = _SHAPES_FROM[first].fullmatch(candidate)
        if shape is None:
            return None
        index = first + (shape.lastindex or 1) - 1
        first = index + 1
        nid, _, words = _COMPILED[index]
        has_context = words.search(context) is not None
        if not has_context and nid.bare is None:
            continue
        try:
            ok = nid.validate(candidate)
        except Exception:  # stdnum raises on some malformed inputs; a bad id is no id
            ok = False
        if ok:
            return nid.name, 0.95 if has_context else float(nid.bare or 0.0)
    return None
