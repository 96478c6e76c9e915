"""The text PII scanner: compiled candidate patterns, each confirmed by a validator.

Why our own scanner rather than Presidio or a regex list: recognisers that run one regex per
entity and trust the match (Presidio's approach) either miss formats (grouped cards, 2-series
Mastercard, national-format phones) or flag order numbers. Here a few cheap candidate patterns
find every number-shaped, ``@``-shaped or IBAN-shaped run in one pass each, and a validator
decides what the candidate is: Luhn plus issuer ranges for cards, mod-97 and country lengths
(``python-stdnum``) for IBANs, numbering plans (``phonenumbers``) for phones, SSA rules for
SSNs, ``python-stdnum`` check digits for national ids, ``ipaddress`` for IPs. This module is the
product, so it is written here; the validators are the libraries'.

Patterns are linear: possessive quantifiers and bounded repeats, no nested unbounded groups,
so a 10 MB line costs one pass, not a quadratic search.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from typing import NamedTuple

from clearance.detectors.pii import names
from clearance.detectors.pii.address import find_addresses
from clearance.detectors.pii.before import WindowWords, trailing_word
from clearance.detectors.pii.iban import is_iban
from clearance.detectors.pii.numbers import ID_DIGITS, is_card, is_isbn, is_ssn, national_id
from clearance.detectors.pii.phone import DEFAULT_REGIONS, only_digits, phone_digits_confidence


class PiiSpan(NamedTuple):
    entity: str  # EMAIL, PHONE, CARD, IBAN, SSN, IP, DOB, NATIONAL_ID, PERSON, ADDRESS
    start: int
    end: int
    confidence: float
    rule: str


_WINDOW = 40  # characters of context read before a candidate
_MAX_CANDIDATE = 64

# Every pattern starts with a literal or a character set (never a look-behind), so the regex
# engine skips ahead with its fast prefix scan; the "not inside a word" checks run in Python on
# the few candidates (measured 3-5x faster than a leading look-behind).
# Number-like runs: digits with single separators, an optional leading + / ( / (+ .
# The look-ahead after the first character rejects, inside the engine, most runs shorter than
# 7 characters (the shortest personal number): every character of a run is one of its set.
_NUMBER = re.compile(
    r"[+(\d](?<![\w+\-.].)(?=[\d+() \-./]{6})(?:(?<=\()\+)?"
    r"(?:\d|(?:[ \-./]| [\-/] )(?=[\d(])|\) ?(?=\d)|\((?=\d))*+"
)
_DIGIT = re.compile(r"\d")


def _ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` compiled with ``re.ASCII``: the same matches on ASCII text (``\\d``, ``\\w``
    and ``\\b`` differ only on non-ASCII characters, and these patterns have no other), but
    ``\\d`` and ``\\w`` become table lookups instead of Unicode database calls, which the
    whole-text scans pay at every character. Used where ``text.isascii()``."""
    return re.compile(pattern.pattern, (pattern.flags & ~re.UNICODE) | re.ASCII)


