"""The number scanner's shortcuts give the answers of the rules they stand in for.

``scan.py`` reads context words through literal pre-checks (``before.WindowWords``) and
trailing-word lookups, runs ``re.ASCII`` twins of its whole-text patterns on ASCII text, rejects
short number runs inside the regex engine, and skips checks that a candidate's digit count rules
out. Each shortcut is compared here with the plain rule on generated inputs, mixed case and
non-ASCII look-alikes included (under ``re.IGNORECASE`` the long s, U+017F, matches ``s`` and the
Kelvin sign matches ``k``: the pre-checks must leave those to the regex).
"""

from __future__ import annotations

import re

import phonenumbers
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from clearance.detectors.pii import phone, phone_fast, scan
from clearance.detectors.pii.numbers import ID_DIGITS, NATIONAL_IDS

_WORD_PIECES = st.sampled_from(
    [
        *("tel", "Phone", "PH", "call", "mobile", "fax", "reach", "dial", "tél", "☎", "numéro"),
        *("ssn", "SS#", "social security", "soc. sec", "Soc sec", "\u017fsn", "SSA"),
        *("card", "Visa", "mastercard", "AMEX", "cc", "paid", "debit", "charge"),
        *("isbn", "ISBN-13", "isbn-10", "born", "Birth", "DOB", "d.o.b", "née", "Geburtsdatum"),
        *("nato", "nata", "nacido", "date of birth", "order", "Ref", "no", "#", "id", "sku"),
        *("version", "v", "VER", "build", "release", "\u212a", "İ", "x", "_", "1", "42"),
        *(" ", "  ", "\t", "\n", ".", ":", ",", "-", ";", "!", "é", "ß"),
    ]
)
_WINDOWS = st.lists(_WORD_PIECES, max_size=10).map("".join)
_ANYWHERE_RULES = (
    phone._CONTEXT_WORDS,
    scan._SSN_WORDS,
    scan._CARD_WORDS,
    scan._ISBN_WORDS,
    scan._DOB_WORDS,
)


@settings(max_examples=1500, deadline=None)
@given(_WINDOWS)
@example("\u017fsn ")  # long s: the regex's Unicode case folding, not the pre-check, decides
@example("te\u212a ")
@example("PHONE: ")
@example("x-tel ")
def test_context_pre_checks_agree_with_the_rules(window: str) -> None:
    for words in _ANYWHERE_RULES:
        expected = words.rule.search(window) is not None
        assert words.search(window) == expected, (words.rule.pattern, window)
        assert words.possible(window) or not expected
        # the scanner hands the rules lower-cased windows
        low = window.lower()
        assert words.search(low) == (words.rule.search(low) is not None)


@settings(max_examples=1500, deadline=None)
@given(_WINDOWS)
@example("version \n")
@example("Order #")
@example("ref-#\n")
@example("ver.\n\n")
@example("xv ")
def test_trailing_word_rules_agree_with_the_end_anchored_regexes(window: str) -> None:
    assert scan._ends_with_word(window, " .:", scan._VERSION_WORDS, scan._VERSION_CONTEXT) == (
        scan._VERSION_CONTEXT.search(window) is not None
    )
    assert scan._not_card_context(window) == (scan._NOT_CARD_CONTEXT.search(window) is not None)


_TEXT_PIECES = st.sampled_from(
    [
        *("0", "1", "7", "12", "555", "2671", "4111", "1111", "+", "(", ")", "(+", "00"),
        *(" ", "-", ".", "/", " - ", " / ", "x", "X", "DE", "GB", "AB", "Z", "A", "Y"),
        *("tel ", "Born ", "May ", "3rd ", "March ", "2021", "1999", "_", "é", "\n", "٣", "²"),
    ]
)
_TEXTS = st.lists(_TEXT_PIECES, max_size=24).map("".join)
_TWINS = (
    (scan._NUMBER, scan._NUMBER_ASCII),
    (scan._IBAN, scan._IBAN_ASCII),
    (scan._LETTER_ID, scan._LETTER_ID_ASCII),
    (scan._DIGIT, scan._DIGIT_ASCII),
    (scan._DATE_TEXT, scan._DATE_TEXT_ASCII),
)


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
@example("AB 12 34 56 C")
@example("Born March 3rd, 1999")
def test_ascii_twins_find_the_same_matches_on_ascii_text(text: str) -> None:
    text = text.encode("ascii", "ignore").decode()
    for pattern, twin in _TWINS:
        assert [m.span() for m in twin.finditer(text)] == [m.span() for m in pattern.finditer(text)]


