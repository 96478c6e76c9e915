"""Logos in images: a gallery of drawn logos, pasted into busy pictures with scaling,
rotation, JPEG compression and partial occlusion; near-identical copies by hash; negatives;
broken inputs; and the export transforms that blur or crop the found boxes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from clearance.detectors.base import DetectorContext, instantiate
from clearance.model.errors import ConfigError
from clearance.model.finding import Finding
from clearance.model.item import Item
from clearance.sources.manifest import parse_manifest
from clearance.transforms.logos import crop_away, obscure_regions
from logo_images import background, draw_logo, jpeg, paste_logo, png

MARKS = 8


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gallery")
    for i in range(MARKS):
        (root / f"mark{i}").mkdir()
        draw_logo(i).save(root / f"mark{i}" / "reference.png")
    (root / "owners.yaml").write_text("mark3: Example Brands Ltd\n", encoding="utf-8")
    (root / "README.txt").write_text("not an image folder", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def detector(gallery: Path):  # type: ignore[no-untyped-def]
    (found,), _ = instantiate(["logo"], DetectorContext.build(logo_gallery=str(gallery)))
    return found


def image_item(data: bytes, media_type: str = "image/jpeg", source: str = "s") -> Item:
    return Item.from_bytes(source=source, locator="i", uri="i", media_type=media_type, data=data)


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(0.0, w) * max(0.0, h)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


@pytest.mark.parametrize(
    ("mark", "scale", "angle", "occlude", "quality"),
    [
        (0, 1.0, 0, 0.0, 90),
        (1, 0.45, 0, 0.0, 85),  # smaller
        (2, 1.4, 0, 0.0, 85),  # larger
        (3, 0.8, 30, 0.0, 80),  # rotated
        (4, 0.9, -45, 0.0, 80),
        (5, 0.9, 10, 0.3, 75),  # a third covered
        (6, 0.7, 0, 0.0, 35),  # heavy JPEG compression
        (7, 0.6, 90, 0.25, 60),  # all at once
    ],
)
def test_pasted_logo_is_found_with_its_box(
    detector,
    mark: int,
    scale: float,
    angle: float,
    occlude: float,
    quality: int,  # type: ignore[no-untyped-def]
) -> None:
    scene, box = paste_logo(
        background(mark), draw_logo(mark), scale=scale, angle=angle, at=(150, 90), occlude=occlude
    )
    findings: list[Finding] = list(detector.detect(image_item(jpeg(scene, quality))))
    owner = " (Example Brands Ltd)" if mark == 3 else ""  # from the gallery's owners.yaml
    assert [f.value for f in findings] == [f"mark{mark}{owner}"]
    (finding,) = findings
    assert finding.kind == "logo"
    assert finding.rule == "logo/features"
    assert finding.bbox is not None
    # the box covers the visible logo: the whole paste, or the uncovered part of it
    assert iou(finding.bbox, box) > (0.55 if occlude else 0.8)
    assert f"mark{mark}" in finding.evidence


def test_owner_from_gallery_is_in_evidence(detector) -> None:  # type: ignore[no-untyped-def]
    scene, _ = paste_logo(background(9), draw_logo(3), scale=0.8, angle=5, at=(40, 40))
    (finding,) = detector.detect(image_item(png(scene), "image/png"))
    assert "mark claimed by Example Brands Ltd" in finding.evidence
    assert finding.value == "mark3 (Example Brands Ltd)"  # a policy can block the owner


def test_near_identical_copy_by_perceptual_hash(detector) -> None:  # type: ignore[no-untyped-def]
    copy = draw_logo(2).resize((180, 180)).convert("RGB")
    findings = list(detector.detect(image_item(jpeg(copy, 50))))
    near = [f for f in findings if f.rule == "logo/near-copy"]
    assert [f.value for f in near] == ["mark2"]
    assert near[0].bbox == (0.0, 0.0, 180.0, 180.0)


@pytest.mark.parametrize("seed", range(6))
def test_pictures_without_logos_have_no_findings(detector, seed: int) -> None:  # type: ignore[no-untyped-def]
    assert list(detector.detect(image_item(jpeg(background(100 + seed))))) == []


def test_a_logo_not_in_the_gallery_is_not_reported(detector) -> None:  # type: ignore[no-untyped-def]
    scene, _ = paste_logo(background(3), draw_logo(MARKS + 5), scale=1.0, angle=0, at=(100, 100))
    assert list(detector.detect(image_item(jpeg(scene)))) == []


@pytest.mark.parametrize(
    "data", [b"", b"\xff\xd8\xff\xe0 not really a jpeg", png(Image.new("RGB", (10, 10)))[:40]]
)
def test_broken_images_become_error_findings(detector, data: bytes) -> None:  # type: ignore[no-untyped-def]
    (finding,) = detector.detect(image_item(data))
    assert finding.kind == "error"
    assert finding.rule == "unreadable-image"


def test_tiny_and_flat_images_are_fine(detector) -> None:  # type: ignore[no-untyped-def]
    assert list(detector.detect(image_item(png(Image.new("RGB", (1, 1))), "image/png"))) == []
    assert (
        list(detector.detect(image_item(png(Image.new("L", (300, 300), 255)), "image/png"))) == []
    )


def test_no_gallery_no_work() -> None:
    (detector,), _ = instantiate(["logo"], DetectorContext())
    assert not detector.handles(image_item(b"x"))


def test_gallery_from_the_manifest_per_source(gallery: Path) -> None:
    manifest = parse_manifest(
        f"version: 1\nsources:\n  - {{name: photos, path: p, logo_gallery: {gallery.name}}}\n",
        base=gallery.parent,
    )
    (detector,), _ = instantiate(["logo"], DetectorContext.build(manifest.sources))
    scene, _ = paste_logo(background(1), draw_logo(1), scale=0.9, angle=0, at=(80, 80))
    assert [f.value for f in detector.detect(image_item(jpeg(scene), source="photos"))] == ["mark1"]
    assert list(detector.detect(image_item(jpeg(scene), source="elsewhere"))) == []


@pytest.mark.parametrize("layout", ["missing", "empty", "corrupt"])
def test_bad_gallery_fails_at_start(tmp_path: Path, layout: str) -> None:
    root = tmp_path / "g"
    if layout != "missing":
        (root / "m").mkdir(parents=True)
    if layout == "corrupt":
        (root / "m" / "r.png").write_bytes(b"\x89PNG broken")
    with pytest.raises(ConfigError):
        instantiate(["logo"], DetectorContext.build(logo_gallery=str(root)))


def _mean_abs_diff(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


@pytest.mark.parametrize("method", ["blur", "pixelate", "fill"])
def test_obscure_regions_changes_the_box_only(detector, method: str) -> None:  # type: ignore[no-untyped-def]
    scene, _ = paste_logo(background(4), draw_logo(4), scale=0.8, angle=0, at=(300, 200))
    data = png(scene)
    original = bytes(data)
    (finding,) = detector.detect(image_item(data, "image/png"))
    assert finding.bbox is not None
    out = Image.open(io.BytesIO(obscure_regions(data, [finding.bbox], method=method)))
    assert data == original  # input untouched
    x, y, w, h = (round(v) for v in finding.bbox)
    inside = (x + 10, y + 10, x + w - 10, y + h - 10)
    assert _mean_abs_diff(scene.crop(inside), out.convert("RGB").crop(inside)) > 10
    outside = (0, 0, 250, 150)
    assert _mean_abs_diff(scene.crop(outside), out.convert("RGB").crop(outside)) == 0
    # after obscuring, the logo is no longer found
    assert (
        list(
            detector.detect(
                image_item(obscure_regions(data, [finding.bbox], method=method), "image/png")
            )
        )
        == []
    )


def test_crop_away_keeps_the_largest_free_band() -> None:
    scene = background(5, (800, 600))
    data = jpeg(scene)
    out = Image.open(io.BytesIO(crop_away(data, [(600.0, 100.0, 150.0, 150.0)], margin=0) or b""))
    assert out.format == "JPEG"
    assert out.size == (600, 600)  # the band left of the box
    assert crop_away(data, [(0.0, 0.0, 800.0, 600.0)]) is None
    assert Image.open(io.BytesIO(crop_away(data, []) or b"")).size == (800, 600)


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size (a decompression bomb's first bytes)."""
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    head = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\x00" * 64)
    body = (
        struct.pack(">I", len(idat))
        + b"IDAT"
        + idat
        + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    )
    return b"\x89PNG\r\n\x1a\n" + head + body + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def test_decompression_bomb_is_refused_not_decoded(detector) -> None:  # type: ignore[no-untyped-def]
    (finding,) = detector.detect(image_item(_png_claiming(50_000, 50_000), "image/png"))
    assert (finding.kind, finding.rule) == ("error", "unreadable-image")
    assert "too large" in finding.evidence or "decompression" in finding.evidence.lower()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("mark1: Acme\nmark2: [Acme, Inc]\n", 2, "the owner of 'mark2' must be a name"),
        ("- mark1\n", 1, "maps mark folder names"),
        ("mark1: Acme\n  bad: x\n", 2, "invalid YAML"),
    ],
)
def test_bad_owners_file_names_its_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    from clearance.detectors.marks.gallery import LogoGallery

    root = tmp_path / "g"
    (root / "mark1").mkdir(parents=True)
    (root / "owners.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        LogoGallery.load(root)
    assert (info.value.file, info.value.line) == (str(root / "owners.yaml"), line)
    assert message in str(info.value)
