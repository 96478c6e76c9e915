"""XMP packets: finding, safe parsing, interpretation, hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detectors.license.cc_url import cc_url_to_spdx
from clearance.detectors.signals._rights import dmi_token, xmp_signals
from clearance.detectors.signals._xmp import (
    MAX_PACKET_BYTES,
    XmpError,
    find_packets,
    parse_packet,
    read_xmp,
)
from clearance.detectors.signals.xmp import XmpRightsDetector
from media_samples import RIGHTS_XMP, item, jpeg, png, webp, xmp_packet


def _signals(packet: bytes) -> set[tuple[str, str, str]]:
    (props,), problems = read_xmp(packet)
    assert problems == []
    return {(s.kind, s.value, s.rule) for s in xmp_signals(props)}


def test_rights_packet_reads_every_field() -> None:
    assert _signals(RIGHTS_XMP) == {
        ("optout", "DMI-PROHIBITED-AIMLTRAINING", "iptc/data-mining"),
        ("terms", "Contact licensing@example.com", "iptc/other-constraints"),
        ("terms", "Editorial use only. No AI training.", "xmp/usage-terms"),
        ("terms", "Keine KI-Nutzung", "xmp/usage-terms"),
        ("terms", "https://example.com/rights", "xmp/web-statement"),
        ("copyright", "rights-managed", "xmp/marked"),
        ("copyright", "© 2024 Jane Doe Photography", "xmp/dc-rights"),
        ("copyright", "Jane Doe", "xmp/dc-creator"),
        ("copyright", "Jane Doe Photography Ltd", "iptc/copyright-owner"),
        ("license", "CC-BY-NC-ND-4.0", "cc/license"),
    }


def test_x_default_language_comes_first() -> None:
    (props,), _ = read_xmp(RIGHTS_XMP)
    terms = [s.value for s in xmp_signals(props) if s.rule == "xmp/usage-terms"]
    assert terms[0] == "Editorial use only. No AI training."


@pytest.mark.parametrize(
    ("raw", "kind", "token"),
    [
        ("http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING", "optout", None),
        ("http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-GENAIMLTRAINING", "optout", None),
        ("http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED", "optout", None),
        (
            "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
            "optout",
            None,
        ),
        ("http://ns.useplus.org/ldf/vocab/DMI-ALLOWED", "terms", None),
        ("http://ns.useplus.org/ldf/vocab/DMI-UNSPECIFIED", "terms", None),
        # bare keys and mixed case, as found in the wild
        ("DMI-prohibited-AIMLtraining", "optout", "DMI-PROHIBITED-AIMLTRAINING"),
        ("prohibited", "optout", "DMI-PROHIBITED"),
        ("allowed", "terms", "DMI-ALLOWED"),
    ],
)
def test_data_mining_values(raw: str, kind: str, token: str | None) -> None:
    packet = xmp_packet(f'plus:DataMining="{raw}"')
    (signal,) = [s for s in _signals(packet) if s[2] == "iptc/data-mining"]
    assert signal[0] == kind
    assert signal[1] == (token or raw.rsplit("/", 1)[-1])


def test_unknown_data_mining_value_is_kept_at_low_confidence() -> None:
    (props,), _ = read_xmp(xmp_packet('plus:DataMining="maybe-later"'))
    (signal,) = xmp_signals(props)
    assert (signal.kind, signal.value, signal.rule) == (
        "terms",
        "DMI-MAYBE-LATER",
        "iptc/data-mining-unknown-value",
    )
    assert signal.confidence < 0.5


def test_marked_false_means_public_domain_and_tdm_reservation_in_xmp() -> None:
    packet = xmp_packet(
        'xmpRights:Marked="False" tdm:reservation="1" tdm:policy="https://example.com/p.json"'
    )
    assert _signals(packet) == {
        ("copyright", "public-domain", "xmp/marked"),
        ("optout", "tdm-reservation=1", "tdmrep/xmp"),
        ("terms", "https://example.com/p.json", "tdmrep/xmp-policy"),
    }
    assert _signals(xmp_packet('tdm:reservation="yes"')) == set()  # not 0/1: unset


def test_digital_source_type_marks_generated_media() -> None:
    packet = xmp_packet(
        'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/'
        'trainedAlgorithmicMedia"'
    )
    assert _signals(packet) == {
        ("provenance", "trainedAlgorithmicMedia", "iptc/digital-source-type")
    }


@pytest.mark.parametrize(
    ("url", "spdx"),
    [
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("http://creativecommons.org/licenses/by/3.0/us/", "CC-BY-3.0-US"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("https://creativecommons.org/publicdomain/mark/1.0/", "CC-PDM-1.0"),
        ("https://creativecommons.org/licenses/by-nc/2.5/xx/", None),  # no such port
        ("https://example.com/license", None),
    ],
)
def test_cc_urls_map_to_spdx(url: str, spdx: str | None) -> None:
    assert cc_url_to_spdx(url) == spdx


def test_dmi_token_normalises() -> None:
    assert dmi_token(" http://NS.useplus.org/LDF/vocab/dmi-allowed ") == "DMI-ALLOWED"


# --- hostile and damaged packets ----------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:rights>&lol3;</dc:rights>
</rdf:Description></rdf:RDF></x:xmpmeta>"""

