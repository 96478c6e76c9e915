"""Phone numbers: regex candidates, validated with ``phonenumbers`` (Google's libphonenumber
metadata: numbering plans of every region), never scanned by it.

A candidate in international form (``+44 20 7946 0958``, ``0049 30 901820``) is parsed as is.
A national-form candidate (``(415) 555-2671``, ``020 7946 0958``) has no country, so it is tried
against a default list of regions, and only when it looks like a phone number: a context word
before it (tel, phone, call, mobile, fax...) or phone-style grouping (parentheses, two or more
separators). A bare run of digits is an order number until something says otherwise.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
from phonenumbers import PhoneMetadata

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


def phone_confidence(candidate: str, context: str, regions: tuple[str, ...]) -> float | None:
    """Confidence that ``candidate`` is a valid phone number, or None."""
    digits = sum(ch.isdigit() for ch in candidate)
    if not 7 <= digits <= 15:
        return None
    international = candidate.startswith(("+", "00"))
    has_context = CONTEXT.search(context) is not None
    if international:
        text = "+" + candidate[2:] if candidate.startswith("00") else candidate
        return 0.95 if _valid(text, None) else None
    separators = len(_SEPARATORS.findall(candidate))
    phone_shaped = "(" in candidate or separators >= 2
    if not (has_context or phone_shaped) or digits > 12:  # national numbers: <= 12 digits
        return None
    first_digit = next(ch for ch in candidate if ch.isdigit())
    for region in regions:
        # regions with a trunk prefix (0 in most of Europe) write national numbers with it
        prefix = _trunk_prefix(region)
        if prefix == "0" and region != "BR" and first_digit != "0":
            continue
        # a length the region's plan never uses: no need to ask phonenumbers (its parse is
        # the hot path of the whole scanner)
        national = digits - (len(prefix) if prefix and first_digit == prefix[0] else 0)
        lengths = _lengths(region)
        if lengths and national not in lengths and digits not in lengths:
            continue
        if _valid(candidate, region):
            return 0.9 if has_context else 0.75
    return None


_SEPARATORS = re.compile(r"[ \-./]+")


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


def _valid(text: str, region: str | None) -> bool:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))