# Spelled with ``[0-9]`` rather than ``_ascii_twin(_NUMBER)``: under ``re.ASCII`` ``\d`` is
# still a category test inside a character set, while ``[+(0-9]`` compiles to a bitmap, and the
# engine's skip to the next possible start tests that set at every character of the text
# (~10% fewer instructions for this scan). The same matches on ASCII text (tested).
_NUMBER_ASCII = re.compile(
    r"[+(0-9](?<![\w+\-.].)(?=[0-9+() \-./]{6})(?:(?<=\()\+)?"
    r"(?:[0-9]|(?:[ \-./]| [\-/] )(?=[0-9(])|\) ?(?=[0-9])|\((?=[0-9]))*+",
    re.ASCII,
)
_DIGIT_ASCII = re.compile("[0-9]")  # (a bitmap set: see ``_NUMBER_ASCII``)
_SSN_SHAPED = re.compile(r"\d{3}-\d{2}-\d{4}")
_CARD_SHAPED = re.compile(r"\d{4}(?:[ \-]\d{4}){2,3}(?:[ \-]\d{1,3})?")
_EMAIL_AT = re.compile(
    r"@(?<=[A-Za-z0-9._%+'\-]@)(?=[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}+)\.[A-Za-z0-9])"
)
_EMAIL_LOCAL_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+'-"
)
_EMAIL_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w\-])"
)
# "[A-Z][A-Z]", not "[A-Z]{2}": a pattern that opens with a repeat gets no first-character
# set from the regex compiler, so the search would start a match attempt at every position.
_IBAN = re.compile(r"[A-Z][A-Z]\d{2}(?:[ \-]?[A-Z0-9]{1,4}+){2,9}+")
_IBAN_ASCII = _ascii_twin(_IBAN)
_IPV6_SEED = re.compile(r":[0-9A-Fa-f]{0,4}:")
_IPV6 = re.compile(r"[0-9A-Fa-f]{0,4}+(?::[0-9A-Fa-f]{0,4}+){2,7}+(?:\.\d{1,3}){0,3}")
_HEX_COLON = frozenset("0123456789abcdefABCDEF:")
_LETTER_ID = re.compile(
    r"[0-9A-Z](?<![\w].)(?:(?<=\d)(?:\d{7}-?[A-Z]|\d{5}[-+A]\d{3}[0-9A-Y])"
    r"|(?<=[XYZ])-?\d{7}-?[A-Z]"
    r"|(?<=[A-Z])(?:[A-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]|[A-Z]{5}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]))"
    r"(?![\w])"
)
_LETTER_ID_ASCII = _ascii_twin(_LETTER_ID)
_DATE_NUMERIC = re.compile(
    r"(?P<a>\d{4}|\d{1,2})(?P<sep>[-./])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})"
)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_TEXT = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\.? (?:{_MONTHS})\.?,? \d{{4}}"
    rf"|(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})\b",
    re.IGNORECASE,
)
_DATE_TEXT_ASCII = _ascii_twin(_DATE_TEXT)  # (ASCII letters only: the same matches on ASCII)
_DOB_CONTEXT = re.compile(
    r"\b(?:born|birth|birthday|dob|d\.o\.b|date of birth|geboren|geburtsdatum|né|née|"
    r"naissance|nacimiento|nacido|nascita|nato|nata)\b",
    re.IGNORECASE,
)
# substring pre-check for the date-of-birth pass (plain ``in`` tests: far cheaper than a regex)
_DOB_MARKERS = (
    "born",
    "Born",
    "BORN",
    "birth",
    "Birth",
    "BIRTH",
    "DOB",
    "dob",
    "D.O.B",
    "d.o.b",
    "gebor",
    "Gebor",
    "Geburt",
    "naissance",
    "Naissance",
    "né",
    "Né",
    "naci",
    "Naci",
    "nascita",
    "Nascita",
    "nato",
    "nata",
)
_DOB_MARKER = re.compile("|".join(map(re.escape, _DOB_MARKERS)))  # one pass, not 23 ``in``
_VERSION_CONTEXT = re.compile(r"(?i)\b(?:version|release|v|ver|build)\b[ .:]*$")
_VERSION_WORDS = frozenset({"version", "release", "v", "ver", "build"})
# words before a number that make it a reference, not a card: "Order #4111...", "Ref ..."
_NOT_CARD_CONTEXT = re.compile(
    r"(?i)\b(?:order|ref|reference|invoice|tracking|sku|serial|ticket|isbn|id|no)\b[ .:#-]*$|#$"
)
_NOT_CARD_WORDS = frozenset(
    {"order", "ref", "reference", "invoice", "tracking", "sku", "serial", "ticket", "isbn", "id"}
    | {"no"}
)
_CARD_CONTEXT = re.compile(r"(?i)\b(?:card|cc|visa|mastercard|amex|credit|debit|charge|paid)\b")
_CARD_WORDS = WindowWords(_CARD_CONTEXT, "card|cc|visa|amex|credit|debit|charge|paid")
_SSN_CONTEXT = re.compile(r"(?i)\b(?:ssn|ss#|social security|soc\.? sec|ssa)\b")
_SSN_WORDS = WindowWords(_SSN_CONTEXT, "ss|soc")
_IBAN_GROUPS = re.compile(r"(?<=[A-Z0-9])(?=[ \-])")
_GROUP = re.compile(r"[^ ]+")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# ``ipaddress.IPv4Address(raw)`` succeeds exactly where this matches a ``_IPV4`` candidate: four
# ASCII octets 0-255 without a leading zero (Python >= 3.9.5 refuses those); a test compares the
# two. One regex call instead of the module's parser (~40% of an address candidate's cost).
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4_VALID = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_DIGIT_GROUPS = re.compile(r"\d+(?:[ \-]\d+)*")
_SENTENCE_END = re.compile(r"[.!?;]\s")
_ISBN_CONTEXT = re.compile(r"(?i)\bisbn(?:-1[03])?\b[: ]*$")
_ISBN_WORDS = WindowWords(_ISBN_CONTEXT, "isbn")
_DOB_WORDS = WindowWords(_DOB_CONTEXT, r"born|birth|dob|d\.o\.b|geb|né|naissance|naci|nascita|nat")


