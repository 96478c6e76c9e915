"""The name and address passes' shortcuts give the answers of the rules they stand in for.

The name pass reads "the word before the name" with one regex on the reversed window instead of
``before.trailing_word`` and a ``fullmatch`` (the written rule), and runs the surname rule only
on words where it can say yes; the address pass finds street-number anchors from the space that
ends them and runs ``_STREET_NUM`` only just before it. Each test compares the shortcut with
the written rule on generated inputs (hostile characters included: case-folding oddities,
newlines, tabs, digits glued to letters).
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from clearance.detectors.pii import address, before, names
from clearance.detectors.pii.scan import PiiSpan

# The rules as first written: end-anchored searches over the window before a name.
_TITLE_BEFORE = re.compile(
    r"(?i)\b(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|rev|herr|frau|mme|mlle|sr|sra|"
    r"señor|señora|dott)\.?[ \t]+$"
)
_STRONG_BEFORE = re.compile(
    r"(?i)(?:\b(?:dear|hi|hello|signed|sincerely|regards|author|by|patient|employee)\b[ \t:,-]*)$"
)
_CONTEXT_BEFORE = re.compile(
    r"(?i)(?:\b(?:by|from|dear|hi|hello|thanks|cc|to|with|name|author|signed|sincerely|met|meet|"
    r"call|ask|told|asked|called|emailed|invited|"
    r"regards|contact|patient|customer|employee|mother|father|wife|husband|son|daughter)"
    r"\b[ \t:,-]*)$"
)
_PIECES = st.sampled_from(
    [
        *("Dr", "dr", "dR", "MRS", "Señora", "SEÑOR", "prof", "Professor", "dott", "mme", "Mlle"),
        *("by", "BY", "Dear", "hi", "HELLO", "to", "son", "sons", "with", "Regards", "employee"),
        *(
            "x",
            "é",
            "_",
            "1",
            "\u017fon",
            "\u212aby",
            "\u0130",
            "dear\u0301",
            "sincerely",
            "ylerecnis",
        ),
        *(" ", "  ", "\t", "\n", ".", "..", ":", ",", "-", "Ms.", "Author:", "draft", "bye"),
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join))
@example("Dr. ")
@example("Dear \n")
@example("xby ")
@example("by\n\n")
@example("Regards,\t")
@example("sir\t.")
@example("  Mr")
def test_window_rules_reversed_trailing_word_and_end_anchored_agree(window: str) -> None:
    reversed_window = window[::-1]
    titled = names._TITLE_WORD.fullmatch(
        before.trailing_word(window, " \t", dot=True, required=True)
    )
    assert (names._TITLED_BEFORE.match(reversed_window) is not None) == (titled is not None)
    word = before.trailing_word(window, names._CONTEXT_SEPARATORS)
    context = names._CONTEXT_BEFORE.match(reversed_window)
    assert (context is not None) == (names._CONTEXT_WORD.fullmatch(word) is not None)
    strong = context is not None and context.lastgroup == "strong"
    assert strong == (names._STRONG_WORD.fullmatch(word) is not None)
    # and the trailing-word rules answer as the end-anchored ones written first
    assert (titled is not None) == (_TITLE_BEFORE.search(window) is not None)
    assert (names._STRONG_WORD.fullmatch(word) is not None) == (
        _STRONG_BEFORE.search(window) is not None
    )
    assert (names._CONTEXT_WORD.fullmatch(word) is not None) == (
        _CONTEXT_BEFORE.search(window) is not None
    )


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "O'",
                "o\u2019",
                "Mc",
                "Mac",
                "ma",
                "-",
                "a",
                "Z",
                "ñ",
                "smith",
                "jones",
                "'",
                "\u2019",
            ]
        ),
        max_size=5,
    ).map("".join)
)
@example("D\u2019Angelo")
@example("Smith-")
def test_surname_rule_says_yes_only_where_the_run_shortcut_asks_it(token: str) -> None:
    # find_names runs _surname only on a word on the list, or with a hyphen, a right quote or
    # an O'/Mc/Mac prefix: any other word must be no surname
    last = names._lists()[1] | {"smith", "jones", "d'angelo"}
    low = token.lower()
    asked = low in last or "-" in low or "\u2019" in low or low.startswith(names._SURNAME_PREFIXES)
    if names._surname(low, last):
        assert asked


def _reference_streets(text: str) -> list[PiiSpan]:
    """The street-number pass as first written: ``_STREET_NUM.finditer`` over the whole text."""
    out: list[PiiSpan] = []
    known = address.suffixes()
    last_end = 0
    for anchor in address._STREET_NUM.finditer(text):
        start = anchor.start()
        if start < last_end or (
            start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".,-/:$#")
        ):
            continue
        unit = address._unit_before(text, start)
        found = address._street(text, anchor.end(), known)
        if found is None:
            continue
        end, suffix = found
        span = address._finish(text, unit if unit is not None else start, end, suffix)
        if span is not None:
            out.append(PiiSpan("ADDRESS", span[0], span[1], span[2], address._RULE))
            last_end = span[1]
    return out


_ADDRESS_PIECES = st.sampled_from(
    [
        *("12", "4510", "1234567", "66/9", "12a", "7b/3", "9,", "x1", "$5", "#4", "-3"),
        *("Main", "Oak", "Pike", "Thomas", "Locks", "Street", "St.", "Ave", "Rd", "The", "Apt. 4"),
        *("Flat 3,", "Suite 5", ", Springfield, IL 62704", ", Millerhaven, ME1 1BN", "NY 10001"),
        *(" ", " ", ", ", "\n", "\t", ".", "lives at ", "Ünter", "é"),
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_ADDRESS_PIECES, max_size=14).map("".join))
@example("1234567 Main Street, Springfield, IL 62704")
@example("12 34 Oak Street and 5 6 Pike Rd")
@example("Flat 3, 12a Thomas Locks, Millerhaven, ME1 1BN")
def test_street_anchors_from_the_space_match_finditer(text: str) -> None:
    hit = address._ANCHOR_SPACE.search(text)
    found = [] if hit is None else address._streets(text, hit)
    assert found == _reference_streets(text)
