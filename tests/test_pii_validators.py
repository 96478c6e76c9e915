"""The scanner's inline validators agree with the libraries they stand in for.

``pii-text`` checks IBANs, ISBNs, card networks and phone numbers with compiled tables and
inline arithmetic (the scanner's hot path); python-stdnum and phonenumbers stay the reference.
Each test compares the two on generated inputs, valid ones included (a random string is almost
never a valid IBAN or phone number, so valid numbers are built and then mutated).
"""

from __future__ import annotations

import re
from importlib import resources

import phonenumbers
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import iban as stdnum_iban
from stdnum import isbn as stdnum_isbn
from stdnum import numdb

from clearance.detectors.pii import names, numbers, phone_fast
from clearance.detectors.pii.iban import is_iban, mod97_ok
from clearance.detectors.pii.phone import DEFAULT_REGIONS

# --- IBAN -------------------------------------------------------------------------------------

# the countries of stdnum's IBAN registry (its top-level entries)
_IBAN_COUNTRIES = sorted(
    line.split()[0]
    for line in (resources.files("stdnum") / "iban.dat").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith(("#", " "))
)
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _with_check_digits(country: str, bban: str) -> str:
    """The IBAN with correct mod-97 check digits for ``country`` and ``bban``."""
    return country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban


@st.composite
def _ibans(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from([*_IBAN_COUNTRIES, "XX", "QQ"]))
    bban = draw(st.text(_ALNUM, min_size=8, max_size=30))
    value = _with_check_digits(country, bban)
    if draw(st.booleans()):  # a typo: most break the check digits, some keep them
        i = draw(st.integers(0, len(value) - 1))
        value = value[:i] + draw(st.sampled_from(_ALNUM)) + value[i + 1 :]
    return value


def test_registry_read_as_countries() -> None:
    assert "DE" in _IBAN_COUNTRIES and "GB" in _IBAN_COUNTRIES and len(_IBAN_COUNTRIES) > 70
    assert all(numdb.get("iban").info(c)[0][1].get("bban") for c in _IBAN_COUNTRIES)


@settings(max_examples=600, deadline=None)
@given(_ibans())
@example("DE89370400440532013000")  # valid
@example("GB82WEST12345698765432")  # valid, letters in the BBAN
@example("ES9121000418450200051332")  # valid, Spanish national check digits (stdnum.es.iban)
@example("ES9121000418450200051331")  # mod-97 broken
@example("BE68539007547034")  # Belgium's own check (stdnum.be.iban)
@example("NO9386011117947")
@example("DE8937040044053201300")  # one character short for Germany
def test_is_iban_matches_python_stdnum(value: str) -> None:
    assert is_iban(value) == stdnum_iban.is_valid(value)


@settings(deadline=None)
@given(st.text(_ALNUM, min_size=5, max_size=34).filter(lambda v: v[:2].isalpha()))
def test_mod97_matches_python_stdnum(value: str) -> None:
    from stdnum.iso7064 import mod_97_10

    assert mod97_ok(value) == mod_97_10.is_valid(value[4:] + value[:4])


def test_iban_found_in_text_with_country_checks() -> None:
    from clearance.detectors.pii.scan import scan_text

    text = "IBAN ES91 2100 0418 4502 0005 1332 and ES91 2100 0418 4502 0005 1331 (typo)"
    ibans = [text[s.start : s.end] for s in scan_text(text) if s.entity == "IBAN"]
    assert ibans == ["ES91 2100 0418 4502 0005 1332"]


# --- ISBN -------------------------------------------------------------------------------------


@st.composite
def _isbn_like(draw: st.DrawFn) -> str:
    """Digit runs of ISBN lengths with the separators the scanner's number runs hold."""
    n = draw(st.sampled_from([10, 13]))
    digits = draw(st.text("0123456789", min_size=n - 1, max_size=n - 1))
    if draw(st.booleans()):  # a correct check digit
        if n == 13:
            digits = draw(st.sampled_from(["978", "979"])) + digits[3:]
            total = sum(int(d) * (3 if i & 1 else 1) for i, d in enumerate(digits))
            digits += str((10 - total) % 10)
        else:
            check = sum(i * int(d) for i, d in enumerate(digits, 1)) % 11
            digits += "0" if check == 10 else str(check)
    else:
        digits += draw(st.sampled_from("0123456789"))
    out = digits[0]
    for ch in digits[1:]:
        out += draw(st.sampled_from(["", "", "-", " ", ".", "/"])) + ch
    return out


