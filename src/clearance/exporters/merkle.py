"""Merkle root over content hashes (RFC 6962 §2.1 tree: leaf = H(0x00 || d), node =
H(0x01 || left || right); an odd node is carried up unchanged, which gives the same root as
RFC 6962's split at the largest power of two). https://www.rfc-editor.org/rfc/rfc6962#section-2.1
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()  # RFC 6962: MTH({}) = SHA-256()


def merkle_root(hex_digests: Iterable[str]) -> str:
    """Root over the leaves in the order given (the export orders them by item id)."""
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(d)).digest() for d in hex_digests]
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        nxt = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()