# the number-run pattern before the in-engine length check (session 4), and its loop
_NUMBER_BEFORE = re.compile(
    r"[+(\d](?<![\w+\-.].)(?:(?<=\()\+)?(?:\d|(?:[ \-./]| [\-/] )(?=[\d(])|\) ?(?=\d)|\((?=\d))*+"
)


def _long_runs_before(text: str) -> list[tuple[int, int]]:
    runs, pos = [], 0
    while (match := _NUMBER_BEFORE.search(text, pos)) is not None:
        start, end = match.span()
        pos = end
        if end - start < 7:
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_+-."):
            token = re.compile(r"[^\d]").search(text, start + 1, end)
            pos = token.start() + 1 if token is not None else end
            continue
        runs.append((start, end))
    return runs


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
@example("(+ (4 123 456")
@example("12 - 3 4567890")
@example("a1234567 7654321")
def test_number_runs_match_the_previous_scan_loop(text: str) -> None:
    runs = [m.span() for m in scan._NUMBER.finditer(text) if m.end() - m.start() >= 7]
    assert runs == _long_runs_before(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -./()+x٣é"), max_size=30))
def test_only_digits_is_the_deletion_table(candidate: str) -> None:
    assert phone.only_digits(candidate) == candidate.translate(str.maketrans("", "", " -./()+"))


_NUMBER_CHARS = re.compile(r"[\d \-./()+]*")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(NATIONAL_IDS).flatmap(lambda nid: st.from_regex(nid.pattern, fullmatch=True))
)
def test_national_ids_written_as_number_runs_have_9_to_15_digits(value: str) -> None:
    """``_classify`` asks ``national_id`` only for 9-15 digits (``ID_DIGITS``)."""
    if _NUMBER_CHARS.fullmatch(value):
        assert ID_DIGITS[0] <= len(phone.only_digits(value)) <= ID_DIGITS[1]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(scan._DATE_NUMERIC, fullmatch=True))
def test_numeric_dates_are_digits_and_two_separators(value: str) -> None:
    """``_classify`` runs the date pattern only where that holds."""
    assert len(value) - len(phone.only_digits(value)) == 2


# --- phone numbers dialled with an international prefix ----------------------------------------

_IDD_REGIONS = (*phone.DEFAULT_REGIONS, "CA", "RU", "AR", "SG", "KR", "NZ")
_E164 = [
    phonenumbers.format_number(n, PhoneNumberFormat.E164)[1:]
    for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE)
    if (n := phonenumbers.example_number_for_type(region, kind)) is not None
]


@st.composite
def _idd_dialled(draw: st.DrawFn) -> tuple[str, str]:
    """(digits, region): a number written with the region's own international prefix, then an
    example number's country code and national number (often mutated) or random digits."""
    region = draw(st.sampled_from(_IDD_REGIONS))
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert metadata is not None and metadata.international_prefix
    idd = draw(st.from_regex(f"(?:{metadata.international_prefix})", fullmatch=True))
    rest = draw(st.sampled_from(_E164) | st.text("0123456789", max_size=14))
    if rest and draw(st.booleans()):
        i = draw(st.integers(0, len(rest) - 1))
        rest = rest[:i] + draw(st.sampled_from("0123456789")) + rest[i + 1 :]
    return idd + rest, region


def _library(text: str, region: str | None) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(text, region)))
    except phonenumbers.NumberParseException:
        return False


@settings(max_examples=1500, deadline=None)
@given(_idd_dialled())
@example(("0044207946095", "GB"))
@example(("01144207946095", "US"))
@example(("00044207946095", "GB"))  # a 0 after the prefix: not a country code
@example(("00", "DE"))
@example(("0049", "DE"))
def test_phone_fast_path_reads_an_international_prefix_as_phonenumbers_does(
    case: tuple[str, str],
) -> None:
    digits, region = case
    fast = phone_fast.is_valid(digits, region)
    if fast is not None:
        assert fast == _library(digits, region)


def test_numbers_in_other_unicode_digits_do_not_break_the_scan() -> None:
    """``\\d`` also matches Arabic-Indic and other decimal digits; the card check, which reads
    ASCII digits, used to raise on a run that mixed them ("5621234567" then two U+0663)."""
    assert scan.scan_text("5621234567\u0663\u0663") == []
    assert scan.scan_text("card 4111 1111 1111 111\u0661") == []
    assert [s.entity for s in scan.scan_text("card 4111 1111 1111 1111")] == ["CARD"]


