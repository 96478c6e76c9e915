"""TDMRep tdmrep.json parsing and location matching (spec: first matching rule wins)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.detectors.signals.tdmrep import location_pattern, parse_well_known

_PATH_CHARS = st.sampled_from(list("abcxyz/.-_~0129"))


@given(st.text(_PATH_CHARS, min_size=1, max_size=20), st.text(_PATH_CHARS, max_size=30))
def test_a_plain_location_is_a_path_prefix(location: str, path: str) -> None:
    location = "/" + location
    path = "/" + path
    assert bool(location_pattern(location).match(path)) == path.startswith(location)


@given(st.text(_PATH_CHARS, max_size=10), st.text(_PATH_CHARS, max_size=10))
def test_star_matches_any_run_and_dollar_anchors(head: str, tail: str) -> None:
    assert location_pattern(f"/{head}*.jpg").match(f"/{head}{tail}.jpg")
    assert location_pattern("/a/*.jpg$").match(f"/a/{tail}.jpg")
    assert not location_pattern("/a/*.jpg$").match(f"/a/{tail}.jpg?x=1")


def test_special_characters_are_literal_and_percent_encoding_is_undone() -> None:
    assert location_pattern("/a+b(c)/").match("/a+b(c)/d")
    assert not location_pattern("/a+b(c)/").match("/aab(c)/d")
    assert location_pattern("/caf%C3%A9/").match("/café/menu")


def test_first_matching_rule_wins_and_odd_values_are_unset() -> None:
    rules = parse_well_known(
        b'[{"location": "/img/*.png", "tdm-reservation": 0},'
        b' {"location": "/img/", "tdm-reservation": 1, "tdm-policy": "https://p.example/p"},'
        b' {"location": "/x", "tdm-reservation": true},'
        b' {"location": "/y", "tdm-reservation": "1"},'
        b' {"tdm-reservation": 1}, 42]'
    )
    assert [(r.location, r.reservation, r.policy) for r in rules] == [
        ("/img/*.png", 0, None),
        ("/img/", 1, "https://p.example/p"),
        ("/x", None, None),  # a JSON boolean is not 0 or 1
        ("/y", 1, None),  # lenient: the string "1"
    ]
    first = next(r for r in rules if r.pattern.match("/img/cat.png"))
    assert first.reservation == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not JSON"),
        (b'{"location": "/", "tdm-reservation": 1}', "expected a JSON array"),
        (b'[{"tdm-reservation": 1}]', "no rule has a string 'location'"),
        (b"\xff\xfe\x00garbage", "not JSON"),
    ],
)
def test_malformed_files_say_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_well_known(data)


def test_a_bom_and_an_empty_array_are_accepted() -> None:
    assert (
        parse_well_known(b'\xef\xbb\xbf[{"location": "/", "tdm-reservation": 1}]')[0].reservation
        == 1
    )
    assert parse_well_known(b"[]") == []
