"""``phonenumbers.is_valid_number(phonenumbers.parse(...))`` for digit strings, from the library's
own metadata compiled once.

Why: the scanner validates every phone-shaped candidate, and on short documents the library's
generic ``parse`` (input normalisation, exception-driven control flow, a regex-cache lookup per
pattern) and ``is_valid_number`` were the largest single cost of the scan (about a fifth of its
CPU time on the benchmark set). This is a port of the steps those two functions take for an
input that is only ASCII digits (international form: the digits after ``+``), using
``phonenumbers``' numbering-plan metadata unchanged. What the port does not cover (an
international dialling prefix followed by a 0 in a national number, non-geographic country
codes) answers None and the caller asks ``phonenumbers`` itself. Tests compare the two on
random and example numbers of every region.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

_MIN_NSN = 2  # phonenumbers' _MIN_LENGTH_FOR_NSN
_MAX_NSN = 17  # _MAX_LENGTH_FOR_NSN
_MAX_CC = 3  # _MAX_LENGTH_COUNTRY_CODE
_NON_GEO = "001"


class _Desc(NamedTuple):
    lengths: frozenset[int]
    pattern: re.Pattern[str] | None

    def matches(self, nsn: str) -> bool:
        """``_is_number_matching_desc``: a possible length, then the whole pattern."""
        if self.lengths and len(nsn) not in self.lengths:
            return False
        return self.pattern is not None and self.pattern.fullmatch(nsn) is not None


class _Plan(NamedTuple):
    country_code: int
    general: _Desc
    general_lengths: tuple[int, ...]
    local_lengths: frozenset[int]
    types: tuple[_Desc, ...]  # the number types ``_number_type_helper`` tries, in its order
    leading_digits: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None
    idd: re.Pattern[str] | None
    transform: str | None  # the national-prefix transform rule (``re.sub`` template)


def _desc(desc: Any) -> _Desc | None:
    if desc is None:
        return None
    pattern = desc.national_number_pattern
    return _Desc(frozenset(desc.possible_length or ()), re.compile(pattern) if pattern else None)


@cache
def _plan(region: str) -> _Plan | None:
    """The region's metadata, compiled; None where the port does not apply."""
    meta = PhoneMetadata.metadata_for_region(region, None)
    if meta is None or meta.country_code is None or meta.general_desc is None:
        return None
    general = _desc(meta.general_desc)
    lengths = tuple(meta.general_desc.possible_length or ())
    if general is None or general.pattern is None or not lengths:
        return None
    kinds = [
        meta.premium_rate,
        meta.toll_free,
        meta.shared_cost,
        meta.voip,
        meta.personal_number,
        meta.pager,
        meta.uan,
        meta.voicemail,
        meta.fixed_line,
    ]
    if not meta.same_mobile_and_fixed_line_pattern:
        kinds.append(meta.mobile)
    types = tuple(d for d in map(_desc, kinds) if d is not None)
    npfp, idd, leading = meta.national_prefix_for_parsing, meta.international_prefix, None
    if meta.national_prefix_transform_rule and (not npfp or not re.compile(npfp).groups):
        return None  # phonenumbers itself would fail on it
    if meta.leading_digits is not None:
        leading = re.compile(meta.leading_digits)
    return _Plan(
        meta.country_code,
        general,
        lengths,
        frozenset(meta.general_desc.possible_length_local_only or ()),
        types,
        leading,
        re.compile(npfp) if npfp else None,
        re.compile(idd) if idd else None,
        meta.national_prefix_transform_rule or None,
    )


def _known_type(nsn: str, plan: _Plan) -> bool:
    """``_number_type_helper(...) != UNKNOWN``: the general description, then any type of a
    possible length, asked as one alternation of those types' patterns (``_types_for``)."""
    if not plan.general.matches(nsn):
        return False
    key = (id(plan), len(nsn))
    if key in _TYPES_BY_LENGTH:
        types = _TYPES_BY_LENGTH[key]
    else:
        types = _TYPES_BY_LENGTH[key] = _types_for(plan, len(nsn))
    return types is not None and types.fullmatch(nsn) is not None


#: (plan id, length) -> the alternation ``_types_for`` built; plans are cached for the
#: process (``_plan``) and never freed, so their ids stay theirs.
_TYPES_BY_LENGTH: dict[tuple[int, int], re.Pattern[str] | None] = {}


def _types_for(plan: _Plan, length: int) -> re.Pattern[str] | None:
    """One pattern that fully matches a number of ``length`` digits where some type of
    ``plan`` (``_Desc.matches``: a possible length, then the type's pattern) does: the
    alternation of those types' patterns (the metadata's patterns have no backreferences,
    and ``fullmatch`` backtracks into every alternative). One regex call instead of one
    Python call and one regex call per type; a test compares the two."""
    patterns = [
        desc.pattern.pattern
        for desc in plan.types
        if desc.pattern is not None and (not desc.lengths or length in desc.lengths)
    ]
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _general_pattern(nsn: str, plan: _Plan) -> bool:
    """``_match_national_number`` on the general description: the pattern alone."""
    return plan.general.pattern is not None and plan.general.pattern.fullmatch(nsn) is not None


