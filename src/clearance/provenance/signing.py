"""Ed25519 keys and signatures over canonical JSON (sorted keys, no spaces, UTF-8), via
``cryptography`` (the ``provenance`` extra)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearance.model.errors import ClearanceError, ConfigError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

ALG = "Ed25519"


class SignatureError(ClearanceError):
    """The record's signature does not verify with the key given."""


def canonical_json(data: Any) -> bytes:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        raise ConfigError(
            "signing needs the `cryptography` package: pip install 'clearance[provenance]'"
        ) from None
    return serialization, ed25519


def new_keypair(out: str | Path, public: str | Path | None = None) -> tuple[Path, Path]:
    """Write a PEM private key (mode 0600, never overwritten) and its PEM public key."""
    serialization, ed25519 = _crypto()
    out = Path(out)
    pub = Path(public) if public is not None else out.with_name(out.name + ".pub")
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"{out} exists; refusing to overwrite a key") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    pub.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return out, pub


def load_private(path: str | Path) -> Ed25519PrivateKey:
    serialization, ed25519 = _crypto()
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: not a readable unencrypted PEM private key ({exc})") from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ConfigError(f"{path}: not an Ed25519 key")
    private: Ed25519PrivateKey = key
    return private


def load_public(path: str | Path) -> Ed25519PublicKey:
    serialization, ed25519 = _crypto()
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable PEM public key ({exc})") from None
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ConfigError(f"{path}: not an Ed25519 public key")
    public: Ed25519PublicKey = key
    return public


def key_id(public: Ed25519PublicKey) -> str:
    """sha256 of the raw 32-byte public key: names the key without trusting the record."""
    serialization, _ = _crypto()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign(body: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The record with a ``signature`` over the canonical JSON of everything else."""
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    value = key.sign(canonical_json(unsigned))
    return {
        **unsigned,
        "signature": {
            "alg": ALG,
            "key_id": key_id(key.public_key()),
            "value": base64.b64encode(value).decode("ascii"),
        },
    }


def check_signature(record: dict[str, Any], public: Ed25519PublicKey) -> None:
    """Raise SignatureError naming why: unsigned, another key, or content changed."""
    from cryptography.exceptions import InvalidSignature

    sig = record.get("signature")
    if not isinstance(sig, dict) or sig.get("alg") != ALG:
        raise SignatureError("the record carries no Ed25519 signature")
    if sig.get("key_id") != key_id(public):
        raise SignatureError(
            f"signed by another key (key_id {str(sig.get('key_id'))[:16]}…, the public key "
            f"given is {key_id(public)[:16]}…)"
        )
    try:
        value = base64.b64decode(str(sig.get("value", "")), validate=True)
        unsigned = {k: v for k, v in record.items() if k != "signature"}
        public.verify(value, canonical_json(unsigned))
    except (InvalidSignature, ValueError):
        raise SignatureError(
            "the signature does not match the record's content: the record was changed "
            "after it was signed"
        ) from None