# --- fourth pass: IPv4 validity, SSN shapes and national-id dispatch without the chains ---------

_OCTETS = st.one_of(
    st.integers(0, 999).map(str),
    st.sampled_from(["0", "00", "01", "010", "255", "256", "249", "250", "199", "099", "٣"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_OCTETS, min_size=4, max_size=4).map(".".join))
@example("192.168.001.1")
@example("0.0.0.0")
def test_ipv4_pattern_is_ipaddress(raw: str) -> None:
    """``_IPV4_VALID`` accepts a ``_IPV4`` candidate exactly where ``IPv4Address`` does."""
    import ipaddress

    if scan._IPV4.fullmatch(raw) is None:
        return
    try:
        ipaddress.IPv4Address(raw)
        valid = True
    except ValueError:
        valid = False
    assert (scan._IPV4_VALID.fullmatch(raw) is not None) == valid


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -./()+"), min_size=9, max_size=13))
@example("123-45-6789")
@example("123 45 6789")
@example("123456789")
def test_ssn_shapes_by_position_are_the_patterns(raw: str) -> None:
    """``_classify`` tells the SSN shapes of a nine-digit run by length and separator
    positions; the patterns they replace say the same."""
    if len(phone.only_digits(raw)) != 9:
        return
    dashed = len(raw) == 11 and raw[3] == raw[6] == "-"
    assert dashed == (re.fullmatch(r"\d{3}-\d{2}-\d{4}", raw) is not None)
    other = len(raw) == 9 or (len(raw) == 11 and raw[3] == raw[6] == " ")
    assert other == (re.fullmatch(r"\d{3} \d{2} \d{4}|\d{9}", raw) is not None)


def _national_id_chain(candidate: str, context: str) -> tuple[str, float] | None:
    """The rule ``national_id`` stands in for: each kind's pattern in turn."""
    for nid in NATIONAL_IDS:
        if not re.fullmatch(nid.pattern, candidate):
            continue
        words = r"(?<!\w)(?:" + "|".join(map(re.escape, nid.context)) + r")(?!\w)"
        has_context = re.search(words, context) is not None
        if not has_context and nid.bare is None:
            continue
        try:
            ok = nid.validate(candidate)
        except Exception:
            ok = False
        if ok:
            return nid.name, 0.95 if has_context else float(nid.bare or 0.0)
    return None


_ID_CONTEXTS = st.sampled_from(
    ["", "pesel: ", "cpf ", "bsn ", "aadhaar ", "cpr ", "personnummer ", "steuer id ", "dni "]
)


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        st.sampled_from(NATIONAL_IDS).flatmap(
            lambda nid: st.from_regex(nid.pattern, fullmatch=True)
        ),
        st.text(alphabet=st.sampled_from("0123456789 -.+AXZ"), min_size=9, max_size=16),
    ),
    _ID_CONTEXTS,
)
@example("44051401359", "pesel: ")
@example("39053026300", "cpf ")
@example("111222333", "bsn ")
def test_national_id_dispatch_is_the_chain(candidate: str, context: str) -> None:
    from clearance.detectors.pii.numbers import national_id

    assert national_id(candidate, context) == _national_id_chain(candidate, context)


_PLANS = [p for r in (*phone.DEFAULT_REGIONS, "CA", "RU", "SG") if (p := phone_fast._plan(r))]


_NSNS = sorted(
    {
        str(n.national_number)
        for region in (*phone.DEFAULT_REGIONS, "CA", "RU", "SG")
        for kind in PhoneNumberType.values()
        if (n := phonenumbers.example_number_for_type(region, kind)) is not None
    }
)


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(_PLANS),
    st.one_of(
        st.text(alphabet="0123456789", min_size=2, max_size=17),
        st.sampled_from(_NSNS),
        st.sampled_from(_NSNS).map(lambda n: n[:-1]),
    ),
)
@example(phone_fast._plan("US"), "2015550123")
@example(phone_fast._plan("GB"), "7400123456")
@example(phone_fast._plan("DE"), "15123456789")
def test_known_type_alternation_is_the_type_loop(plan: phone_fast._Plan, nsn: str) -> None:
    """``_known_type`` asks one alternation of the possible types' patterns; the loop over the
    types it replaces gives the same answer."""
    loop = plan.general.matches(nsn) and any(desc.matches(nsn) for desc in plan.types)
    assert phone_fast._known_type(nsn, plan) == loop
