"""Embed a provenance record in a safetensors file's header (``__metadata__``) without
touching tensor data.

The format is parsed here directly because it is tiny and the ``safetensors`` package only
writes whole files from loaded tensors: 8 bytes little-endian header length N, N bytes of JSON
(``{"__metadata__": {str: str}, name: {dtype, shape, data_offsets}}``), then the data section.
``data_offsets`` are relative to the data section, so the header may grow: only the length
and header are rewritten and the data section is copied byte for byte (and re-hashed to prove
it). https://github.com/huggingface/safetensors#format

GGUF: see gguf_embed.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any

from clearance.model.errors import ConfigError
from clearance.provenance.hashing import BUFFER
from clearance.provenance.record import Difference
from clearance.provenance.signing import canonical_json, check_signature, load_public

KEY = "clearance.provenance"
#: the safetensors reference implementation refuses headers above 100 MB
MAX_HEADER = 100_000_000


def _header(path: Path) -> tuple[dict[str, Any], int]:
    """The parsed header and the data section's start offset."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        raw = handle.read(8)
        if len(raw) < 8:
            raise ConfigError(f"{path}: too short for safetensors")
        (n,) = struct.unpack("<Q", raw)
        if n > MAX_HEADER or 8 + n > size:
            raise ConfigError(f"{path}: safetensors header length {n} is out of range")
        try:
            header = json.loads(handle.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: safetensors header is not JSON ({exc})") from None
    if not isinstance(header, dict):
        raise ConfigError(f"{path}: safetensors header is not a JSON object")
    return header, 8 + n


def _stripped(header: dict[str, Any]) -> dict[str, Any]:
    """The header without our key (an emptied ``__metadata__`` dropped): equal before and
    after embedding."""
    out = dict(header)
    meta = dict(out.get("__metadata__") or {})
    meta.pop(KEY, None)
    if meta:
        out["__metadata__"] = meta
    else:
        out.pop("__metadata__", None)
    return out


def hash_from(path: Path, offset: int) -> str:
    digest = hashlib.sha256()
    buf = bytearray(BUFFER)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as handle:
        handle.seek(offset)
        while n := handle.readinto(buf):
            digest.update(view[:n])
    return digest.hexdigest()


def safetensors_digests(path: str | Path) -> dict[str, str]:
    """``tensors_sha256`` (the data section) and ``header_sha256`` (canonical header without
    an embedded record): what an embedded copy must still match."""
    p = Path(path)
    try:
        header, start = _header(p)
    except ConfigError:
        return {}
    return {
        "tensors_sha256": hash_from(p, start),
        "header_sha256": hashlib.sha256(canonical_json(_stripped(header))).hexdigest(),
    }


def embed_safetensors(src: str | Path, record: dict[str, Any], out: str | Path) -> Path:
    """Write ``out``: ``src`` with the record in ``__metadata__``; ``src`` is not modified."""
    src, out = Path(src), Path(out)
    if out.resolve() == src.resolve():
        raise ConfigError("--out must differ from the model file (inputs are never modified)")
    header, start = _header(src)
    meta = dict(header.get("__metadata__") or {})
    if any(not isinstance(v, str) for v in meta.values()):
        raise ConfigError(f"{src}: __metadata__ values must be strings")
    meta[KEY] = canonical_json(record).decode("utf-8")
    header = {**header, "__metadata__": meta}
    blob = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    blob += b" " * (-len(blob) % 8)  # keep the data section 8-byte aligned, as writers do
    tmp = out.with_name(f".{out.name}.tmp")
    with open(src, "rb") as reader, open(tmp, "wb") as writer:
        writer.write(struct.pack("<Q", len(blob)) + blob)
        reader.seek(start)
        while chunk := reader.read(BUFFER):
            writer.write(chunk)
    if hash_from(tmp, 8 + len(blob)) != hash_from(src, start):
        tmp.unlink()
        raise ConfigError(f"{out}: tensor data changed while copying; nothing written")
    os.replace(tmp, out)
    return out


def read_embedded(path: str | Path) -> dict[str, Any] | None:
    header, _ = _header(Path(path))
    text = (header.get("__metadata__") or {}).get(KEY)
    if text is None:
        return None
    try:
        data: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: embedded provenance record is not JSON ({exc})") from None
    return data


def verify_embedded(path: str | Path, public: str | Path) -> list[Difference]:
    """The embedded record's signature (raises SignatureError), and that this file's tensors
    and header (less the record) are those of a model file the record names."""
    from clearance.provenance.gguf_embed import gguf_digests, read_embedded_gguf

    p = Path(path)
    with open(p, "rb") as handle:
        is_gguf = handle.read(4) == b"GGUF"
    record = read_embedded_gguf(p) if is_gguf else read_embedded(p)
    where = "key-value" if is_gguf else "__metadata__."
    if record is None:
        return [Difference(p.name, f"{where}{KEY}", "an embedded record", "none")]
    check_signature(record, load_public(public))
    mine = gguf_digests(p) if is_gguf else safetensors_digests(p)
    entries = [f for f in record.get("model", {}).get("files", []) if "tensors_sha256" in f]
    for entry in entries:
        if entry["tensors_sha256"] == mine["tensors_sha256"]:
            if entry["header_sha256"] != mine["header_sha256"]:
                what = "header (tensor names, shapes, dtypes, offsets or metadata)"
                return [Difference(p.name, what, entry["header_sha256"], mine["header_sha256"])]
            return []
    expected = ", ".join(e["tensors_sha256"] for e in entries) or "a model file"
    return [Difference(p.name, "tensor data (sha256)", expected, mine["tensors_sha256"])]
