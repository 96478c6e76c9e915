"""Regression tests for the license matcher's reference data, pre-check and tokenizer.

Each test pins a class of miss found with ``benchmarks/license_detection.py --errors``: rules
newer than ``licensedcode-data``, exception texts whose front matter leaked into the
reference, bare ids and URLs, informal grants without the word "license", one-word ids,
bundled copies of one text inflating coverage. Texts come from the shipped LicenseDB data
(``licensedcode-data`` and our delta) or from installed packages.
"""

from __future__ import annotations

import re
from importlib import metadata

from hypothesis import given
from hypothesis import strategies as st

from clearance.detectors.base import instantiate
from clearance.detectors.license.textmatch import anchors, refdata
from clearance.detectors.license.textmatch import index as license_index
from clearance.model import Finding, Item

ASSERTED = 0.5  # below this a finding is a clue for review (see license_bench/ours.py)


def _findings(text: str) -> list[Finding]:
    (detector,), _ = instantiate(["license-text"])
    item = Item.from_text(source="t", locator="f", uri="f", text=text, data=text.encode())
    return list(detector.detect(item))


def _asserted(text: str) -> set[str]:
    return {f.value for f in _findings(text) if f.confidence >= ASSERTED}


def _body(relative: str) -> str:
    """The text of a LicenseDB file as the index reads it (installed data + shipped delta)."""
    raw = dict(refdata.files())[relative]
    return refdata.split_text(raw)[1].replace("{{", "").replace("}}", "")


def test_the_shipped_delta_is_newer_than_the_installed_data_and_applied() -> None:
    delta = refdata.delta()
    assert delta is not None and delta.version == "32.5.0"
    assert refdata.data_label().endswith("+sc32.5.0")
    names = {name for name, _ in refdata.files()}
    assert "licenses/moonshot-ai-modified-mit-2025.LICENSE" in names  # added in 32.5
    assert not names & delta.removed  # removed in 32.5


def test_a_license_added_after_licensedcode_data_is_detected() -> None:
    text = _body("licenses/moonshot-ai-modified-mit-2025.LICENSE")
    assert _asserted(text) == {"LicenseRef-scancode-moonshot-ai-modified-mit-2025"}


def test_front_matter_with_rows_of_dashes_does_not_leak_into_the_text() -> None:
    raw = (refdata.data_dir() / "licenses/aptana-exception-3.0.LICENSE").read_text("utf-8")
    front, body = refdata.split_text(raw)
    assert front["key"] == "aptana-exception-3.0"
    assert "standard_notice" not in body and "key:" not in body
    assert _asserted(body) == {"LicenseRef-scancode-aptana-exception-3.0"}


def test_exception_texts_are_reported_as_the_exception() -> None:
    for key, expected in [
        ("bootloader-exception", "Bootloader-exception"),
        ("ada-linking-exception", "GNAT-exception"),
    ]:
        assert _asserted(_body(f"licenses/{key}.LICENSE")) == {expected}, key


def test_bare_ids_and_urls_alone_declare_their_license() -> None:
    assert _asserted("WTFPL\n") == {"WTFPL"}
    assert _asserted("BSL-1.0") == {"BSL-1.0"}
    assert _asserted("http://www.mozilla.org/MPL/2.0/\n") == {"MPL-2.0"}
    assert _asserted("the GPL") == {"GPL-1.0-or-later"}


def test_a_one_word_id_inside_prose_is_no_license() -> None:
    assert _asserted("We wtfpl about it every day, said the maintainer of the tool.") == set()
    assert _asserted("Why did Linus choose the GPL for the kernel?") == set()


def test_informal_grants_without_the_word_license_pass_the_pre_check() -> None:
    for relative in (
        "rules/other-permissive_392.RULE",  # "All code is free to use as you please"
        "licenses/diffmark.LICENSE",
        "licenses/dl-de-by-1-0-de.LICENSE",  # German: "Datenlizenz Deutschland"
    ):
        text = _body(relative)
        assert _findings(text), relative


def test_bundled_copies_of_the_mit_text_are_mit_not_a_longer_mit_variant() -> None:
    # ruff ships one LICENSE with its own MIT text and ~100 bundled MIT/BSD/Apache notices;
    # counting repeated n-grams once per copy made it "cover" longer MIT-based licenses.
    dist = metadata.distribution("ruff")
    path = next(f for f in dist.files or [] if f.name == "LICENSE")
    text = path.read_text(encoding="utf-8")
    values = _asserted(text)
    assert "MIT" in values
    assert not any("moonshot" in v for v in values)
    mit = _body("licenses/mit.LICENSE")
    many = "\n\n".join(f"Copyright (c) 20{n:02d} Author {n}\n\n{mit}" for n in range(4))
    assert _asserted(many) == {"MIT"}


def test_every_reference_holds_an_anchor_word() -> None:
    # All but a few informal one-liners ("use as you please", "you may not sell copies"),
    # which shorter items are matched without (items of 64 bytes or less always are).
    index = license_index.load()
    references = [r for r in refdata.references() if r.kind != "false-positive"]
    missing = [
        r.name
        for r in references
        if index.anchors.isdisjoint(license_index.words(r.text))
        and len(r.text.strip().encode()) > 64
    ]
    assert len(missing) <= 0.0015 * len(references), missing


def test_items_without_anchor_words_are_skipped_and_others_are_not() -> None:
    index = license_index.load()
    byte_anchors = anchors.byte_anchors(index.anchors)
    prose = b"The quick brown fox jumps over the lazy dog, again and again. " * 20
    assert not anchors.may_match(prose, byte_anchors)
    assert anchors.may_match(prose + b" Licensed under the Apache License.", byte_anchors)
    assert anchors.may_match(b"SPDX: GPLv2+ or later " * 5, byte_anchors)
    assert _findings(prose.decode()) == []


_REGEX_TOKEN = re.compile(r"[^\W_]+\+?")


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_tokens_and_their_offsets_agree_with_the_reference_regex(text: str) -> None:
    tokens = license_index.words(text)
    assert tokens == _REGEX_TOKEN.findall(text.lower())
    starts, ends = license_index.word_offsets(text, tokens)
    lowered = text.lower()
    assert len(starts) == len(ends) == len(tokens)
    if len(lowered) == len(text):
        assert [lowered[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)] == tokens


@given(st.text(alphabet="ab +-_.\n\tÉé\u2019", max_size=200))
def test_tokenizer_on_separator_heavy_text(text: str) -> None:
    tokens = license_index.words(text)
    assert tokens == _REGEX_TOKEN.findall(text.lower())
    starts, ends = license_index.word_offsets(text, tokens)
    assert [
        text.lower()[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ] == tokens


def test_a_license_expression_folded_over_two_yaml_lines_is_read_whole() -> None:
    name = (
        "rules/unicode-icu-58_and_unicode_and_mit-old-style-no-advert_and_gpl-3.0-plus"
        "_with_autoconf-simple-exception_1.RULE"
    )
    raw = dict(refdata.files())[name]
    front, body = refdata.split_text(raw)
    assert str(front["license_expression"]).endswith("WITH autoconf-simple-exception")
    (value,) = _asserted(body.replace("{{", "").replace("}}", ""))
    assert value.endswith("GPL-3.0-or-later WITH Autoconf-exception-generic-3.0")
