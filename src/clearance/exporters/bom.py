"""Bills of materials of the exported dataset.

- CycloneDX 1.6 ML-BOM written with ``cyclonedx-python-lib``: the dataset is the BOM's
  subject (a ``data`` component); each (source, license) group is a ``data`` component with
  its license expression, item count and bytes as properties. The library (11.x) does not
  model CycloneDX's ``component.data`` block, so the dataset details travel as properties.
- SPDX 3.0.1 JSON-LD (``dataset_DatasetPackage``) written by us: ``spdx-tools`` 0.8 writes
  SPDX 2.x only (its SPDX 3 support is experimental and has no JSON-LD writer). The shape
  follows https://spdx.github.io/spdx-spec/v3.0.1/ (Core, Software, Dataset and
  SimpleLicensing profiles); it is checked against that shape in the tests, not against the
  official SHACL file (not shipped in any package we use: unverified).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import LicenseExpression
from cyclonedx.output.json import JsonV1Dot6

from clearance import __version__
from clearance.exporters.runview import RunView

SPDX_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"


def _groups(manifest: pa.Table) -> dict[tuple[str, str], tuple[int, int]]:
    """(source, license) -> (items, bytes), grouped in Arrow (no per-item Python objects)."""
    table = pa.table(
        {
            "source": manifest.column("source").cast(pa.string()),
            "license": manifest.column("license").cast(pa.string()),
            "size": manifest.column("size"),
        }
    )
    grouped = table.group_by(["source", "license"]).aggregate([("size", "count"), ("size", "sum")])
    out = {
        (str(r["source"]), str(r["license"] or "")): (int(r["size_count"]), int(r["size_sum"] or 0))
        for r in grouped.to_pylist()
    }
    return dict(sorted(out.items()))


def cyclonedx_bom(view: RunView, manifest: pa.Table, info: dict[str, Any]) -> str:
    name = f"{view.path.name}-cleared"
    subject = Component(
        type=ComponentType.DATA,
        name=name,
        version=info["merkle_root"][:16],
        bom_ref=f"dataset:{name}",
        description=f"Items cleared for {info['purpose']} by policy {info['policy']} "
        f"v{info['policy_version']} (clearance {__version__}).",
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=info["merkle_root"])],
        properties=[
            Property(name="clearance:run_id", value=info["run_id"]),
            Property(name="clearance:merkle_root", value=info["merkle_root"]),
            Property(name="clearance:purpose", value=info["purpose"]),
            Property(name="clearance:policy", value=f"{info['policy']}@{info['policy_version']}"),
            Property(name="clearance:items", value=str(info["items"])),
        ],
    )
    bom = Bom()
    bom.metadata.component = subject
    for (source, lic), (count, size) in _groups(manifest).items():
        ref = f"source:{source}:{hashlib.sha1(lic.encode()).hexdigest()[:8]}"
        part = Component(
            type=ComponentType.DATA,
            name=f"{source}" + (f" ({lic})" if lic else ""),
            bom_ref=ref,
            licenses=[LicenseExpression(lic)] if lic else [],
            properties=[
                Property(name="clearance:source", value=source),
                Property(name="clearance:items", value=str(count)),
                Property(name="clearance:bytes", value=str(size)),
            ],
        )
        bom.components.add(part)
        bom.register_dependency(subject, [part])
    return str(JsonV1Dot6(bom).output_as_string(indent=2))


def spdx3_document(view: RunView, manifest: pa.Table, info: dict[str, Any]) -> dict[str, Any]:
    base = f"urn:clearance:{info['run_id'][:16]}:{info['merkle_root'][:16]}"
    created = info["exported"].replace("+00:00", "Z")
    tool = f"{base}#tool"
    creation = "_:creationinfo"
    graph: list[dict[str, Any]] = [
        {
            "type": "CreationInfo",
            "@id": creation,
            "specVersion": "3.0.1",
            "created": created,
            "createdBy": [tool],
        },
        {
            "type": "Tool",
            "spdxId": tool,
            "creationInfo": creation,
            "name": f"clearance {__version__}",
        },
    ]
    dataset = f"{base}#dataset"
    graph.append(
        {
            "type": "dataset_DatasetPackage",
            "spdxId": dataset,
            "creationInfo": creation,
            "name": f"{view.path.name}-cleared",
            "software_primaryPurpose": "data",
            "software_packageVersion": info["merkle_root"][:16],
            "dataset_datasetType": ["text"],
            "dataset_intendedUse": f"{info['purpose']} (policy {info['policy']} "
            f"v{info['policy_version']})",
            "releaseTime": created,
            "builtTime": created,
            "verifiedUsing": [
                {"type": "Hash", "algorithm": "sha256", "hashValue": info["merkle_root"]}
            ],
            "comment": "sha256 is the RFC 6962 Merkle root over the exported items' sha256, "
            "ordered by item id (see CLEARANCE.json and MANIFEST.parquet). Not legal advice.",
        }
    )
    elements = [tool, dataset]
    for i, ((source, lic), (count, size)) in enumerate(_groups(manifest).items()):
        part = f"{base}#part-{i}"
        graph.append(
            {
                "type": "dataset_DatasetPackage",
                "spdxId": part,
                "creationInfo": creation,
                "name": source,
                "software_primaryPurpose": "data",
                "dataset_datasetType": ["text"],
                "dataset_datasetSize": size,
                "comment": f"{count} item(s) of source {source}",
            }
        )
        graph.append(_rel(f"{part}-in", dataset, "contains", [part], creation))
        elements += [part, f"{part}-in"]
        if lic:
            expr = f"{part}-license"
            graph.append(
                {
                    "type": "simplelicensing_LicenseExpression",
                    "spdxId": expr,
                    "creationInfo": creation,
                    "simplelicensing_licenseExpression": lic,
                }
            )
            graph.append(_rel(f"{part}-declared", part, "hasDeclaredLicense", [expr], creation))
            elements += [expr, f"{part}-declared"]
    graph.append(
        {
            "type": "SpdxDocument",
            "spdxId": f"{base}#document",
            "creationInfo": creation,
            "name": f"SPDX 3 description of {view.path.name}-cleared",
            "profileConformance": ["core", "software", "dataset", "simpleLicensing"],
            "rootElement": [dataset],
            "element": elements,
        }
    )
    return {"@context": SPDX_CONTEXT, "@graph": graph}


def _rel(rid: str, src: str, kind: str, to: list[str], creation: str) -> dict[str, Any]:
    return {
        "type": "Relationship",
        "spdxId": rid,
        "creationInfo": creation,
        "from": src,
        "relationshipType": kind,
        "to": to,
    }


def write_boms(
    view: RunView, out: Path, manifest: pa.Table, info: dict[str, Any]
) -> dict[str, str]:
    (out / "bom.cdx.json").write_text(cyclonedx_bom(view, manifest, info) + "\n")
    doc = spdx3_document(view, manifest, info)
    (out / "dataset.spdx3.jsonld").write_text(json.dumps(doc, indent=2) + "\n")
    return {"cyclonedx": "bom.cdx.json", "spdx3": "dataset.spdx3.jsonld"}
