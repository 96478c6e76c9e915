"""Phone numbers: regex candidates, validated with ``phonenumbers`` (Google's libphonenumber
metadata: numbering plans of every region), never scanned by it.

A candidate in international form (``+44 20 7946 0958``, ``0049 30 901820``) is parsed as is.
A national-form candidate (``(415) 555-2671``, ``020 7946 0958``) has no country, so it is tried
against a default list of regions, and only when it looks like a phone number: a context word
before it (tel, phone, call, mobile, fax...) or phone-style grouping (parentheses, two or more
separators). A bare run of digits is an order number until something says otherwise.

Validity is ``phonenumbers``' answer; ``phone_fast`` computes it from the library's metadata,
compiled once, for the digit strings the scanner produces, and falls back to the library.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
from phonenumbers import PhoneMetadata

from clearance.detectors.pii import phone_fast
from clearance.detectors.pii.before import WindowWords

#: regions tried, in order, for numbers written without a country code.
DEFAULT_REGIONS: tuple[str, ...] = (
    "US",
    "GB",
    "DE",
    "FR",
    "IN",
    "ES",
    "IT",
    "NL",
    "BR",
    "AU",
    "JP",
    "MX",
    "CH",
    "PL",
    "SE",
    "IE",
)
CONTEXT = re.compile(
    r"(?<!\w)(?:tel|tél|teléfono|telefon|telefono|telephone|phone|ph|call|cell|mobile|mob|"
    r"fax|whatsapp|sms|contact|reach|dial|handy|portable|numéro)\b\.?|☎|📞",
    re.IGNORECASE,
)
_CONTEXT_WORDS = WindowWords(
    CONTEXT,
    "tel|ph|call|cell|mob|fax|whatsapp|sms|contact|reach|dial|handy|portable|tél|numéro|☎|📞",
)


def phone_confidence(candidate: str, context: str, regions: tuple[str, ...]) -> float | None:
    """Confidence that ``candidate`` is a valid phone number, or None."""
    return phone_digits_confidence(candidate, only_digits(candidate), context, regions)


def phone_digits_confidence(
    candidate: str, number: str, context: str, regions: tuple[str, ...]
) -> float | None:
    """``phone_confidence`` where the caller has ``number = only_digits(candidate)``."""
    simple = number.isascii() and number.isdigit()  # the scanner's candidates always are
    if not simple:
        number = "".join(ch for ch in candidate if ch.isdigit())
    digits = len(number)
    if not 7 <= digits <= 15:
        return None
    if candidate.startswith(("+", "00")):  # international
        text = "+" + candidate[2:] if candidate.startswith("00") else candidate
        after_plus = number[2:] if candidate.startswith("00") else number
        return 0.95 if _valid(text, None, after_plus if simple else None) else None
    if digits > 12:  # national numbers: <= 12 digits
        return None
    # phone-style grouping first: the context words are only needed without it (and then for
    # the confidence of a valid number)
    has_context: bool | None = None
    if "(" not in candidate and len(_SEPARATORS.findall(candidate)) < 2:
        has_context = _CONTEXT_WORDS.search(context)
        if not has_context:
            return None  # neither a phone word before it nor phone-style grouping
    plus = "+" in candidate or not simple
    first_digit = number[0]
    for region, prefix, lengths in _plans(regions):
        # regions with a trunk prefix (0 in most of Europe) write national numbers with it
        if prefix == "0" and region != "BR" and first_digit != "0":
            continue
        # a length the region's plan never uses: no need to validate
        national = digits - (len(prefix) if prefix and first_digit == prefix[0] else 0)
        if lengths and national not in lengths and digits not in lengths:
            continue
        if _valid(candidate, region, None if plus else number):
            if has_context is None:
                has_context = _CONTEXT_WORDS.search(context)
            return 0.9 if has_context else 0.75
    return None


@cache
def _plans(regions: tuple[str, ...]) -> tuple[tuple[str, str, frozenset[int]], ...]:
    """(region, trunk prefix, national number lengths) for each region, looked up once."""
    return tuple((region, _trunk_prefix(region), _lengths(region)) for region in regions)


_SEPARATORS = re.compile(r"[ \-./]+")
#: the characters a number-shaped candidate holds besides ASCII digits (``scan._NUMBER``)
_PUNCTUATION = " -./()+"


def only_digits(candidate: str) -> str:
    """``candidate`` without the characters of ``_PUNCTUATION`` (seven ``str.replace`` calls:
    several times cheaper than ``str.translate`` with a deletion table on short strings)."""
    return (
        candidate.replace(" ", "")
        .replace("-", "")
        .replace(".", "")
        .replace("/", "")
        .replace("(", "")
        .replace(")", "")
        .replace("+", "")
    )


@cache
def _lengths(region: str) -> frozenset[int]:
    """National number lengths of the region's numbering plan (empty: unknown, try it)."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return frozenset()
    return frozenset(metadata.general_desc.possible_length or ())


@cache
def _trunk_prefix(region: str) -> str:
    metadata = PhoneMetadata.metadata_for_region(region)
    return (metadata.national_prefix or "") if metadata is not None else ""


def _valid(text: str, region: str | None, digits: str | None = None) -> bool:
    """Is ``text`` a valid number (for ``region`` when written nationally)? ``digits``: its
    ASCII digits (after the ``+`` in international form), for the compiled fast path."""
    if digits is not None:
        fast = phone_fast.is_valid(digits, region)
        if fast is not None:
            return fast
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))
