"""Watermarks and credit lines read by Tesseract OCR from pictures rendered here: agency
names stamped semi-transparently, © lines, PREVIEW overlays, and pictures without any."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from clearance.detectors.base import DetectorContext, instantiate
from clearance.detectors.marks import watermarks
from clearance.detectors.marks.tilt import unrotate_box
from clearance.model.errors import MissingDependency
from clearance.model.finding import Finding
from clearance.model.item import Item
from logo_images import background, font, jpeg, overlay_text, png, tilted_text


@pytest.fixture(scope="module")
def detector():  # type: ignore[no-untyped-def]
    (found,), _ = instantiate(["watermark"], DetectorContext())
    return found


def scan(detector, image: Image.Image, quality: int = 85) -> list[Finding]:  # type: ignore[no-untyped-def]
    item = Item.from_bytes(
        source="s", locator="w", uri="w", media_type="image/jpeg", data=jpeg(image, quality)
    )
    return list(detector.detect(item))


def rules(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.rule, f.value) for f in findings}


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("Shutterstock", "Shutterstock"),
        ("gettyimages", "Getty Images"),
        ("Alamy Stock Photo", "Alamy"),
        ("dreamstime.com", "Dreamstime"),
        ("iStock", "iStock"),
    ],
)
def test_agency_watermark_over_a_picture(detector, text: str, agency: str) -> None:  # type: ignore[no-untyped-def]
    image = overlay_text(background(11), text, at=(160, 250), size=72, alpha=200)
    findings = scan(detector, image)
    agencies = {f.value for f in findings if f.rule.startswith("watermark/agency")}
    assert agency in agencies
    (finding,) = [f for f in findings if f.value == agency]
    assert finding.kind == "watermark"
    x, y, w, h = finding.bbox or (0, 0, 0, 0)
    left, top, right, bottom = ImageDraw.Draw(image).textbbox((160, 250), text, font=font(72))
    # where it was stamped: the box's centre is on the text, the box about as wide
    assert left <= x + w / 2 <= right and top - 20 <= y + h / 2 <= bottom + 20
    assert abs(w - (right - left)) < 0.3 * (right - left)


def test_credit_line_in_a_corner(detector) -> None:  # type: ignore[no-untyped-def]
    image = overlay_text(
        background(12), "© 2024 Jane Doe / Reuters", at=(20, 540), size=30, alpha=240
    )
    found = rules(scan(detector, image))
    assert ("watermark/credit-line", "credit-line") in found
    assert ("watermark/agency", "Reuters") in found


@pytest.mark.parametrize("word", ["PREVIEW", "SAMPLE"])
def test_preview_overlay(detector, word: str) -> None:  # type: ignore[no-untyped-def]
    image = overlay_text(background(13), word, at=(200, 220), size=110, alpha=170)
    assert ("watermark/overlay", word.lower()) in rules(scan(detector, image))


def test_dark_text_on_light_picture(detector) -> None:  # type: ignore[no-untyped-def]
    light = Image.blend(background(14), Image.new("RGB", (800, 600), (240, 240, 240)), 0.7)
    image = overlay_text(
        light, "Adobe Stock", at=(180, 260), size=72, alpha=200, colour=(20, 20, 20)
    )
    assert "Adobe Stock" in {f.value for f in scan(detector, image)}


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_pictures_without_watermarks(detector, seed: int) -> None:  # type: ignore[no-untyped-def]
    assert scan(detector, background(seed)) == []


def test_ordinary_text_is_not_a_watermark(detector) -> None:  # type: ignore[no-untyped-def]
    image = overlay_text(background(24), "Happy birthday Anna", at=(150, 250), size=64, alpha=230)
    assert scan(detector, image) == []


def test_option_adds_an_agency(detector) -> None:  # type: ignore[no-untyped-def]
    (custom,), _ = instantiate(
        ["watermark"], DetectorContext.build(watermark_agencies=["Fotoquarz"])
    )
    image = overlay_text(background(15), "Fotoquarz", at=(160, 250), size=72, alpha=220)
    # OCR may garble a letter ("Fot-quarz"): the fuzzy rule still names the agency
    assert {v for r, v in rules(scan(custom, image)) if r.startswith("watermark/agency")} == {
        "Fotoquarz"
    }


def test_broken_image_is_an_error_finding(detector) -> None:  # type: ignore[no-untyped-def]
    item = Item.from_bytes(
        source="s", locator="b", uri="b", media_type="image/png", data=b"\x89PNG\r\n"
    )
    (finding,) = detector.detect(item)
    assert (finding.kind, finding.rule) == ("error", "unreadable-image")


def test_small_images_are_read_too(detector) -> None:  # type: ignore[no-untyped-def]
    small = overlay_text(
        Image.new("RGB", (320, 90), (40, 60, 90)), "shutterstock", at=(10, 20), size=40
    )
    item = Item.from_bytes(
        source="s", locator="p", uri="p", media_type="image/png", data=png(small)
    )
    assert "Shutterstock" in {f.value for f in detector.detect(item)}


def test_missing_tesseract_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        watermarks.shutil, "which", lambda name: None if name == "tesseract" else real_which(name)
    )
    with pytest.raises(MissingDependency) as raised:
        watermarks.WatermarkDetector()
    message = str(raised.value)
    assert "apt-get install tesseract-ocr" in message
    assert "pip install 'clearance[ocr]'" in message


def test_all_detectors_leaves_watermark_out_without_tesseract(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from clearance.detectors.base import resolve

    assert "watermark" in resolve(None)
    monkeypatch.setattr(watermarks.shutil, "which", lambda name: None)
    assert "watermark" not in resolve(None)
    assert "trademark" in resolve(None)


@pytest.mark.parametrize(
    ("text", "angle", "seed", "expected"),
    [
        ("PREVIEW", 30, 57, ("watermark/overlay", "preview")),
        ("PREVIEW", 15, 56, ("watermark/overlay", "preview")),
        ("SAMPLE", -45, 51, ("watermark/overlay", "sample")),
        ("iStock", 40, 53, ("watermark/agency", "iStock")),
    ],
)
def test_tilted_overlay_is_levelled_and_read(  # type: ignore[no-untyped-def]
    detector, text: str, angle: float, seed: int, expected: tuple[str, str]
) -> None:
    image, (cx, cy) = tilted_text(background(seed), text, angle=angle, size=90)
    findings = scan(detector, image)
    assert expected in rules(findings)
    (finding,) = [f for f in findings if (f.rule, f.value) == expected]
    assert "tilted" in finding.evidence
    x, y, w, h = finding.bbox or (0, 0, 0, 0)
    # the box, mapped back from the levelled copy, sits on the stamp in the original picture
    assert abs(x + w / 2 - cx) < 60 and abs(y + h / 2 - cy) < 60


@pytest.mark.parametrize(
    ("text", "angle", "seed"), [("Happy birthday Anna", 30, 54), ("Summer holidays", -40, 55)]
)
def test_tilted_ordinary_text_is_not_a_watermark(  # type: ignore[no-untyped-def]
    detector, text: str, angle: float, seed: int
) -> None:
    image, _ = tilted_text(background(seed), text, angle=angle, size=90)
    assert scan(detector, image) == []


@pytest.mark.parametrize("seed", [22, 41])
def test_pictures_without_text_cost_no_extra_ocr(  # type: ignore[no-untyped-def]
    detector, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = watermarks._words
    monkeypatch.setattr(watermarks, "_words", lambda image: calls.append(1) or real(image))
    assert scan(detector, background(seed)) == []
    assert len(calls) == 3  # the upright versions only: no tilt found, no levelled reading


@settings(max_examples=40, deadline=None)
@given(
    st.integers(60, 400),
    st.integers(60, 300),
    st.floats(-60, 60),
    st.floats(0.1, 0.9),
    st.floats(0.1, 0.9),
)
def test_boxes_map_back_from_a_levelled_copy(
    width: int, height: int, angle: float, fx: float, fy: float
) -> None:
    """A dot found in ``Image.rotate(angle, expand=True)`` maps back onto the dot."""
    px, py = int(width * fx), int(height * fy)
    image = Image.new("L", (width, height), 0)
    ImageDraw.Draw(image).rectangle((px - 2, py - 2, px + 2, py + 2), fill=255)
    turned = image.rotate(angle, expand=True)
    found = turned.getbbox()
    assert found is not None
    x0, y0, x1, y1 = found
    x, y, w, h = unrotate_box((x0, y0, x1 - x0, y1 - y0), angle, turned.size, image.size)
    assert x - 2 <= px <= x + w + 2 and y - 2 <= py <= y + h + 2
    assert w <= 12 and h <= 12