@settings(max_examples=600, deadline=None)
@given(_isbn_like())
@example("978-0-306-40615-7")
@example("0-306-40615-2")
@example("0 306 40615 2")
@example("0.306.40615.2")  # stdnum strips only spaces and hyphens
def test_is_isbn_matches_python_stdnum(raw: str) -> None:
    digits = re.sub(r"\D", "", raw)
    assert numbers.is_isbn(raw, digits) == stdnum_isbn.is_valid(raw)


# --- card networks ----------------------------------------------------------------------------


def _network_reference(digits: str) -> bool:
    """The issuer-range rule as first written: every range, by integer comparison."""
    for low, high, lengths in numbers._IIN:
        width = len(str(low))
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return True
    return False


@settings(max_examples=800, deadline=None)
@given(
    st.sampled_from(["", "2", "22", "35", "36", "4", "5", "6", "62", "622", "6011", "0604"]),
    st.text("0123456789", min_size=12, max_size=19),
)
def test_card_network_table_matches_range_rule(prefix: str, rest: str) -> None:
    digits = (prefix + rest)[:19]
    assume(len(digits) >= 12)
    assert numbers.card_network_ok(digits) == _network_reference(digits)


# --- phone numbers ----------------------------------------------------------------------------


def _reference(text: str, region: str | None) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(text, region)))
    except phonenumbers.NumberParseException:
        return False


_TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.VOIP,
    PhoneNumberType.UAN,
)
_EXAMPLES = [
    n
    for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    for kind in _TYPES
    if (n := phonenumbers.example_number_for_type(region, kind)) is not None
]


@st.composite
def _phone_digits(draw: st.DrawFn) -> str:
    """Digits of a real example number (international or national form, with or without
    the trunk prefix), often with one digit changed, inserted or dropped."""
    number = draw(st.sampled_from(_EXAMPLES))
    form = draw(st.sampled_from([PhoneNumberFormat.E164, PhoneNumberFormat.NATIONAL]))
    digits = re.sub(r"\D", "", phonenumbers.format_number(number, form))
    if draw(st.booleans()):
        i = draw(st.integers(0, len(digits)))
        op = draw(st.sampled_from(["set", "insert", "drop"]))
        d = draw(st.sampled_from("0123456789"))
        if op == "set" and i < len(digits):
            digits = digits[:i] + d + digits[i + 1 :]
        elif op == "insert":
            digits = digits[:i] + d + digits[i:]
        elif len(digits) > 1 and i < len(digits):
            digits = digits[:i] + digits[i + 1 :]
    return digits


@settings(max_examples=1500, deadline=None)
@given(
    _phone_digits(), st.sampled_from([None, *DEFAULT_REGIONS, "CA", "GG", "RU", "AR", "AG", "JP"])
)
@example("14155552671", None)
@example("4155552671", "US")
@example("02079460958", "GB")
@example("442079460958", "GB")  # written with the country code, no "+"
@example("01144207946095", "US")  # US international prefix: read as after a "+"
@example("011987654321", "BR")  # Brazil: carrier code rewritten by the transform rule
@example("0901123456789", "BR")
@example("8001234567", None)  # +800: non-geographic, left to phonenumbers
def test_phone_fast_path_matches_phonenumbers(digits: str, region: str | None) -> None:
    assume(digits)
    fast = phone_fast.is_valid(digits, region)
    if fast is not None:
        text = "+" + digits if region is None else digits
        assert fast == _reference(text, region)


@settings(max_examples=300, deadline=None)
@given(st.text("0123456789", min_size=3, max_size=16), st.sampled_from([None, *DEFAULT_REGIONS]))
def test_phone_fast_path_matches_phonenumbers_on_random_digits(
    digits: str, region: str | None
) -> None:
    fast = phone_fast.is_valid(digits, region)
    if fast is not None:
        assert fast == _reference("+" + digits if region is None else digits, region)


