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
from typing import NamedTuple

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

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
    number = candidate.translate(_NOT_DIGITS)
    simple = number.isascii() and number.isdigit()  # the scanner's candidates always are
    if not simple:
        number = "".join(ch for ch in candidate if ch.isdigit())
    digits = len(number)
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
    plus = "+" in candidate or not simple
    first_digit = number[0]
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
        if not plausible(number, region, plus):
            continue
        if _valid(candidate, region):
            return 0.9 if has_context else 0.75
    return None


_SEPARATORS = re.compile(r"[ \-./]+")
#: the characters a number-shaped candidate holds besides ASCII digits (``scan._NUMBER``)
_PUNCTUATION = " -./()+"
_NOT_DIGITS = str.maketrans("", "", _PUNCTUATION)


class _Plan(NamedTuple):
    """What ``phonenumbers.parse`` may do with a national-format number for one region, and
    the national-number patterns of every region that shares its country code."""

    country_code: str
    descs: tuple[tuple[frozenset[int], re.Pattern[str]], ...]
    national_prefix: re.Pattern[str] | None
    idd: re.Pattern[str] | None


@cache
def _plan(region: str) -> _Plan | None:
    """The region's numbering-plan tables, compiled once (None: too complex to pre-check)."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.national_prefix_transform_rule:
        return None  # a transform rule rewrites the digits (BR carrier codes): always ask
    descs = []
    for other in COUNTRY_CODE_TO_REGION_CODE.get(metadata.country_code, (region,)):
        meta = PhoneMetadata.metadata_for_region(other)
        desc = meta.general_desc if meta is not None else None
        if desc is None or desc.national_number_pattern is None:
            return None
        lengths = frozenset(desc.possible_length or ())
        descs.append((lengths, re.compile(desc.national_number_pattern)))
    npfp = metadata.national_prefix_for_parsing
    idd = metadata.international_prefix
    return _Plan(
        str(metadata.country_code),
        tuple(descs),
        re.compile(npfp) if npfp else None,
        re.compile(idd) if idd else None,
    )


def plausible(number: str, region: str, plus: bool = False) -> bool:
    """False only when ``phonenumbers`` cannot find ``number`` (national format, ASCII digits
    only) valid for ``region``: none of the national numbers its parser may derive (as
    written, without the national prefix, without a leading country code) fits the general
    pattern of a region with that country code, which ``is_valid_number`` requires. Checked
    with the library's own metadata, compiled once, before its much costlier
    ``parse``/``is_valid_number`` (the scanner's hot path); a property test checks that no
    number ``phonenumbers`` accepts is rejected here."""
    plan = _plan(region)
    if plan is None or plus or (plan.idd is not None and plan.idd.match(number)):
        return True  # an international prefix: parse reads a country code, any country
    bases = [number]
    if number.startswith(plan.country_code):
        bases.append(number[len(plan.country_code) :])
    for base in bases:
        variants = [base]
        if plan.national_prefix is not None:
            m = plan.national_prefix.match(base)
            if m is not None:
                variants.append(base[m.end() :])
        for variant in variants:
            for lengths, pattern in plan.descs:
                if (not lengths or len(variant) in lengths) and pattern.fullmatch(variant):
                    return True
    return False


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
