"""Streaming sha256 of large model files: read into one reused buffer (no copies, never
loaded as a model), so hashing runs near disk speed (benchmarks/provenance_hash.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

#: 8 MiB reads: few syscalls per GB, small enough to stay in cache
BUFFER = 8 * 1024 * 1024

_FORMATS = {
    ".safetensors": "safetensors",
    ".gguf": "gguf",
    ".onnx": "onnx",
    ".pt": "pytorch",
    ".pth": "pytorch",
    ".bin": "pytorch",
    ".ckpt": "pytorch",
}


def sha256_file(path: str | Path, buffer_size: int = BUFFER) -> str:
    digest = hashlib.sha256()
    buf = bytearray(buffer_size)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as handle:
        while n := handle.readinto(buf):
            digest.update(view[:n])
    return digest.hexdigest()


def model_format(path: str | Path) -> str:
    """The format named by the file: magic bytes first (GGUF, safetensors), then the suffix."""
    p = Path(path)
    try:
        with open(p, "rb") as handle:
            head = handle.read(9)
    except OSError:
        head = b""
    if head[:4] == b"GGUF":
        return "gguf"
    if len(head) == 9 and head[8:9] == b"{":
        return "safetensors"
    if head[:2] == b"PK" and p.suffix in {".pt", ".pth", ".bin", ".ckpt"}:
        return "pytorch"
    return _FORMATS.get(p.suffix.lower(), "other")
