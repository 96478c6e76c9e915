"""clearance export: the cleared items in their input formats, a manifest that matches the
golden, a Merkle root that pins the content, BOMs that validate, resumption, inputs untouched,
and an export that a rescan decides the same way."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from typer.testing import CliRunner

from clearance.cli import app
from clearance.exporters import transforms
from clearance.exporters.export import ExportOptions, export_run
from clearance.exporters.merkle import EMPTY_ROOT, merkle_root
from clearance.model.errors import ConfigError, RunError
from clearance.policy import decide_run, resolve_policy
from clearance.policy.decide import read_decisions
from clearance.readers import ReadLimits
from clearance.runs.store import RunStore
from exporters_fixtures import DETECTORS, GOLDEN, example_run, scan_and_decide
from helpers import EXAMPLES, read_source, run_scan, tree_digest


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_run(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def exported(run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "dataset"
    export_run(run, out)
    return out


def _manifest(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "MANIFEST.jsonl").read_text().splitlines()]


def test_manifest_matches_golden(exported: Path) -> None:
    rows = _manifest(exported)
    golden = GOLDEN / "manifest.golden.jsonl"
    text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()
    parquet = pq.read_table(exported / "MANIFEST.parquet").to_pylist()
    assert [r["item_id"] for r in parquet] == [r["item_id"] for r in rows]


def test_only_cleared_items_exported_in_their_formats(run: Path, exported: Path) -> None:
    cleared = {d.item_id for d in read_decisions(run) if d.status == "cleared"}
    rows = _manifest(exported)
    assert {r["item_id"] for r in rows} == cleared
    assert all(r["original_sha256"] == r["exported_sha256"] for r in rows)  # no transform
    # JSONL keeps its records byte for byte; WARC stays a WARC; files are copied
    posts = (exported / "data/posts/posts.jsonl").read_bytes()
    source_lines = (EXAMPLES / "posts.jsonl").read_bytes().splitlines(keepends=True)
    assert posts == source_lines[4]  # only line 5 (MIT) is cleared
    code = exported / "data/code/wordcount.py"
    assert code.read_bytes() == (EXAMPLES / "code/wordcount.py").read_bytes()
    assert not (exported / "data/essays/field-notes-cc-by-nc.txt").exists()  # blocked


def test_export_with_review_includes_warc_records(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "with-review"
    summary = export_run(run, out, ExportOptions(include="cleared+review"))
    assert summary.items == 38  # all but the blocked item
    reads = read_source(out / "data/crawl/crawl.warc.gz", fmt="warc")
    originals = read_source(EXAMPLES / "crawl.warc.gz", fmt="warc")
    assert [r.item.sha256 for r in reads] == [r.item.sha256 for r in originals]
    assert not any(r.problems for r in reads)


def test_rescan_of_export_decides_the_same(run: Path, exported: Path, tmp_path: Path) -> None:
    again = scan_and_decide(exported / "clearance.yaml", tmp_path / "again")
    before = {(d.item_id.split(":", 1)[0], d.status) for d in read_decisions(run)}
    after = read_decisions(again)
    assert after and all(d.status == "cleared" for d in after)
    by_sha = {r["exported_sha256"]: r for r in _manifest(exported)}
    from clearance.policy.table import DECISION_SCHEMA
    from clearance.runs.store import open_run

    rows = open_run(again).decisions(DECISION_SCHEMA).to_pylist()
    assert len(rows) == len(by_sha) + 1  # the two identical MIT files share one sha256
    for row in rows:
        assert by_sha[row["sha256"]]["license"] == row["license"]
        assert (row["source"], row["status"]) in before


def test_merkle_root_stable_and_sensitive(run: Path, exported: Path, tmp_path: Path) -> None:
    info = json.loads((exported / "CLEARANCE.json").read_text())
    assert info["purpose"] == "commercial-training" and info["policy_version"] == "1"
    second = tmp_path / "second"
    assert export_run(run, second).merkle_root == info["merkle_root"]
    hashes = [str(r["exported_sha256"]) for r in _manifest(exported)]
    assert merkle_root(hashes) == info["merkle_root"]
    # one byte of one item changes the root
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    target = corpus / "code" / "slugify.js"
    data = bytearray(target.read_bytes())
    data[-2] ^= 1
    target.write_bytes(bytes(data))
    changed = scan_and_decide(corpus / "clearance.yaml", tmp_path / "changed")
    assert export_run(changed, tmp_path / "third").merkle_root != info["merkle_root"]


def test_merkle_root_rfc6962_shape() -> None:
    import hashlib

    a, b, c = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b", b"c"))
    leaf = {h: hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in (a, b, c)}
    ab = hashlib.sha256(b"\x01" + leaf[a] + leaf[b]).digest()
    assert merkle_root([a, b, c]) == hashlib.sha256(b"\x01" + ab + leaf[c]).hexdigest()
    assert merkle_root([a]) == leaf[a].hex()
    assert merkle_root([]) == EMPTY_ROOT
    assert merkle_root([b, a, c]) != merkle_root([a, b, c])


def test_cyclonedx_bom_validates(exported: Path) -> None:
    text = (exported / "bom.cdx.json").read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    info = json.loads((exported / "CLEARANCE.json").read_text())
    assert bom["metadata"]["component"]["hashes"][0]["content"] == info["merkle_root"]
    licenses = {c["licenses"][0]["expression"] for c in bom["components"] if c.get("licenses")}
    assert {"MIT", "CC-BY-SA-4.0", "GPL-2.0-or-later"} <= licenses
    broken = json.loads(text)
    broken["components"][0]["type"] = "dataset"  # not a CycloneDX component type
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(broken)) is not None


def check_spdx3_shape(doc: dict[str, object]) -> list[str]:
    """The SPDX 3.0.1 JSON-LD shape we rely on (spdx.github.io/spdx-spec/v3.0.1): context,
    typed elements with spdxId and creationInfo, relationships between declared elements."""
    problems: list[str] = []
    if doc.get("@context") != "https://spdx.org/rdf/3.0.1/spdx-context.jsonld":
        problems.append("context")
    graph = doc.get("@graph")
    assert isinstance(graph, list)
    infos = {e["@id"] for e in graph if e.get("type") == "CreationInfo"}
    ids = {e["spdxId"] for e in graph if "spdxId" in e}
    for e in graph:
        if e.get("type") == "CreationInfo":
            if e.get("specVersion") != "3.0.1" or not e.get("createdBy"):
                problems.append("creationInfo")
            continue
        if "spdxId" not in e or e.get("creationInfo") not in infos:
            problems.append(f"element {e.get('type')}")
        kind = e.get("type")
        if kind == "Relationship" and (e["from"] not in ids or any(t not in ids for t in e["to"])):
            problems.append(f"dangling relationship {e['spdxId']}")
        if kind == "SpdxDocument" and any(x not in ids for x in e["rootElement"] + e["element"]):
            problems.append("document element")
    if not any(e.get("type") == "dataset_DatasetPackage" for e in graph):
        problems.append("no dataset")
    return problems


def test_spdx3_document_has_the_published_shape(exported: Path) -> None:
    doc = json.loads((exported / "dataset.spdx3.jsonld").read_text())
    assert check_spdx3_shape(doc) == []
    exprs = {
        e["simplelicensing_licenseExpression"]
        for e in doc["@graph"]
        if e.get("type") == "simplelicensing_LicenseExpression"
    }
    assert "MIT" in exprs
    doc["@graph"][-2]["to"] = ["urn:nowhere"]
    assert check_spdx3_shape(doc)


def test_attribution_groups_by_license_and_holder(exported: Path) -> None:
    text = (exported / "ATTRIBUTION.md").read_text()
    assert "## CC-BY-SA-4.0" in text and "**Title:** Kitchen Tips (demo)" in text
    assert "### The clearance authors (2 item(s))" in text  # the two MIT files
    assert "Example Systems GmbH" in (exported / "NOTICE").read_text()


def test_export_resumes_after_interruption(run: Path, exported: Path, tmp_path: Path) -> None:
    out = tmp_path / "resumed"
    with pytest.raises(RunError, match="stopped after 2"):
        export_run(run, out, stop_after=2)
    assert len(list((out / ".clearance-export" / "done").glob("*.json"))) == 2
    summary = export_run(run, out)
    assert summary.shards_skipped == 2
    assert (out / "MANIFEST.jsonl").read_text() == (exported / "MANIFEST.jsonl").read_text()
    assert tree_digest(out / "data") == tree_digest(exported / "data")


def test_export_refuses_to_mix(run: Path, exported: Path) -> None:
    with pytest.raises(RunError, match="another run"):
        export_run(run, exported, ExportOptions(include="cleared+review"))


def test_inputs_untouched(run: Path, tmp_path: Path) -> None:
    before = tree_digest(EXAMPLES)
    export_run(run, tmp_path / "x", ExportOptions(include="cleared+review"))
    assert tree_digest(EXAMPLES) == before


def test_transforms_registry(run: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown transform"):
        export_run(run, tmp_path / "nope", ExportOptions(transforms=("nope",)))
    transforms.register("upper", lambda c: c.data.upper())
    try:
        out = tmp_path / "upper"
        export_run(run, out, ExportOptions(include="cleared+review", transforms=("upper",)))
    finally:
        transforms._REGISTRY.pop("upper")
    rows = {r["item_id"]: r for r in _manifest(out)}
    post = rows["posts:posts.jsonl#L1"]
    assert post["transforms"] == "upper" and post["exported_sha256"] != post["original_sha256"]
    first = json.loads((out / "data/posts/posts.jsonl").read_text().splitlines()[0])
    assert first["text"] == first["text"].upper() and first["id"] == "post-001"
    pages = read_source(out / "data/crawl/crawl.warc.gz", fmt="warc")
    assert len(pages) == 6 and not any(r.problems for r in pages)
    assert all(r.item.data == r.item.data.upper() for r in pages)
    assert {r.item.sha256 for r in pages} == {
        str(r["exported_sha256"]) for i, r in rows.items() if i.startswith("crawl:")
    }


def test_cli_export(run: Path, tmp_path: Path) -> None:
    cli = CliRunner()
    result = cli.invoke(app, ["export", str(run), "--to", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["items"] == 14
    bad = cli.invoke(app, ["export", str(run), "--to", str(tmp_path / "p"), "--include", "all"])
    assert bad.exit_code != 0


def test_oversize_files_are_streamed_not_emptied(tmp_path: Path) -> None:
    """Items over --max-item-mb are not held in memory; the export still copies them whole."""
    run = tmp_path / "small"
    run_scan([str(EXAMPLES / "clearance.yaml")], run, limits=ReadLimits(max_item_bytes=600))
    decide_run(run, resolve_policy("commercial-training"), ledger=tmp_path / "l.sqlite")
    out = tmp_path / "out"
    export_run(run, out, ExportOptions(include="cleared+review"))
    rows = {r["item_id"]: r for r in _manifest(out)}
    big = rows["essays:declaration-of-independence-1776.txt"]  # 1458 bytes > 600
    copied = out / str(big["path"])
    assert (
        copied.read_bytes() == (EXAMPLES / "text/declaration-of-independence-1776.txt").read_bytes()
    )
    assert big["exported_sha256"] == big["original_sha256"]


def test_exporters_public_api() -> None:
    import clearance.exporters as exporters

    assert sorted(exporters.__all__) == [
        "ExportOptions", "ExportSummary", "build_report", "build_summary", "export_run",
        "merkle_root", "render", "render_summary", "transforms",
    ]  # fmt: skip
    assert all(hasattr(exporters, name) for name in exporters.__all__)
    assert transforms.available() == [
        "blur-faces",
        "blur-logos",
        "crop-logos",
        "identity",
        "redact-pii",
        "strip-metadata",
    ]


def test_export_killed_mid_shard_resumes_clean(
    run: Path, exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash while a shard's file is half written leaves a temp file and no marker; the
    rerun removes the leftover, redoes that shard and ends equal to an uninterrupted export."""
    import clearance.exporters.export as export_module
    from clearance.exporters.formats import atomic

    real = export_module.write_shard
    calls = {"n": 0}

    def crashing(spec, selected, root, rewrite):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            with atomic(root / spec.source / "half-written.bin") as handle:
                handle.write(b"partial")
                raise KeyboardInterrupt
        return real(spec, selected, root, rewrite)

    out = tmp_path / "killed"
    monkeypatch.setattr(export_module, "write_shard", crashing)
    with pytest.raises(KeyboardInterrupt):
        export_run(run, out)
    assert list(out.rglob(".*.tmp"))
    monkeypatch.setattr(export_module, "write_shard", real)
    summary = export_run(run, out)
    assert summary.shards_skipped == 2
    assert not list(out.rglob(".*.tmp"))
    assert tree_digest(out / "data") == tree_digest(exported / "data")
    assert (out / "CLEARANCE.json").read_text().split('"exported"')[0] == (
        exported / "CLEARANCE.json"
    ).read_text().split('"exported"')[0]


def test_pii_redaction_and_metadata_stripping_in_the_export(tmp_path: Path) -> None:
    from PIL import Image

    run = tmp_path / "run"
    run_scan([str(EXAMPLES / "clearance.yaml")], run, detectors=(*DETECTORS, "pii-text"))
    decide_run(run, resolve_policy("commercial-training"), ledger=tmp_path / "ledger.sqlite")
    out = tmp_path / "out"
    options = ExportOptions(include="cleared+review", transforms=("redact-pii", "strip-metadata"))
    export_run(run, out, options)
    emails = [f for f in RunStore(run).findings(kind="pii").to_pylist() if f["value"] == "EMAIL"]
    assert emails, "the example posts hold an e-mail address"
    exported = (out / "data/posts/posts.jsonl").read_text(encoding="utf-8")
    assert "<EMAIL_1>" in exported and "@example" not in exported
    with Image.open(EXAMPLES / "images/photo-exif.jpg") as original:
        assert original.getexif()  # the input keeps its EXIF: inputs are never changed
    with Image.open(out / "data/images/photo-exif.jpg") as stripped:
        assert not stripped.getexif()
