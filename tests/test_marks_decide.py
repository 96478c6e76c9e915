"""Marks through the one policy engine, end to end: ``clearance scan --purpose`` puts items with
branding uses of a mark, a gallery logo or a watermark in review; plain mentions stay cleared;
a user overlay blocks named owners and agencies through ``clearance decide`` on the same run;
``clearance export --transform blur-logos|crop-logos`` obscures the logo boxes found."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from PIL import Image, ImageChops, ImageStat

from clearance.policy import read_decisions
from logo_images import background, draw_logo, jpeg, overlay_text, paste_logo, png
from test_cli import cli

MANIFEST = """\
version: 1
sources:
  - name: pages
    path: pages
    kind: commissioned
    format: files
    license: CC0-1.0
  - name: photos
    path: photos
    kind: commissioned
    format: files
    license: CC0-1.0
    logo_gallery: gallery
"""

BLOCK = """\
id: block-brands
version: "1"
purpose: any
kind: overlay
rules:
  - id: block-nike
    when: {finding: {kind: [trademark, logo], value: "* (Nike, Inc.)"}}
    outcome: blocked
    rationale: Counsel blocks every use of Nike's marks.
  - id: block-example-brands
    when: {finding: {kind: [trademark, logo], value: "* (Example Brands*)"}}
    outcome: blocked
    rationale: Example Brands objected to our use of its logo.
  - id: block-getty
    when: {finding: {kind: watermark, rule: "watermark/agency*", value: "Getty Images"}}
    outcome: blocked
    rationale: Getty-watermarked pictures are out.
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("marks-decide")
    (root / "clearance.yaml").write_text(MANIFEST, encoding="utf-8")
    pages = root / "pages"
    pages.mkdir()
    (pages / "branded.txt").write_text("Nike® running shoes, the official store.\n")
    (pages / "adidas.txt").write_text("<title>Adidas Originals</title> new season\n")
    (pages / "mention.txt").write_text("I charge my phone, an iPhone, every night.\n")
    (pages / "plain.txt").write_text("A note about tomatoes and the weather.\n")
    photos = root / "photos"
    photos.mkdir()
    (root / "gallery" / "mark3").mkdir(parents=True)
    draw_logo(3).save(root / "gallery" / "mark3" / "reference.png")
    (root / "gallery" / "owners.yaml").write_text("mark3: Example Brands Ltd\n")
    scene, _ = paste_logo(background(30), draw_logo(3), scale=0.8, angle=10, at=(300, 200))
    (photos / "logo.png").write_bytes(png(scene))  # PNG: pixels outside the box stay exact
    getty = overlay_text(background(31), "gettyimages", at=(140, 260), size=64, alpha=230)
    (photos / "getty.jpg").write_bytes(jpeg(getty, 90))
    alamy = overlay_text(background(32), "Alamy Stock Photo", at=(100, 260), size=56, alpha=230)
    (photos / "alamy.jpg").write_bytes(jpeg(alamy, 90))
    (photos / "clean.jpg").write_bytes(jpeg(background(33), 85))
    (root / "block.yaml").write_text(BLOCK, encoding="utf-8")
    result = cli(
        "scan",
        str(root / "clearance.yaml"),
        "--out",
        str(root / "run"),
        "--workers",
        "1",
        "--detectors",
        "spdx-tag,trademark,logo,watermark",
        "--purpose",
        "commercial-training",
    )
    assert result.returncode == 0, result.stderr
    return root / "run"


def statuses(run: Path) -> dict[str, tuple[str, set[str]]]:
    return {
        d.item_id: (d.status.value, {r.rule_id for r in d.reasons}) for d in read_decisions(run)
    }


def test_marks_logos_and_watermarks_go_to_review_by_default(run: Path) -> None:
    got = statuses(run)
    assert got["pages:branded.txt"][0] == "review"
    assert "trademark-branding" in got["pages:branded.txt"][1]
    assert got["pages:adidas.txt"][0] == "review"  # in the page title: branding
    assert got["photos:logo.png"] == ("review", {"logo"})
    assert got["photos:getty.jpg"] == ("review", {"watermark"})
    assert got["photos:alamy.jpg"] == ("review", {"watermark"})
    # a plain mention is a finding, not a reason to hold the item
    findings = pq.read_table(run / "findings.parquet").to_pylist()
    mention = {
        (f["kind"], f["value"], f["rule"]) for f in findings if f["item_id"] == "pages:mention.txt"
    }
    assert mention == {("trademark", "Apple (Apple Inc.)", "trademark/mention")}
    assert got["pages:mention.txt"][0] == "cleared"
    assert got["pages:plain.txt"][0] == "cleared"
    assert got["photos:clean.jpg"][0] == "cleared"


