from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.detectors.pii.scan import scan_text
from clearance.transforms import (
    Placeholders,
    Replacement,
    apply_replacements,
    fake_value,
    mask_value,
    pseudonym,
    redact,
)

KEY = b"project-secret"


@st.composite
def text_and_replacements(draw: st.DrawFn) -> tuple[str, list[Replacement]]:
    text = draw(st.text(max_size=200))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10)))
    reps = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a == b:
            continue
        reps.append(Replacement(a, b, draw(st.text(max_size=12))))
    return text, reps


@given(text_and_replacements())
def test_offsets_stay_correct_after_replacement(case: tuple[str, list[Replacement]]) -> None:
    text, reps = case
    new, offsets = apply_replacements(text, reps)
    for (os_, oe, ns, ne), rep in zip(
        offsets.spans(), sorted(reps, key=lambda r: (r.start, r.end)), strict=True
    ):
        assert (os_, oe) == (rep.start, rep.end)
        assert new[ns:ne] == rep.new
        assert offsets.to_new(rep.start) == ns
        if rep.new:  # a deleted span has no new offset of its own
            assert offsets.to_old(ns) == rep.start
    # text outside replacements maps back to itself
    for i in range(len(text)):
        if not any(r.start <= i < r.end for r in reps):
            j = offsets.to_new(i)
            assert new[j] == text[i] and offsets.to_old(j) == i


def test_overlapping_replacements_are_refused() -> None:
    with pytest.raises(ValueError):
        apply_replacements("abcdef", [Replacement(0, 3, "x"), Replacement(2, 4, "y")])


@given(
    st.lists(
        st.sampled_from(["Maria Garcia", "jane@example.org", "4111 1111 1111 1111"]),
        min_size=1,
        max_size=6,
    )
)
def test_redaction_removes_every_value_and_keeps_offsets(values: list[str]) -> None:
    text = " and ".join(values) + "."
    spans = [(s.start, s.end, s.entity) for s in scan_text(text)]
    for method in ("mask", "placeholder", "pseudonym", "fake"):
        new, offsets = redact(text, spans, method, key=KEY)  # type: ignore[arg-type]
        for (os_, oe, ns, ne), (s, e, _) in zip(offsets.spans(), spans, strict=True):
            assert (os_, oe) == (s, e)
            assert text[s:e] not in new[ns:ne] or method == "mask"
        if method != "mask":
            for v in set(values):
                assert v not in new


def test_placeholders_numbered_per_document() -> None:
    ph = Placeholders()
    assert [
        ph("PERSON", "Maria Garcia"),
        ph("PERSON", "Ann Lee"),
        ph("PERSON", "maria  garcia"),
    ] == ["<PERSON_1>", "<PERSON_2>", "<PERSON_1>"]
    assert Placeholders()("PERSON", "Ann Lee") == "<PERSON_1>"


def test_pseudonyms_are_keyed_and_consistent() -> None:
    a = pseudonym("EMAIL", "Jane@Example.org", KEY)
    assert a == pseudonym("EMAIL", "jane@example.org", KEY)
    assert a != pseudonym("EMAIL", "jane@example.org", b"other-key")
    with pytest.raises(ValueError):
        pseudonym("EMAIL", "jane@example.org", b"")


def test_fakes_keep_format_and_fail_checksums() -> None:
    from stdnum import iban, luhn

    card = fake_value("CARD", "4111 1111 1111 1111", KEY)
    assert len(card) == 19 and card[4] == " " and not luhn.is_valid(card.replace(" ", ""))
    assert card == fake_value("CARD", "4111 1111 1111 1111", KEY)
    fake_iban = fake_value("IBAN", "DE89370400440532013000", KEY)
    assert fake_iban[:2] == "DE" and not iban.is_valid(fake_iban)
    assert fake_value("EMAIL", "jane@corp.example", KEY).endswith("@example.com")
    assert len(fake_value("PERSON", "Maria Garcia", KEY).split()) == 2
    assert mask_value("4111 1111 1111 1111") == "•••• •••• •••• 1111"
