"""C2PA manifests and their training-and-data-mining assertions, read with ``c2pa-python``.

Labels read: ``cawg.training-mining`` (CAWG assertion 1.1; entries ``cawg.data_mining``,
``cawg.ai_inference``, ``cawg.ai_generative_training``, ``cawg.ai_training``) and the older
``c2pa.training-mining`` (C2PA 1.x). Each entry's ``use`` is ``allowed``, ``notAllowed`` or
``constrained``; constrained counts as a reservation (an ``optout``) unless more is known, and
its ``constraint_info`` goes into the evidence. A manifest that fails validation is reported
as an ``error`` finding (the item goes to review) and its assertions at low confidence. No
network: remote manifests and OCSP are never fetched.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, Final

from clearance.detectors.base import Detector, register
from clearance.detectors.signals._rights import Signal
from clearance.detectors.signals.xmp import emit
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

TRAINING_LABELS: Final = ("cawg.training-mining", "c2pa.training-mining")
_RESERVED_USES: Final = frozenset({"notallowed", "constrained"})
#: every embedded manifest store is a JUMBF box labelled "c2pa".
_MARKERS: Final = (b"c2pa",)
_SETTINGS: Final = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}


@register
class C2paDetector(Detector):
    name = "c2pa"
    version = "1.0"
    description = "C2PA manifests: validation and CAWG/C2PA training-and-data-mining assertions"
    media_types = ("image/*", "audio/*", "video/*", "application/pdf")
    requires = ("c2pa",)
    extra = "c2pa"
    time_budget_s = 10.0

    def __init__(self) -> None:
        super().__init__()
        self._context: Any = None

    def detect(self, item: Item) -> Iterator[Finding]:
        if not item.may_contain(_MARKERS):
            return
        import c2pa

        if self._context is None:
            self._context = c2pa.Context.from_dict(_SETTINGS)
        try:
            reader = c2pa.Reader(item.media_type, io.BytesIO(item.data), None, self._context)
        except c2pa.C2paError.ManifestNotFound:
            return
        except c2pa.C2paError.NotSupported:
            return
        except c2pa.C2paError as exc:
            message = f"C2PA manifest unreadable: {exc}"
            yield error_finding(item.item_id, "c2pa-invalid", message, detector=self.name)
            return
        with reader:
            store = json.loads(reader.json())
        yield from self._report(item, store)

    def _report(self, item: Item, store: dict[str, Any]) -> Iterator[Finding]:
        state = str(store.get("validation_state") or "Unknown")
        codes = [str(s.get("code")) for s in store.get("validation_status") or []]
        invalid = state == "Invalid"
        if invalid:
            failures = ", ".join(c for c in codes if c != "signingCredential.untrusted")
            message = f"C2PA manifest failed validation: {failures or state}"
            yield error_finding(item.item_id, "c2pa-invalid", message, detector=self.name)
        active = store.get("active_manifest")
        manifests: dict[str, Any] = store.get("manifests") or {}
        for label, manifest in manifests.items():
            role = "active manifest" if label == active else "ingredient manifest"
            signer = (manifest.get("signature_info") or {}).get("issuer", "unknown signer")
            note = f"{role} {label}, signed by {signer!r}, validation {state}"
            if "signingCredential.untrusted" in codes:
                note += " (signer not on a trust list)"
            if label == active:
                yield self.finding(
                    item,
                    kind="provenance",
                    value=state,
                    confidence=1.0,
                    rule="c2pa/manifest",
                    evidence=f"{note}; generator {_generator(manifest)!r}",
                )
            signals = _training_signals(manifest, note, invalid, label == active)
            if label == active:
                signals += _source_types(manifest, invalid)
            yield from emit(self, item, signals)


def _generator(manifest: dict[str, Any]) -> str:
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict):
        return str(info[0].get("name", ""))
    return str(manifest.get("claim_generator", ""))


def _source_types(manifest: dict[str, Any], invalid: bool) -> list[Signal]:
    """IPTC digital source types the manifest's actions declare (``trainedAlgorithmicMedia``
    marks AI-generated media)."""
    out: list[Signal] = []
    for assertion in manifest.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (assertion.get("data") or {}).get("actions") or []:
            source_type = str((action or {}).get("digitalSourceType") or "")
            if source_type:
                token = source_type.rstrip("/").rsplit("/", 1)[-1]
                evidence = f"action {action.get('action')!r} digitalSourceType={source_type!r}"
                confidence = 0.4 if invalid else 0.9
                out.append(
                    Signal("provenance", token, confidence, "c2pa/digital-source-type", evidence)
                )
    return out


def _training_signals(
    manifest: dict[str, Any], note: str, invalid: bool, active: bool
) -> list[Signal]:
    out: list[Signal] = []
    for assertion in manifest.get("assertions") or []:
        label = str(assertion.get("label", ""))
        if label.split(".v")[0] not in TRAINING_LABELS:
            continue
        entries = (assertion.get("data") or {}).get("entries") or {}
        for use_name, entry in sorted(entries.items()):
            use = str((entry or {}).get("use", ""))
            value = f"{use_name}:{use}"
            evidence = f"{label} {use_name} use={use!r}"
            constraint = (entry or {}).get("constraint_info")
            if constraint:
                evidence += f" constraint_info={constraint!r}"
            confidence = 1.0 if active else 0.7
            if invalid:
                confidence = 0.4
            kind = "optout" if use.lower() in _RESERVED_USES else "terms"
            out.append(Signal(kind, value, confidence, f"c2pa/{label}", f"{evidence}; {note}"))
    return out
