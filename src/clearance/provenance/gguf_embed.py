"""Embed a provenance record in a GGUF file as one string key-value (``clearance.provenance``)
without touching tensor data.

GGUF (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md): magic, version, tensor
count, key-value count, the key-values, the tensor infos (offsets relative to the data
section), padding to ``general.alignment`` (default 32), the data. A new key-value grows the
header, so the tensor-info bytes are copied unchanged, the padding is recomputed for the new
header length, and the data section is copied byte for byte (and re-hashed before the file is
kept). Parsed here by hand: only the header's byte layout is needed, and the ``gguf`` package
would be a runtime dependency for ~60 lines (the tests read the result with it).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any

from clearance.model.errors import ConfigError
from clearance.provenance.embed import KEY, hash_from
from clearance.provenance.hashing import BUFFER
from clearance.provenance.signing import canonical_json

_SCALAR = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_STRING, _ARRAY, _UINT32 = 8, 9, 4
#: a header this large is not a model's: refuse rather than read it
MAX_HEADER = 512 * 1024 * 1024


class _Cursor:
    def __init__(self, data: bytes, path: Path):
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ConfigError(f"{self.path}: GGUF header is truncated or corrupt")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self.take(8))[0])

    def string(self) -> bytes:
        return self.take(self.u64())

    def value(self, vtype: int) -> Any:
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            etype, n = self.u32(), self.u64()
            if etype in _SCALAR:
                self.take(_SCALAR[etype] * n)
                return None
            for _ in range(n):
                self.value(etype)
            return None
        if vtype not in _SCALAR:
            raise ConfigError(f"{self.path}: unknown GGUF value type {vtype}")
        raw = self.take(_SCALAR[vtype])
        return int.from_bytes(raw, "little") if vtype in (4, 10) else None


def _layout(path: Path) -> dict[str, Any]:
    """Byte offsets of the GGUF sections and the key-values we need."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        data = handle.read(min(size, MAX_HEADER))
    cur = _Cursor(data, path)
    if cur.take(4) != b"GGUF":
        raise ConfigError(f"{path}: not a GGUF file")
    version = cur.u32()
    if version not in (2, 3):
        raise ConfigError(f"{path}: GGUF version {version} is not supported")
    n_tensors, n_kv = cur.u64(), cur.u64()
    kv_start = cur.pos
    alignment, existing, ours = 32, None, (0, 0)
    for _ in range(n_kv):
        start = cur.pos
        key = cur.string()
        vtype = cur.u32()
        value = cur.value(vtype)
        if key == b"general.alignment" and vtype == _UINT32 and value:
            alignment = int(value)
        if key == KEY.encode():
            existing, ours = value, (start, cur.pos)
    kv_end = cur.pos
    for _ in range(n_tensors):
        cur.string()
        n_dims = cur.u32()
        cur.take(8 * n_dims + 4 + 8)
    info_end = cur.pos
    data_start = info_end + (-info_end % alignment)
    if data_start > size:
        raise ConfigError(f"{path}: GGUF data section starts past the end of the file")
    return {
        "version": version,
        "n_tensors": n_tensors,
        "n_kv": n_kv,
        "kv_start": kv_start,
        "kv_end": kv_end,
        "info_end": info_end,
        "alignment": alignment,
        "data_start": data_start,
        "existing": existing,
        "head": data[:info_end],
        "ours": ours,
    }


def embed_gguf(src: str | Path, record: dict[str, Any], out: str | Path) -> Path:
    """Write ``out``: ``src`` plus the record as a string key-value; ``src`` is unchanged."""
    src, out = Path(src), Path(out)
    if out.resolve() == src.resolve():
        raise ConfigError("--out must differ from the model file (inputs are never modified)")
    lay = _layout(src)
    if lay["existing"] is not None:
        raise ConfigError(f"{src} already carries a {KEY} key-value")
    text = canonical_json(record)
    kv = struct.pack("<Q", len(KEY)) + KEY.encode() + struct.pack("<IQ", _STRING, len(text))
    head: bytes = lay["head"]
    new = (
        head[:4]
        + struct.pack("<IQQ", lay["version"], lay["n_tensors"], lay["n_kv"] + 1)
        + head[lay["kv_start"] : lay["kv_end"]]
        + kv
        + text
        + head[lay["kv_end"] : lay["info_end"]]
    )
    new += b"\x00" * (-len(new) % lay["alignment"])
    tmp = out.with_name(f".{out.name}.tmp")
    with open(src, "rb") as reader, open(tmp, "wb") as writer:
        writer.write(new)
        reader.seek(lay["data_start"])
        while chunk := reader.read(BUFFER):
            writer.write(chunk)
    if hash_from(tmp, len(new)) != hash_from(src, lay["data_start"]):
        tmp.unlink()
        raise ConfigError(f"{out}: tensor data changed while copying; nothing written")
    os.replace(tmp, out)
    return out


def read_embedded_gguf(path: str | Path) -> dict[str, Any] | None:
    value = _layout(Path(path))["existing"]
    if value is None:
        return None
    try:
        data: dict[str, Any] = json.loads(value)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: embedded provenance record is not JSON ({exc})") from None
    return data


def _stripped_header(lay: dict[str, Any]) -> bytes:
    """The header bytes less our key-value: an embedded copy's equals the original's."""
    head: bytes = lay["head"]
    if lay["existing"] is None:
        return head
    start, end = lay["ours"]
    count = struct.pack("<IQQ", lay["version"], lay["n_tensors"], lay["n_kv"] - 1)
    return head[:4] + count + head[lay["kv_start"] : start] + head[end : lay["info_end"]]


def gguf_digests(path: str | Path) -> dict[str, str]:
    """``tensors_sha256`` (the data section) and ``header_sha256`` (key-values and tensor
    infos, less an embedded record): what an embedded copy must still match."""
    try:
        lay = _layout(Path(path))
    except ConfigError:
        return {}
    return {
        "tensors_sha256": hash_from(Path(path), lay["data_start"]),
        "header_sha256": hashlib.sha256(_stripped_header(lay)).hexdigest(),
    }
