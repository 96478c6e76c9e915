"""Build a cleared-data export in the layout `clearance export` writes (format
``clearance.export/1``: CLEARANCE.json, MANIFEST.jsonl, data/), and small safetensors files
with the ``safetensors`` package (numpy backend)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from clearance.exporters.merkle import merkle_root
from clearance.policy import read_decisions
from clearance.runs.store import open_run


def make_export(run: Path, out: Path) -> Path:
    """The cleared items of ``run``: each item's id and license as its content."""
    info = open_run(run).read_run_json()["decisions"]
    rows = []
    for d in sorted(read_decisions(run), key=lambda d: d.item_id):
        if d.status.value != "cleared":
            continue
        rel = "data/" + d.item_id.replace(":", "/")
        body = f"{d.item_id}\n{d.license}\n".encode()
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(body)
        digest = hashlib.sha256(body).hexdigest()
        rows.append(
            {
                "item_id": d.item_id,
                "path": rel,
                "exported_sha256": digest,
                "license": d.license,
                "obligations": list(d.obligations),
            }
        )
    (out / "MANIFEST.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    clearance = {
        "format": "clearance.export/1",
        "run_id": "f" * 64,
        "purpose": info["purpose"],
        "policy": info["policy"],
        "policy_version": str(info["policy_version"]),
        "items": len(rows),
        "merkle_root": merkle_root(r["exported_sha256"] for r in rows),
    }
    (out / "CLEARANCE.json").write_text(json.dumps(clearance, indent=2) + "\n")
    return out


def make_safetensors(path: Path, metadata: dict[str, str] | None = None) -> Path:
    rng = np.random.default_rng(7)
    tensors = {
        "embed.weight": rng.standard_normal((16, 8)).astype(np.float32),
        "head.bias": np.arange(5, dtype=np.int64),
        "norm.scale": rng.standard_normal(3).astype(np.float16),
    }
    save_file(tensors, str(path), metadata=metadata)
    return path


def make_gguf(path: Path) -> Path:
    """A small GGUF (v3) written with the ``gguf`` package: key-values of several types
    (string, uint32, an array) and three tensors."""
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny test model")
    writer.add_context_length(128)
    writer.add_array("tokenizer.ggml.tokens", ["<s>", "</s>", "hello"])
    rng = np.random.default_rng(11)
    writer.add_tensor("token_embd.weight", rng.standard_normal((8, 4)).astype(np.float32))
    writer.add_tensor("output_norm.weight", rng.standard_normal(4).astype(np.float16))
    writer.add_tensor("blk.0.bias", np.arange(7, dtype=np.int32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
