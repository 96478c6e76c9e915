"""Word marks in text: case and word boundaries, ®/™/℠, nominative vs branding, user lists
from the manifest and options, hostile input, and the guard's way of calling the detector."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detectors.base import DetectorContext, instantiate
from clearance.detectors.marks.marklist import (
    Mark,
    builtin_marks,
    load_marks_file,
    parse_marks,
)
from clearance.detectors.marks.matcher import MarkMatcher
from clearance.model.errors import ConfigError
from clearance.model.finding import Finding
from clearance.model.item import Item
from clearance.sources.manifest import parse_manifest

DATA = Path(__file__).parent / "data" / "marks"


def scan_text(
    text: str, context: DetectorContext | None = None, source: str = "s"
) -> list[Finding]:
    (detector,), _ = instantiate(["trademark"], context)
    item = Item.from_text(source=source, locator="t", uri="t", text=text, data=text.encode())
    return list(detector.detect(item))


def mark_of(value: str) -> str:
    """The mark part of a finding value ``"Nike (Nike, Inc.)"``."""
    return value.partition(" (")[0]


def found(text: str, **kw: object) -> list[tuple[str, str, str]]:
    return [(mark_of(f.value), text[f.start or 0 : f.end], f.rule) for f in scan_text(text, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I bought an Apple laptop.", ["Apple"]),
        ("Applesauce and pineapple are not marks.", []),
        ("an apple a day", []),  # case: exact, ordinary word
        ("APPLE ANNOUNCES EARNINGS", ["Apple"]),  # all caps still counts
        ("my new iPhone's screen", ["Apple"]),  # possessive keeps the boundary
        ("the_iPhone_case", []),  # underscores join words
        ("shopping at walmart today", ["Walmart"]),  # case: any
        ("We drank coca-cola", ["Coca-Cola"]),
        ("Coca-Colas everywhere", []),
        ("Windows 11 and Windows 10", ["Microsoft", "Microsoft"]),
        ("Pokémon cards", ["Nintendo"]),
        ("nothing here at all", []),
    ],
)
def test_case_and_boundaries(text: str, expected: list[str]) -> None:
    assert [v for v, _, _ in found(text)] == expected


@pytest.mark.parametrize(
    ("text", "symbol_rule"),
    [
        ("Nike® running shoes", "trademark/branding:symbol"),
        ("Starbucks™ coffee", "trademark/branding:symbol"),
        ("Uber℠ rides", "trademark/branding:symbol"),
        ("Adobe (R) Photoshop", "trademark/branding:symbol"),
        ("Netflix&trade; originals", "trademark/branding:symbol"),
        ("Intel<sup>®</sup> inside", "trademark/branding:symbol"),
    ],
)
def test_symbols(text: str, symbol_rule: str) -> None:
    findings = scan_text(text)
    assert findings[0].rule == symbol_rule
    assert "with " in findings[0].evidence  # the symbol is named in the evidence


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Case compatible with iPhone 15", "trademark/nominative:compatible-with"),
        ("An Xbox-compatible controller", "trademark/nominative:compatible"),
        ("Charger for iPhone", "trademark/nominative:for"),
        ("Our phone vs. Samsung flagship", "trademark/nominative:vs"),
        ("Genuine Lego bricks", "trademark/branding:genuine"),
        ("Heineken brand lager", "trademark/branding:brand-word"),
        ("<html><head><title>Rolex Submariner for sale</title>", "trademark/branding:html-title"),
        ("<h1 class='x'>Gucci bags</h1>", "trademark/branding:heading"),
        ("<figure><figcaption>A Ferrari at Monza</figcaption>", "trademark/branding:caption"),
        ('<img src="a.jpg" alt="Red Ferrari on track">', "trademark/branding:alt-text"),
        ("title: Adidas Ultraboost 22", "trademark/branding:title-line"),
        ("# Spotify playlists", "trademark/branding:title-line"),
        ("He drove a Toyota to work.", "trademark/mention"),
        ("</title><p>Toyota news", "trademark/mention"),  # the title is closed
        ("Compatible with Apple® devices", "trademark/nominative:compatible-with"),
    ],
)
def test_nominative_vs_branding(text: str, rule: str) -> None:
    assert found(text)[0][2] == rule


def test_finding_fields_for_counsel() -> None:
    text = "line one\nBuy the official Nike® store edition now"
    (finding,) = scan_text(text)
    assert finding.kind == "trademark"
    assert finding.value == "Nike (Nike, Inc.)"  # owner in the value: policies match on it
    assert text[finding.start or 0 : finding.end] == "Nike"
    assert finding.line == 2
    assert "official Nike® store" in finding.evidence
    assert "mark claimed by Nike, Inc." in finding.evidence
    assert "registered" not in finding.evidence  # the starter list claims no registration


def test_builtin_list_has_owners_and_no_registration_claims() -> None:
    marks = builtin_marks()
    assert len(marks) >= 50
    assert all(m.owner and m.owner != "(owner not given)" for m in marks)
    raw = (Path(__file__).parents[1] / "src/clearance/detectors/marks/data/marks.yaml").read_text()
    assert "registration" not in raw.split("marks:", 1)[1].lower()


def test_manifest_marks_file_is_relative_and_per_source(tmp_path: Path) -> None:
    manifest = parse_manifest(
        "version: 1\nsources:\n"
        "  - {name: shop, path: shop, marks: review-marks.yaml}\n"
        "  - {name: other, path: other}\n",
        base=DATA,
    )
    shop = manifest.sources[0]
    assert shop.marks == str(DATA / "review-marks.yaml")
    context = DetectorContext.build(manifest.sources)
    text = "Zentro Cloud® now runs on Zentrovia; visit the Gap store. mind the gap"
    hits = found(text, context=context, source="shop")
    assert [(v, s) for v, s, _ in hits] == [
        ("Zentrovia", "Zentro Cloud"),
        ("Zentrovia", "Zentrovia"),
        ("Gap", "Gap"),
    ]
    assert hits[0][2] == "trademark/branding:symbol"
    (first, *_) = scan_text(text, context=context, source="shop")
    assert "classes 9, 42" in first.evidence
    # another source of the same run does not get the shop's list
    assert [v for v, _, _ in found(text, context=context, source="other")] == []


def test_option_marks_inline_and_builtin_off() -> None:
    context = DetectorContext.build(
        marks=[{"mark": "Quirafex", "owner": "Quira Ltd"}], builtin_marks=False
    )
    assert [v for v, _, _ in found("Quirafex beats Nike", context=context)] == ["Quirafex"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"marks": [{"mark": "X", "ownr": "typo"}]}, "unknown key"),
        ({"marks": [{"owner": "Nobody"}]}, "'mark'"),
        ({"marks": [{"mark": "X", "case": "upper"}]}, "'case'"),
        ({"marks": "Nike"}, "list of entries"),
        ({"marks": [{"mark": "X", "variants": "Y"}]}, "list of strings"),
    ],
)
def test_bad_marks_lists_fail_at_start(data: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_marks(data, origin="list.yaml")


def test_unreadable_marks_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "marks.yaml"
    bad.write_text("marks: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"marks\.yaml"):
        instantiate(["trademark"], DetectorContext.build(marks=str(bad)))


def test_bad_marks_file_names_the_line_to_fix(tmp_path: Path) -> None:
    listing = tmp_path / "marks.yaml"
    listing.write_text(
        "marks:\n"
        "  - mark: Quirafex\n"
        "    owner: Quirafex Ltd\n"
        "  - mark: Zentrova\n"
        "    case: upper\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_marks_file(listing)
    assert error.value.line == 5
    assert str(error.value).startswith(f"{listing}:5: marks[1]: 'case'")


def test_bare_list_marks_file_names_the_line_of_the_bad_key(tmp_path: Path) -> None:
    listing = tmp_path / "marks.yaml"
    listing.write_text("- Quirafex\n- mark: Zentrova\n  ownr: typo\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key") as error:
        load_marks_file(listing)
    assert error.value.line == 3


def test_hostile_input_does_not_crash() -> None:
    huge_line = ("Nike" * 50_000) + " Nike " + "x" * 200_000
    findings = scan_text(huge_line)
    assert [mark_of(f.value) for f in findings] == ["Nike"]
    weird = "\x00\ufeffİstanbul ™® (R) Apple\u0301 \U0001f600Nike\u200b" + "İ" * 1000 + " Nike"
    values = [mark_of(f.value) for f in scan_text(weird)]
    assert values.count("Nike") == 2
    assert scan_text("") == []


def test_guard_style_use_on_model_output() -> None:
    """The guard instantiates the detector by name and feeds it model output as text."""
    output = "Sure! Here is a slogan for your sneakers: Just Do It, like Nike® says."
    values = [mark_of(f.value) for f in scan_text(output)]
    assert values == ["Nike", "Nike"]


_MARKS = [Mark("Acme", "A"), Mark("Acme Rockets", "B"), Mark("Zeta", "C", case="exact")]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Acme", "acme", "Acme Rockets", "Zeta", "zeta", "İ", " ", "x", ".", "ß", "\n"]
        ),
        max_size=30,
    )
)
def test_offsets_point_at_the_mark(parts: list[str]) -> None:
    text = "".join(parts)
    hits = MarkMatcher(_MARKS).find(text)
    previous_end = 0
    for hit in hits:
        surface = text[hit.start : hit.end]
        assert surface.lower() in {s.lower() for s in hit.mark.spellings}
        assert hit.start >= previous_end  # non-overlapping, in order
        previous_end = hit.end
        before = text[hit.start - 1] if hit.start else " "
        after = text[hit.end] if hit.end < len(text) else " "
        assert not (before.isalnum() or after.isalnum())


def test_line_numbers_of_several_hits() -> None:
    text = "Nike\n\nNike and Adidas\nx\nNike"
    assert [(mark_of(f.value), f.line) for f in scan_text(text)] == [
        ("Nike", 1),
        ("Nike", 3),
        ("Adidas", 3),
        ("Nike", 5),
    ]
