"""Street addresses in running text (US, CA, AU, GB; DE, NL, FR with their postcode).

Why our own patterns rather than ``pyap`` (MIT, the regex address finder for US/CA/GB): measured
here on Faker addresses inside a sentence, pyap ran at 0.05-0.08 MB/s (one large regex tried
at every position; the rest of ``pii-text`` runs at ~0.5 MB/s on the same machine) and missed
USPS suffixes such as ``Burgs``, ``Stream``, ``Radial`` and military addresses (recall 0.86 US,
0.35 CA). ``usaddress`` parses a string already known to be an address; it does not find one.
So the anchors here are cheap (a house number before a capitalised word; ", 12345 City"), and
the validation is the street-suffix list (USPS Publication 28 C1 via Faker, ``data/``), the
state/province codes and the postcode shapes of each country.

An address is reported when it has a tail (city and state/postcode): confidence 0.9. A street
line alone ("12 Oak Street") needs a common suffix (Street, Road, Avenue...) or an address word
before it ("lives at", "address:"): precision first.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clearance.detectors.pii.scan import PiiSpan

_RULE = "pii/address"

# house number (with a unit "66/9" or a letter "12a") before a capitalised word
# possessive: nothing given back could match what follows (measured 2x faster on digit runs)
_STREET_NUM = re.compile(r"\d{1,6}+[A-Za-z]?+(?:/\d{1,5}+)?+,?+ (?=[A-Z])")
_WORDS = re.compile(r"[A-Z][\w'\u2019\-]*\.?(?: [A-Z][\w'\u2019\-]*\.?){0,4}")
_SECONDARY = re.compile(
    r",? (?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Floor|Fl\.?|Room|#) ?#?[0-9][0-9A-Za-z\-]{0,5}"
)
_CITY_WORD = r"[A-ZÀ-ÖØ-Þ][\w'\u2019\-]*(?:(?<=\bSt|\bMt)\.|(?<=\bSte)\.)?"
_CITY = (
    rf"(?:'s-)?{_CITY_WORD}(?: (?:{_CITY_WORD}"
    r"|(?:upon|on|de|la|le|sur|am|an|der|im|in|bei|vorm|aan|den|bij|op|gem|ca)(?![\w]))){0,5}"
)  # bounded: an unbounded run of capitalised words would make a failed tail quadratic
_TAIL_STATE = re.compile(
    rf",? (?:{_CITY}),? (?P<st>[A-Z]{{2,3}}),? "
    r"(?P<pc>\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{4})(?![\w\-])"
)
_GB_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"
_TAIL_GB = re.compile(rf"(?:,? {_CITY}){{1,2}},? {_GB_POSTCODE}(?![\w])")
_MILITARY = re.compile(
    r"(?:(?:PSC|Unit) \d{4},? Box \d{4}|(?:USNS|USNV|USS|USCGC) [A-Z][a-z]+),? "
    r"[ADF]PO A[AEP] \d{5}(?![\w])"
)
# postcode-led tails of continental formats: ", 10115 Berlin" / ", 1012 TX Amsterdam"
_CONT_TAIL = re.compile(
    rf", (?:\d{{5}}|\d{{4}} ?[A-Z]{{2}}(?![\w])),? (?:{_CITY})"
    r"|, \d{4} ?[A-Z]{2}(?![\w])"
)
_CONT_STREET = re.compile(
    r"(?:(?:\d{1,4}(?: ?(?:bis|ter))?,? )?(?:[Rr]ue|[Aa]venue|[Bb]oulevard|[Cc]hemin|[Ii]mpasse|"
    r"[Pp]lace|[Aa]ll[ée]e|[Qq]uai|[Rr]oute|[Cc]ours|[Ss]quare|[Vv]oie|[Pp]assage) [^\n,;:]{2,60}"
    r"|(?:[A-ZÄÖÜ][\w'\-]*[ \-])?[A-ZÄÖÜ][\w\-]*(?i:stra(?:ß|ss)e|str\.|weg|gasse|allee|platz|"
    r"ring|damm|ufer|chaussee|pfad|markt|straat|laan|dreef|steeg|plein|gracht|kade|singel|dijk|"
    r"hof|pad|baan|boulevard|park|kwartier) \d{1,4}[a-z]?(?:[-/]\d{1,4}[a-z]?)?)$"
)
_US_CA_AU_TEXT = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI FM MH PW AA "
    "AE AP AB BC MB NB NL NS NT NU ON PE QC SK YT NSW VIC QLD TAS ACT SA NT"
)
_US_CA_AU = frozenset(_US_CA_AU_TEXT.split())
# street types common enough that a street line alone is worth reporting
_STRONG_TEXT = (
    "street st avenue ave road rd boulevard blvd drive dr lane ln court ct place pl terrace "
    "crescent close way parkway highway square"
)
_STRONG = frozenset(_STRONG_TEXT.split())
_ADDRESS_CONTEXT = re.compile(
    r"(?i)(?:\b(?:lives?|living|located|resides?|reside|moved|ship|deliver|send|mail|visit|"
    r"address|addr|adresse|anschrift|domicile|home)\b[^.\n]{0,12}?(?:\bat|\bto|:)?[ \t]*)$"
)
_NOT_NAME = frozenset(["The", "A", "An", "In", "On", "At", "Of", "And", "Or", "For", "To"])


@cache
def suffixes() -> frozenset[str]:
    data = resources.files("clearance.detectors.pii") / "data" / "street_suffixes.txt"
    return frozenset(line for line in data.read_text(encoding="utf-8").splitlines() if line)


@cache
def _span() -> type[PiiSpan]:
    """``PiiSpan``, imported once (``scan`` imports this module)."""
    from clearance.detectors.pii.scan import PiiSpan

    return PiiSpan


def find_addresses(text: str) -> list[PiiSpan]:
    """Street addresses in ``text`` (spans may overlap; the caller resolves)."""
    hit = _ANCHOR_SPACE.search(text)
    out = [] if hit is None else _streets(text, hit)
    if "PO A" in text:
        span = _span()
        out.extend(
            span("ADDRESS", m.start(), m.end(), 0.9, _RULE) for m in _MILITARY.finditer(text)
        )
    if ", " in text:
        out.extend(_continental(text))
    return out


# Every _STREET_NUM match ends with a space after a digit, or after a digit and a letter, then
# perhaps a comma, before a capital letter. This pattern finds those spaces (led by a literal,
# the engine jumps from space to space instead of trying _STREET_NUM at every character), and
# _STREET_NUM then runs in the 15 characters before each: a match holds one space, its last
# character, so the one ``finditer`` would find is there (measured: the anchor scan 3x cheaper).
_ANCHOR_SPACE = re.compile(r" (?=[A-Z])(?:(?<=\d )|(?<=\d[A-Za-z,] )|(?<=\d[A-Za-z], ))")


def _streets(text: str, hit: re.Match[str] | None) -> list[PiiSpan]:
    """Street lines led by a house number, from the first anchor space ``hit`` on."""
    out: list[PiiSpan] = []
    known = suffixes()
    pos = last_end = 0
    while hit is not None:
        space = hit.start()
        anchor = _STREET_NUM.search(text, max(pos, space - 15), space + 2)
        hit = _ANCHOR_SPACE.search(text, space + 1)
        if anchor is None:
            continue
        start, pos = anchor.span()
        if start < last_end or (
            start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".,-/:$#")
        ):
            continue
        found = _street(text, pos, known)
        if found is None:
            continue
        end, suffix = found
        unit = _unit_before(text, start)
        span = _finish(text, unit if unit is not None else start, end, suffix)
        if span is not None:
            out.append(_span()("ADDRESS", span[0], span[1], span[2], _RULE))
            last_end = span[1]
    return out


_UNIT_BEFORE = re.compile(
    r"(?:Flat|Studio|Apartment|Unit|Apt\.?|Suite|Level) (?:\d[0-9A-Za-z]{0,4},? )?$"
)


def _unit_before(text: str, start: int) -> int | None:
    """Where a unit prefix ("Flat 3, ", "Studio ", "Apt. 730 ") before the house number
    starts."""
    floor = max(0, start - 20)
    m = _UNIT_BEFORE.search(text, floor, start)
    return None if m is None else m.start()


def _street(text: str, pos: int, known: frozenset[str]) -> tuple[int, str] | None:
    """(end, suffix) of "Name Name Suffix" starting at ``pos``: the furthest suffix token
    after at least one name word."""
    words = _WORDS.match(text, pos)
    if words is None:
        return None
    tokens = words.group().split(" ")
    if tokens[0] in _NOT_NAME:
        return None
    for k in range(len(tokens) - 1, 0, -1):
        low = tokens[k].rstrip(".").lower()
        if low in known:
            end = pos + sum(len(t) + 1 for t in tokens[:k]) + len(tokens[k])
            if tokens[k].endswith(".") and low not in _ABBREVIATED:
                end -= 1  # a sentence full stop, not an abbreviation's
            return end, low
    return None


_ABBREVIATED_TEXT = (
    "st aly ave blvd br cir ct cres cv dr expy fwy grv hts hwy jct ln lndg mnr pkwy pl plz pt "
    "rd rdg sq sta ter trl tpke wy"
)
_ABBREVIATED = frozenset(_ABBREVIATED_TEXT.split())


def _finish(text: str, start: int, end: int, suffix: str) -> tuple[int, int, float] | None:
    """Extend a street line with its secondary unit and tail; decide whether to report it."""
    secondary = _SECONDARY.match(text, end)
    if secondary is not None:
        end = secondary.end()
    for tail in (_TAIL_STATE, _TAIL_GB):
        m = tail.match(text, end)
        if m is None:
            continue
        if tail is _TAIL_STATE and m.group("st") not in _US_CA_AU:
            continue
        return start, m.end(), 0.9
    if text[end : end + 1].isalnum():
        return None
    if _ADDRESS_CONTEXT.search(text[max(0, start - 40) : start]):
        return start, end, 0.85
    if suffix in _STRONG:
        return start, end, 0.7
    return None


def _continental(text: str) -> list[PiiSpan]:
    """ "Hauptstraße 5, 10115 Berlin", "12, rue de la Paix, 75002 Paris", "Sarastraat 9, 5907 JO
    Hasselt": anchored on the postcode, the street read backwards from it."""
    out: list[PiiSpan] = []
    for tail in _CONT_TAIL.finditer(text):
        window_start = max(0, tail.start() - 70)
        street = _CONT_STREET.search(text, window_start, tail.start())
        if street is None:
            continue
        start = street.start()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-"):
            continue
        end = tail.end()
        out.append(_span()("ADDRESS", start, end, 0.9, _RULE))
    return out
