"""A small decided run for the review app tests, made in the test (real scan, real policy)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image, ImageDraw

from clearance.policy import decide_run, resolve_policy
from clearance.runs.store import FINDING_SCHEMA
from helpers import run_scan

DETECTORS = ("spdx-tag", "copyright", "exact-duplicate", "cc-url")
XSS_NAME = "<img src=x onerror=alert(1)>.txt"
XSS_TEXT = (
    '<script>alert("xss")</script> Notes from the archive.\n'
    "<img src=x onerror=alert(2)>\n"
    "Copyright (c) 2019 Evil Corp. All rights reserved.\n"
)
MIT_TEXT = "# SPDX-License-Identifier: MIT\ndef wordcount(text):\n    return len(text.split())\n"
NC_TEXT = (
    "Field notes from the coast.\n"
    "Licensed under https://creativecommons.org/licenses/by-nc/4.0/ for non-commercial use.\n"
)
PASSWORD = "correct horse battery"


def make_corpus(root: Path) -> Path:
    text = root / "data" / "text"
    text.mkdir(parents=True)
    (text / "wordcount.py").write_text(MIT_TEXT)
    (text / "wordcount_copy.py").write_text(MIT_TEXT)  # same content elsewhere
    (text / "field-notes.txt").write_text(NC_TEXT)
    (text / XSS_NAME).write_text(XSS_TEXT)
    (text / "reserved.txt").write_text(
        "Annual letter.\nCopyright 2021 Acme Widgets Ltd. All rights reserved.\n"
    )
    for i in range(6):
        (text / f"plain-{i}.txt").write_text(f"Plain note number {i}, no notices at all.\n")
    images = root / "data" / "images"
    images.mkdir()
    image = Image.new("RGB", (320, 200), "#cfd8e3")
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 40, 190, 140), fill="#e0b48c")
    image.save(images / "portrait.png")
    manifest = root / "data" / "clearance.yaml"
    manifest.write_text(
        "version: 1\nsources:\n"
        "  - name: notes\n    path: text\n    kind: web-scraped\n    format: files\n"
        "    license: null\n"
        "  - name: photos\n    path: images\n    kind: licensed\n    format: files\n"
        "    license: CC-BY-4.0\n"
    )
    return manifest


def make_run(root: Path) -> Path:
    """Scan and decide the corpus; a face box is added to the image's findings as a face
    detector would write it (the Haar detector finds no face in a drawn ellipse)."""
    run = root / "runs" / "demo"
    run_scan([str(make_corpus(root))], run, detectors=DETECTORS, force=True)
    face = {f.name: None for f in FINDING_SCHEMA}
    face.update(
        item_id="photos:portrait.png", detector="faces", detector_version="1", kind="face",
        value="face", confidence=0.91, rule="faces/haar-frontal", evidence="face 80x100 px",
        bbox=[110.0, 40.0, 80.0, 100.0],
    )  # fmt: skip
    pq.write_table(
        pa.Table.from_pylist([face], FINDING_SCHEMA), run / "findings.parquet" / "run-faces.parquet"
    )
    decide_run(run, resolve_policy("commercial-training"), ledger=ledger_of(run))
    return run


def ledger_of(run: Path) -> Path:
    return run.parent / "clearance-ledger.sqlite"
