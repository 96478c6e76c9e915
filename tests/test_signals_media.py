"""EXIF/IPTC-IIM/PNG text, audio tags, PDF metadata and C2PA manifests on real files."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from mutagen.id3 import TCOP, TPUB, TXXX, WCOP

from clearance.detectors.signals.audio_tags import AudioTagsDetector
from clearance.detectors.signals.c2pa_manifest import C2paDetector
from clearance.detectors.signals.epub import EpubRightsDetector
from clearance.detectors.signals.exif import ExifRightsDetector
from clearance.detectors.signals.pdf import PdfRightsDetector
from clearance.model.finding import Finding
from media_samples import (
    RIGHTS_XMP,
    c2pa_signed_jpeg,
    epub,
    flac,
    item,
    jpeg,
    mp3,
    opf,
    pdf,
    png,
    tiff,
    xmp_packet,
)


def _triples(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.rule) for f in findings}


# --- EXIF, IPTC-IIM, PNG text ------------------------------------------------------------


def test_exif_copyright_artist_and_iptc_iim() -> None:
    data = jpeg(
        copyright="(c) 2023 Jane Doe\x00Edited by Acme Agency",  # EXIF Copyright is ASCII
        artist="Jane Doe",
        iim={(2, 116): "(c) 2023 Jane Doe / Acme", (2, 80): "Jane Doe"},
    )
    findings = list(ExifRightsDetector().detect(item(data, "image/jpeg")))
    assert _triples(findings) == {
        ("copyright", "(c) 2023 Jane Doe", "exif/copyright"),
        ("copyright", "Edited by Acme Agency", "exif/copyright"),
        ("copyright", "Jane Doe", "exif/artist"),
        ("copyright", "(c) 2023 Jane Doe / Acme", "iptc-iim/copyright-notice"),
        ("copyright", "Jane Doe", "iptc-iim/by-line"),
    }
    assert all(f.detector == "exif-rights" for f in findings)


def test_png_text_and_tiff_exif() -> None:
    found = _triples(
        list(
            ExifRightsDetector().detect(
                item(png(Copyright="CC BY 4.0, Jane Doe", Author="Jane"), "image/png")
            )
        )
    )
    assert found == {
        ("copyright", "CC BY 4.0, Jane Doe", "png/copyright"),
        ("copyright", "Jane", "png/author"),
    }
    found = _triples(
        list(ExifRightsDetector().detect(item(tiff(copyright="Acme Corp"), "image/tiff")))
    )
    assert found == {("copyright", "Acme Corp", "exif/copyright")}


def test_plain_image_has_no_findings_and_a_damaged_one_is_an_error() -> None:
    detector = ExifRightsDetector()
    assert list(detector.detect(item(jpeg(), "image/jpeg"))) == []
    damaged = jpeg(copyright="x")[:40]  # cut inside the EXIF segment
    (finding,) = detector.detect(item(damaged, "image/jpeg"))
    assert (finding.kind, finding.rule) == ("error", "image-unreadable")


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size; its pixels are never read."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + png(Copyright="x")[33:]  # the rest of a real PNG: its tEXt, IDAT and IEND chunks
    )


def test_decompression_bomb_header_is_an_error_not_a_crash() -> None:
    bomb = _png_claiming(100_000, 100_000)  # 10^10 pixels: Pillow refuses to open it
    (finding,) = ExifRightsDetector().detect(item(bomb, "image/png"))
    assert (finding.kind, finding.rule) == ("error", "image-unreadable")
    assert "DecompressionBomb" in finding.evidence


def test_the_example_corpus_photo() -> None:
    data = (Path(__file__).parent.parent / "examples/images/photo-exif.jpg").read_bytes()
    found = _triples(list(ExifRightsDetector().detect(item(data, "image/jpeg"))))
    assert {kind for kind, _, _ in found} == {"copyright"}
    assert any(rule == "exif/artist" for _, _, rule in found)


# --- audio ---------------------------------------------------------------------------------


def test_mp3_id3_copyright_and_license_frames(tmp_path: Path) -> None:
    data = mp3(
        tmp_path / "a.mp3",
        [
            TCOP(encoding=3, text="2024 Example Records"),
            WCOP(url="https://creativecommons.org/licenses/by-nc/4.0/"),
            TXXX(encoding=3, desc="LICENSE", text="All rights reserved"),
            TPUB(encoding=3, text="Example Records Ltd"),
        ],
    )
    found = _triples(list(AudioTagsDetector().detect(item(data, "audio/mpeg"))))
    assert found == {
        ("copyright", "2024 Example Records", "audio/copyright"),
        ("license", "CC-BY-NC-4.0", "audio/license"),
        ("license", "All rights reserved", "audio/license-unrecognised"),
        ("terms", "Example Records Ltd", "audio/publisher"),
    }


def test_flac_vorbis_comments(tmp_path: Path) -> None:
    data = flac(tmp_path / "a.flac", {"COPYRIGHT": "(c) 2023 Someone", "LICENSE": "CC-BY-SA-4.0"})
    found = _triples(list(AudioTagsDetector().detect(item(data, "audio/flac"))))
    assert found == {
        ("copyright", "(c) 2023 Someone", "audio/copyright"),
        ("license", "CC-BY-SA-4.0", "audio/license"),
    }


def test_untagged_audio_is_silent(tmp_path: Path) -> None:
    data = flac(tmp_path / "plain.flac", {})
    assert list(AudioTagsDetector().detect(item(data, "audio/flac"))) == []


def test_truncated_mp3_and_flac_are_errors(tmp_path: Path) -> None:
    data = mp3(tmp_path / "cut.mp3", [TCOP(encoding=3, text="2024 Example Records")])
    findings = list(AudioTagsDetector().detect(item(data[:30], "audio/mpeg")))
    assert ("error", "audio-truncated") in {(f.kind, f.rule) for f in findings}
    cut_flac = flac(tmp_path / "cut.flac", {"COPYRIGHT": "x"})[:20]
    findings = list(AudioTagsDetector().detect(item(cut_flac, "audio/flac")))
    assert [(f.kind, f.rule) for f in findings] == [("error", "audio-truncated")]


# --- PDF -----------------------------------------------------------------------------------

PDF_XMP = xmp_packet(
    'tdm:reservation="1" tdm:policy="https://example.com/tdm-policy.json"',
    '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© ACME Journal</rdf:li></rdf:Alt>'
    "</dc:rights>",
)


@pytest.mark.parametrize("compress", [True, False], ids=["flate-xmp", "plain-xmp"])
def test_pdf_info_and_xmp(compress: bool) -> None:
    data = pdf(
        {"/Title": "Paper", "/Copyright": "(c) 2021 ACME Corp", "/License": "CC-BY-4.0"},
        PDF_XMP,
        compress=compress,
    )
    found = _triples(list(PdfRightsDetector().detect(item(data, "application/pdf"))))
    assert found == {
        ("copyright", "(c) 2021 ACME Corp", "pdf-info/copyright"),
        ("license", "CC-BY-4.0", "pdf-info/license"),
        ("optout", "tdm-reservation=1", "tdmrep/xmp"),
        ("terms", "https://example.com/tdm-policy.json", "tdmrep/xmp-policy"),
        ("copyright", "© ACME Journal", "xmp/dc-rights"),
    }


def test_pdf_without_rights_is_silent_and_damaged_pdfs_are_errors() -> None:
    detector = PdfRightsDetector()
    assert list(detector.detect(item(pdf({"/Title": "Plain"}), "application/pdf"))) == []
    whole = pdf({"/Copyright": "x"}, RIGHTS_XMP)
    for damaged in (whole[: len(whole) // 2], b"%PDF-1.7\n%garbage\n"):
        (finding,) = detector.detect(item(damaged, "application/pdf"))
        assert (finding.kind, finding.rule) == ("error", "pdf-unreadable")


def test_pdf_with_a_hostile_xmp_stream() -> None:
    hostile = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>&bad;</rdf:RDF></x:xmpmeta>'
    data = pdf({"/Copyright": "(c) ACME"}, hostile)
    found = {(f.kind, f.rule) for f in PdfRightsDetector().detect(item(data, "application/pdf"))}
    assert found == {("copyright", "pdf-info/copyright"), ("error", "xmp-unreadable")}


# --- C2PA ----------------------------------------------------------------------------------

TRAINING = [
    {
        "label": "cawg.training-mining",
        "data": {
            "entries": {
                "cawg.ai_generative_training": {"use": "notAllowed"},
                "cawg.ai_training": {"use": "constrained", "constraint_info": "ask first"},
                "cawg.data_mining": {"use": "allowed"},
            }
        },
    },
    {
        "label": "c2pa.training-mining",
        "data": {"entries": {"c2pa.ai_inference": {"use": "notAllowed"}}},
    },
]


@pytest.fixture(scope="module")
def signed() -> bytes:
    return c2pa_signed_jpeg(TRAINING)


def test_signed_manifest_training_assertions(signed: bytes) -> None:
    findings = list(C2paDetector().detect(item(signed, "image/jpeg")))
    assert _triples(findings) == {
        ("provenance", "Valid", "c2pa/manifest"),
        ("provenance", "digitalCapture", "c2pa/digital-source-type"),
        ("optout", "cawg.ai_generative_training:notAllowed", "c2pa/cawg.training-mining"),
        ("optout", "cawg.ai_training:constrained", "c2pa/cawg.training-mining"),
        ("terms", "cawg.data_mining:allowed", "c2pa/cawg.training-mining"),
        ("optout", "c2pa.ai_inference:notAllowed", "c2pa/c2pa.training-mining"),
    }
    constrained = next(f for f in findings if f.value == "cawg.ai_training:constrained")
    assert "ask first" in constrained.evidence
    assert "signer not on a trust list" in constrained.evidence
    assert all(f.confidence >= 0.9 for f in findings)


def test_signed_png() -> None:
    data = c2pa_signed_jpeg(TRAINING[:1], source=png(), media_type="image/png")
    found = _triples(list(C2paDetector().detect(item(data, "image/png"))))
    assert ("optout", "cawg.ai_training:constrained", "c2pa/cawg.training-mining") in found


def test_tampered_image_fails_validation(signed: bytes) -> None:
    tampered = bytearray(signed)
    tampered[-10] ^= 0xFF  # a pixel byte: the hard binding no longer matches
    findings = list(C2paDetector().detect(item(bytes(tampered), "image/jpeg")))
    (error,) = [f for f in findings if f.kind == "error"]
    assert error.rule == "c2pa-invalid" and "dataHash.mismatch" in error.evidence
    optouts = [f for f in findings if f.kind == "optout"]
    assert optouts and all(f.confidence < 0.5 for f in optouts)


def test_corrupt_manifest_store_is_an_error(signed: bytes) -> None:
    broken = bytearray(signed)
    at = broken.find(b"jumb")
    broken[at + 40 : at + 400] = b"A" * 360
    (finding,) = C2paDetector().detect(item(bytes(broken), "image/jpeg"))
    assert (finding.kind, finding.rule) == ("error", "c2pa-invalid")


def test_no_manifest_means_no_findings() -> None:
    detector = C2paDetector()
    assert list(detector.detect(item(jpeg(), "image/jpeg"))) == []
    # the marker alone (e.g. in a comment) is not a manifest
    mentions = jpeg(copyright="see c2pa.org")
    assert list(detector.detect(item(mentions, "image/jpeg"))) == []


def test_c2pa_is_an_extra_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from clearance.model.errors import MissingDependency

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "c2pa" else real(name, *a)
    )
    with pytest.raises(MissingDependency, match=r"pip install 'clearance\[c2pa\]'"):
        C2paDetector()
    from clearance.detectors.base import resolve

    assert "c2pa" not in resolve(None)  # "all detectors" leaves out what cannot run
    with pytest.raises(MissingDependency):
        from clearance.detectors.base import instantiate

        instantiate(["c2pa"])


def test_manifest_without_training_assertion_gives_provenance_only() -> None:
    data = c2pa_signed_jpeg([], source_type="trainedAlgorithmicMedia")
    warc_member = item(data, "image/jpeg", name="crawl.warc.gz#urn:uuid:1")
    findings = list(C2paDetector().detect(warc_member))
    assert _triples(findings) == {
        ("provenance", "Valid", "c2pa/manifest"),
        ("provenance", "trainedAlgorithmicMedia", "c2pa/digital-source-type"),  # AI-generated
    }
    assert "clearance-tests" in findings[0].evidence  # the claim generator


# --- EPUB ----------------------------------------------------------------------------------


def test_epub_tdmrep_rights_and_license_link() -> None:
    data = epub(
        opf(
            "<dc:title>Book</dc:title><dc:rights>© 2022 Example Press</dc:rights>"
            '<meta property="tdm:reservation">1</meta>'
            '<meta property="tdm:policy">https://press.example/tdm.json</meta>'
            '<link rel="license" href="https://creativecommons.org/licenses/by-nd/4.0/"/>'
        )
    )
    found = _triples(list(EpubRightsDetector().detect(item(data, "application/epub+zip"))))
    assert found == {
        ("copyright", "© 2022 Example Press", "epub/dc-rights"),
        ("optout", "tdm-reservation=1", "tdmrep/epub"),
        ("terms", "https://press.example/tdm.json", "tdmrep/epub-policy"),
        ("license", "CC-BY-ND-4.0", "epub/license-link"),
    }


def test_epub2_meta_and_unset_values() -> None:
    data = epub(
        opf('<meta name="tdm:reservation" content="0"/><meta property="tdm:reservation">y</meta>')
    )
    found = _triples(list(EpubRightsDetector().detect(item(data, "application/epub+zip"))))
    assert found == {("terms", "tdm-reservation=0", "tdmrep/epub")}  # "y" is not 0/1: unset


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (epub(opf("<dc:rights>cut")), "malformed XML"),
        (
            epub('<!DOCTYPE p [<!ENTITY e "x">]><package><metadata>&e;</metadata></package>'),
            "hostile XML refused",
        ),
        (epub(opf(""), container="<container/>"), "names no package document"),
        (epub("<package>" + "<x/>" * 1_100_000 + "</package>"), "inflates past"),
        (b"PK\x03\x04 not really a zip", "BadZipFile"),
    ],
    ids=["malformed", "dtd", "no-rootfile", "zip-bomb", "not-a-zip"],
)
def test_damaged_or_hostile_epubs_are_errors(data: bytes, message: str) -> None:
    (finding,) = EpubRightsDetector().detect(item(data, "application/epub+zip"))
    assert (finding.kind, finding.rule) == ("error", "epub-unreadable")
    assert message in finding.evidence