def _ends_with_word(
    window: str, separators: str, words: frozenset[str], rule: re.Pattern[str]
) -> bool:
    """``rule.search(window)`` for an end-anchored rule ``(?i)\\b(?:words)\\b[separators]*$``:
    the window's trailing word looked up in ``words`` (``before.trailing_word``); a non-ASCII
    word goes to the regex, whose case folding is Unicode's."""
    word = trailing_word(window, separators)
    if word.isascii():
        return word.lower() in words
    return rule.search(window) is not None


def _not_card_context(sentence: str) -> bool:
    """``_NOT_CARD_CONTEXT.search(sentence)``: a reference word, or ``#``, ends the sentence."""
    if sentence.endswith(("#", "#\n")):
        return True
    return _ends_with_word(sentence, " .:#-", _NOT_CARD_WORDS, _NOT_CARD_CONTEXT)


def scan_text(
    text: str,
    *,
    persons: bool = True,
    addresses: bool = True,
    regions: tuple[str, ...] = DEFAULT_REGIONS,
) -> list[PiiSpan]:
    """Every personal-data span in ``text``, sorted by start; overlaps resolved (longest wins)."""
    spans: list[PiiSpan] = []
    if "@" in text:
        spans.extend(_emails(text))
    # Every other pattern but the names' needs a digit: prose without one skips them all
    # (one C-level scan instead of seven).
    if (_DIGIT_ASCII if text.isascii() else _DIGIT).search(text) is not None:
        ibans = _ibans(text)
        spans.extend(ibans)
        spans.extend(_numbers(text, regions, ibans))
        spans.extend(_letter_ids(text))
        if ":" in text:
            spans.extend(_ipv6(text))
        if _DOB_MARKER.search(text) is not None:
            spans.extend(_text_dates(text))
        if addresses:
            spans.extend(find_addresses(text))
    if persons:
        spans.extend(names.find_names(text))
    if len(spans) < 2:
        return spans
    return _resolve(spans)


def _resolve(spans: list[PiiSpan]) -> list[PiiSpan]:
    """Drop spans inside a longer (or earlier, more confident) one."""
    spans.sort(key=lambda s: (s.start, -(s.end - s.start), -s.confidence))
    out: list[PiiSpan] = []
    for span in spans:
        if out and span.start < out[-1].end:
            continue
        out.append(span)
    return out


def _before(text: str, start: int) -> str:
    return text[max(0, start - _WINDOW) : start].lower()


def _emails(text: str) -> list[PiiSpan]:
    out: list[PiiSpan] = []
    last_end = 0
    for at in _EMAIL_AT.finditer(text):
        i = at.start()
        if i < last_end:
            continue
        domain = _EMAIL_DOMAIN.match(text, i + 1, min(len(text), i + 256))
        if domain is None:
            continue
        start = i
        floor = max(last_end, i - 64)
        while start > floor and text[start - 1] in _EMAIL_LOCAL_CHARS:
            start -= 1
        if start > 0 and text[start - 1] in _EMAIL_LOCAL_CHARS:
            continue  # a local part longer than 64 characters (RFC 5321) is no address
        while start < i and text[start] in "._%+'-":
            start += 1
        if start == i:
            continue
        out.append(PiiSpan("EMAIL", start, domain.end(), 0.99, "pii/email"))
        last_end = domain.end()
    return out


def _ibans(text: str) -> list[PiiSpan]:
    out: list[PiiSpan] = []
    for match in (_IBAN_ASCII if text.isascii() else _IBAN).finditer(text):
        if match.start() > 0 and text[match.start() - 1].isalnum():
            continue
        raw = match.group()
        # Grouped IBANs may swallow a following word or number: shrink to the longest valid one.
        groups = _IBAN_GROUPS.split(raw)
        for n in range(len(groups), 0, -1):
            candidate = "".join(groups[:n])
            compact = candidate.replace(" ", "").replace("-", "")
            if 15 <= len(compact) <= 34 and is_iban(compact):
                end = match.start() + len(candidate)
                if end < len(text) and text[end].isalnum():
                    break
                out.append(PiiSpan("IBAN", match.start(), end, 0.99, "pii/iban"))
                break
    return out


