"""Provenance of a trained model: a signed record binding the model files' sha256 to the
cleared data (the export's Merkle root), the policy, counsel's decisions and the obligations
that pass downstream; and the IP dossier built from a run.

``create_record`` / ``verify_record`` (record.py), ``new_keypair`` (signing.py),
``embed_safetensors`` (embed.py), ``build_dossier`` (dossier.py). Not legal advice.
"""

from clearance.provenance.hashing import sha256_file
from clearance.provenance.record import Difference, create_record, verify_record
from clearance.provenance.signing import canonical_json, new_keypair

__all__ = [
    "Difference",
    "canonical_json",
    "create_record",
    "new_keypair",
    "sha256_file",
    "verify_record",
]