def _strip_national_prefix(number: str, plan: _Plan) -> str:
    """``_maybe_strip_national_prefix_carrier_code``: the number without its national prefix
    (and carrier code), or rewritten by the region's transform rule, when the result is still
    a possible national number."""
    if not number or plan.national_prefix is None:
        return number
    m = plan.national_prefix.match(number)
    if m is None:
        return number
    groups = m.groups()
    if plan.transform is None or groups[-1] is None:
        rest = number[m.end() :]
    else:
        rest = plan.national_prefix.sub(plan.transform, number, count=1)
    if _general_pattern(number, plan) and not _general_pattern(rest, plan):
        return number
    return rest


_TOO_SHORT, _POSSIBLE, _LOCAL_ONLY, _TOO_LONG, _INVALID_LENGTH = range(5)


def _test_length(number: str, plan: _Plan) -> int:
    """``_test_number_length`` for the unknown number type (the general description)."""
    n = len(number)
    if n in plan.local_lengths:
        return _LOCAL_ONLY
    lengths = plan.general_lengths
    if lengths[0] == n:
        return _POSSIBLE
    if lengths[0] > n:
        return _TOO_SHORT
    if lengths[-1] < n:
        return _TOO_LONG
    return _POSSIBLE if n in lengths[1:] else _INVALID_LENGTH


def _national_number(number: str, plan: _Plan) -> str:
    """The national number ``parse`` keeps once the national prefix is considered."""
    stripped = _strip_national_prefix(number, plan)
    if _test_length(stripped, plan) not in (_TOO_SHORT, _LOCAL_ONLY, _INVALID_LENGTH):
        return stripped
    return number


def is_valid(digits: str, region: str | None) -> bool | None:
    """``is_valid_number(parse(digits, region))`` where ``digits`` are ASCII digits: with
    ``region`` None, the digits after a ``+``. None: not covered here, ask phonenumbers."""
    if region is None:
        if len(digits) <= _MIN_NSN or digits[0] == "0":
            return False  # too short after "+", or no country code starts with 0
        for i in range(1, min(len(digits), _MAX_CC) + 1):
            if int(digits[:i]) in COUNTRY_CODE_TO_REGION_CODE:
                country_code, national = int(digits[:i]), digits[i:]
                break
        else:
            return False  # no country code: parse fails
        main = COUNTRY_CODE_TO_REGION_CODE[country_code][0]
        if main == _NON_GEO:
            return None
        plan = _plan(main)
        if plan is None:
            return None
    else:
        plan = _plan(region)
        if plan is None:
            return None
        idd = plan.idd.match(digits) if plan.idd is not None else None
        if idd is not None:
            # Dialled with the region's international prefix ("00 44 20...", "011 44..."):
            # ``parse`` strips it and reads a country code, as after a "+", unless the next
            # digit is 0 (no country code starts with one: it keeps the number national, left
            # to the library here). What follows is the "+" form's validation; the region's
            # own metadata, which parse keeps for its own country code, is the same.
            rest = digits[idd.end() :]
            return None if rest[:1] == "0" else is_valid(rest, None)
        if COUNTRY_CODE_TO_REGION_CODE.get(plan.country_code, ("",))[0] != region:
            return None
        country_code, national = plan.country_code, digits
        code = str(country_code)
        if digits.startswith(code):
            rest = _strip_national_prefix(digits[len(code) :], plan)
            if (not _general_pattern(digits, plan) and _general_pattern(rest, plan)) or (
                _test_length(digits, plan) == _TOO_LONG
            ):
                national = rest  # the number was written with its country code, no "+"
    if len(national) < _MIN_NSN:
        return False
    nsn = _national_number(national, plan)
    if not _MIN_NSN <= len(nsn) <= _MAX_NSN:
        return False
    return _valid_nsn(country_code, nsn)


def _valid_nsn(country_code: int, nsn: str) -> bool | None:
    """``is_valid_number`` for a country code and national significant number."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return False
    chosen: _Plan | None = None
    if len(regions) == 1:
        chosen = _plan(regions[0])
        if chosen is None:
            return None
    else:
        for region in regions:
            if region == _NON_GEO:
                return None
            plan = _plan(region)
            if plan is None:
                if PhoneMetadata.metadata_for_region(region, None) is None:
                    continue  # no metadata: phonenumbers skips the region too
                return None
            if plan.leading_digits is not None:
                if plan.leading_digits.match(nsn):
                    chosen = plan
                    break
            elif _known_type(nsn, plan):
                chosen = plan
                break
        if chosen is None:
            return False
    if chosen.country_code != country_code:
        return False
    return _known_type(nsn, chosen)