def _letter_ids(text: str) -> list[PiiSpan]:
    out: list[PiiSpan] = []
    for match in (_LETTER_ID_ASCII if text.isascii() else _LETTER_ID).finditer(text):
        if match.start() > 0 and (
            text[match.start() - 1].isalnum() or text[match.start() - 1] == "_"
        ):
            continue
        found = national_id(match.group(), _before(text, match.start()))
        if found is not None:
            name, confidence = found
            out.append(
                PiiSpan("NATIONAL_ID", match.start(), match.end(), confidence, f"pii/{name}")
            )
    return out


def _ipv6(text: str) -> list[PiiSpan]:
    out: list[PiiSpan] = []
    last_end = 0
    for seed in _IPV6_SEED.finditer(text):
        if seed.start() < last_end:
            continue
        start = seed.start()
        floor = max(last_end, start - 4)
        while start > floor and text[start - 1] in _HEX_COLON:
            start -= 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in ":._"):
            continue
        match = _IPV6.match(text, start)
        if match is None:
            continue
        raw = match.group()
        end = match.end()
        last_end = end
        if len(raw) < 6 or not any(ch.isdigit() for ch in raw) or raw.count(":") < 2:
            continue
        if end < len(text) and (text[end].isalnum() or text[end] == ":"):
            continue
        try:
            ipaddress.IPv6Address(raw)
        except ValueError:
            continue
        groups = [g for g in raw.split(":") if g]
        if len(groups) < 3:  # "a::1"-like short forms are too often code or times
            continue
        out.append(PiiSpan("IP", start, end, 0.95, "pii/ipv6"))
    return out


def _text_dates(text: str) -> list[PiiSpan]:
    return [
        PiiSpan("DOB", m.start(), m.end(), 0.85, "pii/dob")
        for m in (_DATE_TEXT_ASCII if text.isascii() else _DATE_TEXT).finditer(text)
        if _dob_context(_before(text, m.start()))
    ]


def _dob_context(context: str) -> bool:
    """A birth word close before the date, with nothing number-like or sentence-ending between
    ("Date of birth: 1949-08-15. The invoice dated 2026-01-06" is one DOB, not two)."""
    if not _DOB_WORDS.possible(context):
        return False
    matches = list(_DOB_CONTEXT.finditer(context))
    if not matches:
        return False
    gap = context[matches[-1].end() :]
    return len(gap) <= 20 and not any(ch.isdigit() or ch in ".;!?" for ch in gap.rstrip(". "))


def _numbers(
    text: str, regions: tuple[str, ...], inside: list[PiiSpan] | None = None
) -> list[PiiSpan]:
    """Number-shaped personal data. Runs wholly ``inside`` an already found span (an IBAN's
    digit groups) are not classified: that span starts before them and covers them, so
    ``_resolve`` drops whatever is found there (unless a third span overlapping the IBAN's
    start displaced it), and splitting a long grouped run into sub-runs is the costliest case
    of this pass."""
    out: list[PiiSpan] = []
    n = len(text)
    # (a run glued to a word, "visa19 4111...", never starts a match: the pattern's
    # look-behind rejects a word character, "+", "-" or "." before it)
    for match in (_NUMBER_ASCII if text.isascii() else _NUMBER).finditer(text):
        start, end = match.span()
        if end - start < 7:  # the shortest personal number, an IPv4 address, has 7 characters
            continue
        if inside and any(s.start < start and end <= s.end for s in inside):
            continue
        raw = match.group().rstrip(" -./(")  # trailing separators are not part of the number
        end = start + len(raw)
        if end - start > _MAX_CANDIDATE:
            continue
        if end + 1 < n and text[end] in "-/" and text[end + 1].isalnum():
            continue  # "0-16-772326-X": glued to a word (ISBN check letter, part code)
        # a phone extension ("555-2671x890") ends the number; other letters make the run part
        # of a word or code
        if (
            end < n
            and (text[end].isalpha() or text[end] == "_")
            and not (text[end] == "x" and text[end + 1 : end + 2].isdigit())
        ):
            continue
        digits = only_digits(raw)
        if len(digits) < 7 and "." not in raw:
            continue
        span = _classify(text, raw, start, regions, digits)
        if span is not None:
            out.append(span)
        elif " " in raw and not _CARD_SHAPED.fullmatch(raw):
            out.extend(_classify_parts(text, raw, start, regions))
    return out


