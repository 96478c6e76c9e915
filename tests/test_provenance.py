"""Provenance records end to end: keys, create, verify (signature, model files, export,
record), wrong key, and the safetensors embedded copy (tensor bytes untouched)."""

from __future__ import annotations

import json
import shutil
import stat
import struct
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from clearance.provenance.embed import KEY, embed_safetensors, read_embedded, verify_embedded
from clearance.provenance.record import create_record, read_record, verify_record, write_record
from clearance.provenance.signing import SignatureError, new_keypair
from provenance_helpers import make_export, make_gguf, make_safetensors
from test_cli import cli


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A decided example run, its export, two model files, a key pair and a signed record."""
    root = tmp_path_factory.mktemp("provenance")
    from helpers import EXAMPLES

    shutil.copytree(EXAMPLES, root / "examples")
    run = root / "runs" / "demo"
    result = cli(
        "scan",
        str(root / "examples" / "clearance.yaml"),
        "--out",
        str(run),
        "--workers",
        "1",
        "--purpose",
        "commercial-training",
    )
    assert result.returncode == 0, result.stderr
    (root / "export").mkdir()
    make_export(run, root / "export")
    make_safetensors(root / "model.safetensors", {"format": "np"})
    make_gguf(root / "model.gguf")
    result = cli("keys", "new", "--out", str(root / "key.pem"))
    assert result.returncode == 0, result.stderr
    assert "PRIVATE" not in result.stdout + result.stderr
    result = cli(
        "provenance",
        "create",
        "--model",
        str(root / "model.safetensors"),
        "--model",
        str(root / "model.gguf"),
        "--export",
        str(root / "export"),
        "--run",
        str(run),
        "--key",
        str(root / "key.pem"),
        "--out",
        str(root / "PROVENANCE.json"),
        "--embed-dir",
        str(root / "embedded"),
    )
    assert result.returncode == 0, result.stderr
    return root


def copy(signed: Path, tmp_path: Path) -> Path:
    target = tmp_path / "w"
    shutil.copytree(signed, target, ignore=shutil.ignore_patterns("examples", "runs"))
    return target


def verify(root: Path, *extra: str, public: str = "key.pem.pub") -> tuple[int, str]:
    result = cli(
        "provenance",
        "verify",
        str(root / "PROVENANCE.json"),
        "--public",
        str(root / public),
        "--model",
        str(root / "model.safetensors"),
        "--model",
        str(root / "model.gguf"),
        "--export",
        str(root / "export"),
        *extra,
    )
    return result.returncode, result.stdout + result.stderr


def test_private_key_is_private_and_not_overwritten(signed: Path) -> None:
    mode = stat.S_IMODE((signed / "key.pem").stat().st_mode)
    assert mode == 0o600
    assert (signed / "key.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    again = cli("keys", "new", "--out", str(signed / "key.pem"))
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr


def test_record_binds_models_data_decisions_and_obligations(signed: Path) -> None:
    record = read_record(signed / "PROVENANCE.json")
    files = {f["name"]: f for f in record["model"]["files"]}
    assert files["model.safetensors"]["format"] == "safetensors"
    assert files["model.gguf"]["format"] == "gguf"
    assert len(files["model.safetensors"]["tensors_sha256"]) == 64
    clearance = json.loads((signed / "export" / "CLEARANCE.json").read_text())
    assert record["data"]["merkle_root"] == clearance["merkle_root"]
    assert record["data"]["policy"] == "commercial-training"
    assert record["decisions"]["items"] == 39 and len(record["decisions"]["sha256"]) == 64
    assert record["decisions"]["counts"]["cleared"] == clearance["items"]
    # CC BY-SA data is cleared in the example: attribution and share-alike pass downstream
    assert any(o.startswith("CC-BY-SA-4.0") for o in record["obligations"]["share_alike"])
    assert any(o.startswith("CC-BY-SA-4.0") for o in record["obligations"]["attribution"])
    assert record["signature"]["alg"] == "Ed25519"


def test_sign_then_verify_passes(signed: Path) -> None:
    code, out = verify(signed)
    assert code == 0, out
    assert "verified: signature valid" in out


def test_one_byte_in_a_model_file_is_named(signed: Path, tmp_path: Path) -> None:
    root = copy(signed, tmp_path)
    data = bytearray((root / "model.gguf").read_bytes())
    data[100] ^= 1
    (root / "model.gguf").write_bytes(bytes(data))
    code, out = verify(root)
    assert code == 3
    assert "model.gguf: sha256 differs" in out and "model.safetensors" not in out


def test_one_byte_in_the_export_is_named(signed: Path, tmp_path: Path) -> None:
    root = copy(signed, tmp_path)
    target = root / "export" / "data" / "code" / "adler32.c"
    data = bytearray(target.read_bytes())
    data[0] ^= 0x20
    target.write_bytes(bytes(data))
    code, out = verify(root)
    assert code == 3
    assert "data/code/adler32.c: sha256 differs" in out


def test_a_changed_export_root_names_the_field(signed: Path, tmp_path: Path) -> None:
    root = copy(signed, tmp_path)
    path = root / "export" / "CLEARANCE.json"
    info = json.loads(path.read_text())
    info["merkle_root"] = "0" * 64
    path.write_text(json.dumps(info))
    code, out = verify(root, "--json")
    assert code == 3
    diffs = json.loads(out)["differences"]
    fields = {(d["where"], d["field"]) for d in diffs}
    assert ("CLEARANCE.json", "merkle_root") in fields
    assert ("MANIFEST.jsonl", "merkle_root (recomputed)") in fields


def test_one_byte_in_the_record_breaks_the_signature(signed: Path, tmp_path: Path) -> None:
    root = copy(signed, tmp_path)
    path = root / "PROVENANCE.json"
    record = json.loads(path.read_text())
    record["data"]["purpose"] = "commercial-trainin9"
    path.write_text(json.dumps(record))
    code, out = verify(root)
    assert code == 1
    assert "record was changed after it was signed" in out


def test_wrong_key_is_refused(signed: Path, tmp_path: Path) -> None:
    root = copy(signed, tmp_path)
    new_keypair(root / "other.pem")
    code, out = verify(root, public="other.pem.pub")
    assert code == 1 and "signed by another key" in out


def test_unknown_or_missing_model_file_is_reported(signed: Path, tmp_path: Path) -> None:
    root = copy(signed, tmp_path)
    (root / "extra.onnx").write_bytes(b"\x08\x07onnx")
    record = read_record(root / "PROVENANCE.json")
    diffs = verify_record(record, root / "key.pem.pub", models=[root / "extra.onnx"])
    assert [(d.where, d.field) for d in diffs] == [("extra.onnx", "file")]


def test_embedded_copy_keeps_tensor_bytes_and_verifies(signed: Path) -> None:
    original = signed / "model.safetensors"
    embedded = signed / "embedded" / "model.safetensors"
    a, b = load_file(str(original)), load_file(str(embedded))
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].dtype == b[name].dtype and np.array_equal(a[name], b[name])
    n_a = struct.unpack("<Q", original.read_bytes()[:8])[0]
    n_b = struct.unpack("<Q", embedded.read_bytes()[:8])[0]
    assert n_b > n_a and n_b % 8 == 0
    assert original.read_bytes()[8 + n_a :] == embedded.read_bytes()[8 + n_b :]
    record = read_embedded(embedded)
    assert record == read_record(signed / "PROVENANCE.json")
    header = json.loads(embedded.read_bytes()[8 : 8 + n_b])
    assert header["__metadata__"]["format"] == "np" and KEY in header["__metadata__"]
    result = cli("provenance", "verify", str(embedded), "--public", str(signed / "key.pem.pub"))
    assert result.returncode == 0, result.stderr


def test_embedded_copy_with_changed_tensor_is_named(signed: Path, tmp_path: Path) -> None:
    target = tmp_path / "m.safetensors"
    data = bytearray((signed / "embedded" / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    diffs = verify_embedded(target, signed / "key.pem.pub")
    assert len(diffs) == 1 and diffs[0].field == "tensor data (sha256)"


def test_embedding_never_modifies_the_input(signed: Path, tmp_path: Path) -> None:
    src = tmp_path / "m.safetensors"
    shutil.copy(signed / "model.safetensors", src)
    before = src.read_bytes()
    record = read_record(signed / "PROVENANCE.json")
    with pytest.raises(Exception, match="must differ"):
        embed_safetensors(src, record, src)
    assert src.read_bytes() == before


@pytest.mark.parametrize(
    "blob",
    [b"", b"\x01\x00", struct.pack("<Q", 10**12) + b"{}", struct.pack("<Q", 4) + b"[1] "],
)
def test_hostile_safetensors_headers_are_clear_errors(tmp_path: Path, blob: bytes) -> None:
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(blob)
    with pytest.raises(Exception, match="safetensors"):
        read_embedded(bad)


def test_create_and_verify_in_process(signed: Path, tmp_path: Path) -> None:
    record = create_record(
        [signed / "model.gguf"], signed / "export", signed / "key.pem", created="2026-01-01"
    )
    out = write_record(record, tmp_path / "r.json")
    assert verify_record(read_record(out), signed / "key.pem.pub", export=signed / "export") == []
    new_keypair(tmp_path / "k2.pem")
    with pytest.raises(SignatureError):
        verify_record(record, tmp_path / "k2.pem.pub")


def test_obligations_sort_rail_llama_and_cc_terms() -> None:
    from clearance.provenance.obligations import license_obligations

    obl = license_obligations(["LicenseRef-bigscience-openrail-m", "llama3.1", "CC-BY-SA-4.0", ""])
    assert obl["licenses"] == ["CC-BY-SA-4.0", "LicenseRef-bigscience-openrail-m", "llama3.1"]
    assert any("openrail" in t and "Attachment A" in t for t in obl["use_restrictions"])
    assert any(t.startswith("llama3.1:") and "acceptable use" in t for t in obl["use_restrictions"])
    assert any('"Llama" at the beginning' in t for t in obl["naming"])
    assert any("Built with Llama" in t for t in obl["naming"])
    assert [t.split(":")[0] for t in obl["share_alike"]] == ["CC-BY-SA-4.0"]
    assert license_obligations(["MIT"])["use_restrictions"] == []


def test_embedded_gguf_keeps_tensors_and_key_values(signed: Path) -> None:
    import gguf

    original = gguf.GGUFReader(str(signed / "model.gguf"))
    embedded = gguf.GGUFReader(str(signed / "embedded" / "model.gguf"))
    assert [t.name for t in original.tensors] == [t.name for t in embedded.tensors]
    for a, b in zip(original.tensors, embedded.tensors, strict=True):
        assert a.tensor_type == b.tensor_type and np.array_equal(a.data, b.data)
    for key in original.fields:
        if key.startswith("GGUF."):
            continue
        assert embedded.fields[key].parts[-1].tobytes() == original.fields[key].parts[-1].tobytes()
    field = embedded.fields[KEY]
    text = bytes(field.parts[field.data[0]]).decode()
    assert json.loads(text) == read_record(signed / "PROVENANCE.json")
    result = cli(
        "provenance",
        "verify",
        str(signed / "embedded" / "model.gguf"),
        "--public",
        str(signed / "key.pem.pub"),
    )
    assert result.returncode == 0, result.stderr


def test_embedded_gguf_with_changed_tensor_is_named(signed: Path, tmp_path: Path) -> None:
    target = tmp_path / "m.gguf"
    data = bytearray((signed / "embedded" / "model.gguf").read_bytes())
    data[-3] ^= 0xFF
    target.write_bytes(bytes(data))
    diffs = verify_embedded(target, signed / "key.pem.pub")
    assert len(diffs) == 1 and diffs[0].field == "tensor data (sha256)"


@pytest.mark.parametrize(
    "blob",
    [
        b"GGUF",
        b"GGUF" + struct.pack("<IQQ", 3, 1, 1) + struct.pack("<Q", 10**15),
        b"GGUF" + struct.pack("<IQQ", 9, 0, 0),
        b"GGUF"
        + struct.pack("<IQQ", 3, 0, 1)
        + struct.pack("<Q", 1)
        + b"k"
        + struct.pack("<I", 99),
    ],
)
def test_hostile_gguf_headers_are_clear_errors(tmp_path: Path, blob: bytes) -> None:
    from clearance.provenance.gguf_embed import embed_gguf

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(blob)
    with pytest.raises(Exception, match="GGUF"):
        embed_gguf(bad, {"format": "x"}, tmp_path / "out.gguf")
    assert bad.read_bytes() == blob