EXTERNAL_ENTITY = b"""<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:rights>&xxe;</dc:rights>
</rdf:Description></rdf:RDF></x:xmpmeta>"""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # the byte search starts at <x:xmpmeta, so a DOCTYPE before it is left out and its
        # entities stay undefined: nothing is expanded or fetched
        (BILLION_LAUGHS, "undefined entity"),
        (EXTERNAL_ENTITY, "undefined entity"),
        (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF></x:xmpmeta>', "malformed XMP"),
        (RIGHTS_XMP[:300], "has no end tag"),
    ],
)
def test_hostile_or_broken_packets_are_reported_not_parsed(data: bytes, expected: str) -> None:
    packets, problems = read_xmp(b"\xff\xd8prefix" + data)
    assert packets == []
    assert len(problems) == 1 and expected in problems[0]


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_parser_refuses_dtds_outright(document: bytes) -> None:
    with pytest.raises(XmpError, match="hostile XMP refused"):
        parse_packet(document)


def test_deeply_nested_packet_is_an_error_not_a_crash() -> None:
    depth = 5000
    body = "<dc:rights>" * depth + "x" + "</dc:rights>" * depth
    packets, problems = read_xmp(xmp_packet("", body))
    assert packets == [] and problems == ["XMP nested too deeply to read"]


def test_oversized_packet_is_refused() -> None:
    huge = RIGHTS_XMP.replace(b"Jane Doe</rdf:li>", b"J" * (MAX_PACKET_BYTES + 10) + b"</rdf:li>")
    packets, problems = find_packets(huge)
    assert packets == [] and "over" in problems[0]


@settings(max_examples=150, deadline=None)
@given(prefix=st.binary(max_size=64), cut=st.integers(min_value=0, max_value=len(RIGHTS_XMP)))
def test_any_prefix_and_cut_never_raises(prefix: bytes, cut: int) -> None:
    packets, problems = read_xmp(prefix + RIGHTS_XMP[:cut])
    # Either the whole packet was there and parsed, or the cut is reported (or nothing began).
    assert len(packets) + len(problems) <= 1
    if cut == len(RIGHTS_XMP):
        assert len(packets) == 1


# --- the detector on real files ----------------------------------------------------------


def _rules(data: bytes, media_type: str) -> set[tuple[str, str]]:
    return {(f.kind, f.rule) for f in XmpRightsDetector().detect(item(data, media_type))}


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (jpeg(xmp=RIGHTS_XMP), "image/jpeg"),
        (png(xmp=RIGHTS_XMP), "image/png"),
        (png(xmp=RIGHTS_XMP, compressed=True), "image/png"),
        (webp(RIGHTS_XMP), "image/webp"),
        (RIGHTS_XMP, "text/plain"),  # an .xmp sidecar
    ],
    ids=["jpeg-app1", "png-itxt", "png-compressed-itxt", "webp", "sidecar"],
)
def test_detector_reads_xmp_in_each_container(data: bytes, media_type: str) -> None:
    rules = _rules(data, media_type)
    assert ("optout", "iptc/data-mining") in rules
    assert ("license", "cc/license") in rules


def test_detector_is_silent_without_xmp_and_reports_a_damaged_packet() -> None:
    assert _rules(jpeg(), "image/jpeg") == set()
    damaged = jpeg(xmp=RIGHTS_XMP.replace(b"</dc:rights>", b"</dc:rites>"))
    findings = list(XmpRightsDetector().detect(item(damaged, "image/jpeg")))
    assert [(f.kind, f.rule) for f in findings] == [("error", "xmp-unreadable")]
    assert "malformed XMP" in findings[0].evidence