def _classify_parts(text: str, raw: str, start: int, regions: tuple[str, ...]) -> list[PiiSpan]:
    """A run that merged two numbers ("call 555-123-4567 2024"): the longest valid sub-run of
    its space-separated groups, then the rest."""
    bounds = [(m.start(), m.end()) for m in _GROUP.finditer(raw)]
    if len(bounds) > 8:
        return []
    digits_before = [0]
    for a, b in bounds:
        digits_before.append(digits_before[-1] + sum(ch.isdigit() for ch in raw[a:b]))
    found: list[PiiSpan] = []
    i = 0
    while i < len(bounds):
        for j in range(len(bounds), i, -1):
            if j - i == len(bounds):
                continue
            if not 7 <= digits_before[j] - digits_before[i] <= 19 and "." not in raw:
                continue  # too short or long for any personal number: skip the validators
            part = raw[bounds[i][0] : bounds[j - 1][1]]
            span = _classify(text, part, start + bounds[i][0], regions)
            if span is not None:
                found.append(span)
                i = j - 1
                break
        i += 1
    return found


def _classify(
    text: str, raw: str, start: int, regions: tuple[str, ...], digits: str | None = None
) -> PiiSpan | None:
    """What a number-shaped candidate is, if anything personal (``digits``: ``raw``'s digits,
    where the caller has them).

    The checks run in a fixed order (IPv4, date, SSN, card, ISBN, national id, phone), and
    each first asks what the digit count allows (a date has its digits and two separators; a
    national id 9-15 digits, a phone number 7-15, a card 12-19) before it runs a pattern or
    reads the context window, which is cut and lower-cased only once a rule needs it."""
    end = start + len(raw)
    if digits is None:
        digits = only_digits(raw)
    nd = len(digits)
    if raw.count(".") == 3 and _IPV4.fullmatch(raw):
        if _ends_with_word(_before(text, start), " .:", _VERSION_WORDS, _VERSION_CONTEXT):
            return None
        if _IPV4_VALID.fullmatch(raw) is None:
            return None
        return PiiSpan("IP", start, end, 0.95, "pii/ipv4")
    if len(raw) - nd == 2:  # a numeric date: digits and two separators
        date = _DATE_NUMERIC.fullmatch(raw)
        if date is not None and _is_date(date):
            if _dob_context(_before(text, start)):
                return PiiSpan("DOB", start, end, 0.9, "pii/dob")
            return None
    if not 7 <= nd <= 19:
        return None  # no personal number is shorter (an IPv4 address aside) or longer
    context: str | None = None
    if nd == 9:
        # ``_SSN_SHAPED`` (``123-45-6789``): ``raw`` holds nine digits, so two separators
        dashed = len(raw) == 11 and raw[3] == raw[6] == "-"
        if is_ssn(digits):
            context = _before(text, start)
            if dashed:
                confidence = 0.95 if _SSN_WORDS.search(context) else 0.85
                return PiiSpan("SSN", start, end, confidence, "pii/ssn")
            # "123 45 6789" or nine digits alone, given nine digits in ``raw``
            if (len(raw) == 9 or (len(raw) == 11 and raw[3] == raw[6] == " ")) and (
                _SSN_WORDS.search(context)
            ):
                return PiiSpan("SSN", start, end, 0.9, "pii/ssn")
        if dashed:  # an invalid SSN is not a phone number either
            return None
    if nd >= 12 and is_card(digits) and _DIGIT_GROUPS.fullmatch(raw):
        if context is None:
            context = _before(text, start)
        sentence = _SENTENCE_END.split(context)[-1]  # "Paid with 4111.... Ref 5110...": no card
        if _not_card_context(sentence) and not _CARD_WORDS.search(sentence):
            return None
        return PiiSpan("CARD", start, end, 0.95, "pii/card")
    if nd > 15:
        return None  # longer than any national id or phone number
    if context is None:
        context = _before(text, start)
    if (
        nd in (10, 13)
        and (raw.count("-") == 3 or digits[:3] in ("978", "979") or _ISBN_WORDS.search(context))
        and is_isbn(raw, digits)
    ):
        return None
    if nd >= ID_DIGITS[0]:
        found = national_id(raw, context)
        if found is not None:
            name, confidence = found
            return PiiSpan("NATIONAL_ID", start, end, confidence, f"pii/{name}")
    if context.endswith("#"):  # "Order #32449639567": a reference, not a phone number
        return None
    phone = phone_digits_confidence(raw, digits, context, regions)
    if phone is not None:
        return PiiSpan("PHONE", start, end, phone, "pii/phone")
    return None


def _is_date(match: re.Match[str]) -> bool:
    a, b, c = (int(match.group(k)) for k in "abc")
    two_digit_year = len(match.group("c")) == 2
    for year, month, day in ((a, b, c), (c, b, a), (c, a, b)):
        if year < 100 and two_digit_year and year == c:
            year += 1900 if year > 30 else 2000
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        if 1900 <= year <= 2100:
            return True
    return False