def test_the_evidence_names_the_mark_and_its_owner(run: Path) -> None:
    (branded,) = [d for d in read_decisions(run) if d.item_id == "pages:branded.txt"]
    (reason,) = [r for r in branded.reasons if r.rule_id == "trademark-branding"]
    assert any("Nike (Nike, Inc.)" in e for e in reason.evidence)
    assert "15 U.S.C. § 1114(1)" in reason.legal_reference


def test_a_user_overlay_blocks_named_owners_and_agencies(run: Path) -> None:
    root = run.parent
    result = cli(
        "decide",
        str(run),
        "--purpose",
        "commercial-training",
        "--overlay",
        str(root / "block.yaml"),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["policy"] == "commercial-training+block-brands"
    got = statuses(run)
    assert got["pages:branded.txt"][0] == "blocked"
    assert "block-nike" in got["pages:branded.txt"][1]
    assert got["photos:logo.png"][0] == "blocked"  # owner from the gallery's owners.yaml
    assert got["photos:getty.jpg"][0] == "blocked"
    # other owners and agencies keep the default
    assert got["pages:adidas.txt"][0] == "review"
    assert got["photos:alamy.jpg"][0] == "review"
    assert got["pages:mention.txt"][0] == "cleared"


def _exported(run: Path, tmp_path: Path, transform: str) -> tuple[Path, Path]:
    """A copy of the run decided by the built-in policy, exported with ``transform``."""
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    decided = cli("decide", str(copy), "--purpose", "commercial-training")
    assert decided.returncode == 0, decided.stderr
    out = tmp_path / "export"
    args = ["--include", "cleared+review", "--transform", transform]
    result = cli("export", str(copy), "--to", str(out), *args)
    assert result.returncode == 0, result.stderr
    return copy, out


def _logo_box(run: Path) -> tuple[int, int, int, int]:
    findings = pq.read_table(run / "findings.parquet").to_pylist()
    (bbox,) = [f["bbox"] for f in findings if f["kind"] == "logo"]
    x, y, w, h = bbox
    return round(x), round(y), round(x + w), round(y + h)


def _diff(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_export_blurs_the_logo_box_and_nothing_else(run: Path, tmp_path: Path) -> None:
    source = run.parent / "photos" / "logo.png"
    before = source.read_bytes()
    copy, out = _exported(run, tmp_path, "blur-logos")
    assert source.read_bytes() == before  # the input is untouched
    original = Image.open(io.BytesIO(before)).convert("RGB")
    exported = Image.open(out / "data" / "photos" / "logo.png").convert("RGB")
    assert exported.size == original.size
    x0, y0, x1, y1 = _logo_box(copy)
    inside = (x0 + 10, y0 + 10, x1 - 10, y1 - 10)
    assert _diff(original.crop(inside), exported.crop(inside)) > 10
    # outside the box grown by its margin (a tenth of its size) not one pixel changed
    mx, my = (x1 - x0) // 10 + 2, (y1 - y0) // 10 + 2
    mask = Image.new("L", original.size, 255)
    mask.paste(0, (x0 - mx, y0 - my, x1 + mx, y1 + my))
    outside = ImageChops.multiply(ImageChops.difference(original, exported).convert("L"), mask)
    assert outside.getbbox() is None
    # the pictures without a logo are written as they were
    clean = (run.parent / "photos" / "clean.jpg").read_bytes()
    assert (out / "data" / "photos" / "clean.jpg").read_bytes() == clean


def test_export_crops_the_logo_away(run: Path, tmp_path: Path) -> None:
    copy, out = _exported(run, tmp_path, "crop-logos")
    original = Image.open(run.parent / "photos" / "logo.png")
    exported = Image.open(out / "data" / "photos" / "logo.png")
    x0, y0, x1, y1 = _logo_box(copy)
    width, height = exported.size
    assert width * height < original.width * original.height
    # the band kept is the largest free one: it holds none of the logo's box
    assert width == original.width or height == original.height
    if width == original.width:
        assert height <= max(y0, original.height - y1)
    else:
        assert width <= max(x0, original.width - x1)