def test_phone_fast_path_covers_the_default_regions() -> None:
    """The port answers for the regions the scanner tries itself (it is no speed-up
    otherwise), transform rules included, and leaves international dialling prefixes in a
    national number and non-geographic codes to phonenumbers."""
    assert phone_fast.is_valid("4155552671", "US") is True
    assert phone_fast.is_valid("442079460958", None) is True
    assert phone_fast.is_valid("1234567", "US") is False
    for region in DEFAULT_REGIONS:
        example = phonenumbers.example_number_for_type(region, PhoneNumberType.FIXED_LINE)
        assert example is not None
        national = re.sub(
            r"\D", "", phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
        )
        assert phone_fast.is_valid(national, region) is True, region
    # an international dialling prefix in a national number is read as "+" (not when a 0
    # follows it: that stays with phonenumbers)
    assert phone_fast.is_valid("01144207946095", "US") is _reference("01144207946095", "US")
    assert phone_fast.is_valid("0044207946095", "GB") is _reference("0044207946095", "GB")
    assert phone_fast.is_valid("00044207946095", "GB") is None
    assert phone_fast.is_valid("80012345678", None) is None


@pytest.mark.parametrize(
    ("candidate", "region"),
    [
        ("(415) 555-2671", "US"),
        ("415.555.2671", "US"),
        ("020 7946 0958", "GB"),
        ("030 901820", "DE"),
        ("06 12 34 56 78", "FR"),
        ("+44 20 7946 0958", None),
        ("+1 201-555-8159", None),
        ("+49 (0)30 901820", None),
    ],
)
def test_phone_fast_path_agrees_on_formatted_candidates(candidate: str, region: str | None) -> None:
    """The scanner passes the digits of a formatted candidate: same answer as the library
    parsing the candidate as written."""
    digits = re.sub(r"\D", "", candidate)
    assert phone_fast.is_valid(digits, region) == _reference(candidate, region)


# --- scanner shortcuts ------------------------------------------------------------------------


def test_text_without_digits_still_gets_email_and_person_passes() -> None:
    """Prose without a digit skips the digit-anchored passes; the others still run."""
    from clearance.detectors.pii.scan import scan_text

    text = "Dear Anna Schmidt,\nplease write to anna.schmidt@example.org about it."
    found = [(s.entity, text[s.start : s.end]) for s in scan_text(text)]
    assert found == [("PERSON", "Anna Schmidt"), ("EMAIL", "anna.schmidt@example.org")]


@pytest.mark.parametrize(
    "text",
    [
        "Transfer to DE89 3704 0044 0532 0130 00 by Friday.",
        "IBAN: GB82 WEST 1234 5698 7654 32, card 4111 1111 1111 1111.",
    ],
)
def test_grouped_iban_reported_once_other_numbers_still_found(text: str) -> None:
    """The digit groups of a found IBAN are not re-read as phone or card candidates; a card
    after it still is."""
    from clearance.detectors.pii.scan import scan_text

    spans = scan_text(text)
    assert spans[0].entity == "IBAN"
    assert sum(s.entity == "IBAN" for s in spans) == 1
    if "4111" in text:
        assert [text[s.start : s.end] for s in spans if s.entity == "CARD"] == [
            "4111 1111 1111 1111"
        ]


def _surname_reference(token: str, last: frozenset[str]) -> bool:
    """The surname rule as first written (prefix loop)."""
    low = token.lower().replace("\u2019", "'")
    if low in last:
        return True
    if "-" in low:
        return any(part in last for part in low.split("-"))
    return any(low.startswith(p) and len(low) > len(p) + 2 for p in ("o'", "mc", "mac"))


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["O'", "O\u2019", "Mc", "Mac", "Smith", "-", "a", "b", "Z", "ñ"]),
        max_size=5,
    ).map("".join)
)
@example("MacLeod")
@example("Macy")
@example("McCoy")
@example("O'Neil")
@example("Smith-Jonesx")
def test_surname_rule_matches_reference(token: str) -> None:
    last = frozenset(["smith", "jones"])
    assert names._is_surname(token, last) == _surname_reference(token, last)
