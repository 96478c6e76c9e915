"""What a Hugging Face dataset card declares: its license and its terms of access.

The hf reader attaches the card's YAML front matter to every item of the dataset as
``meta["hf_card"]``. Card fields read (see shared/reference/signals.md): ``license`` (a
lower-case Hugging Face id, mostly SPDX ids, plus ``other``/``unknown`` and model-license ids
such as ``openrail``), ``license_name``, ``license_link``, and the gating fields ``gated``,
``extra_gated_prompt`` (terms shown before access), ``extra_gated_fields`` (what a user must
agree to). A card without a license is reported too: about 29% of Hugging Face-hosted
datasets audited by the Data Provenance Initiative had none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from clearance.detectors.base import Detector, register
from clearance.detectors.signals._rights import Signal
from clearance.detectors.signals.xmp import emit
from clearance.licenses.expressions import normalise_expression
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

#: Hugging Face ids whose SPDX id differs by more than case.
HF_TO_SPDX: Final = {
    "odc-by": "ODC-By-1.0",
    "odbl": "ODbL-1.0",
    "pddl": "PDDL-1.0",
    "c-uda": "C-UDA-1.0",
    "cc0-1.0": "CC0-1.0",
}
_GATE_KEYS: Final = ("extra_gated_prompt", "extra_gated_fields", "extra_gated_heading")


@register
class DatasetCardDetector(Detector):
    name = "dataset-card"
    version = "1.0"
    description = "License, terms of use and gated access declared in a Hugging Face card"
    media_types = ("*",)
    time_budget_s = 1.0

    def __init__(self) -> None:
        super().__init__()
        # Every item of a dataset shares one card object: read it once.
        self._cache: tuple[object, list[Signal], str | None] | None = None

    def detect(self, item: Item) -> Iterator[Finding]:
        card = item.meta.get("hf_card") if item.meta else None
        if card is None:
            return
        if self._cache is None or self._cache[0] is not card:
            self._cache = (card, *card_signals(card))
        _, signals, problem = self._cache
        if problem:
            yield error_finding(item.item_id, "hf-card-invalid", problem, detector=self.name)
        yield from emit(self, item, signals)


def card_signals(card: Any) -> tuple[list[Signal], str | None]:
    """The signals of one card, and why it could not be read (if so)."""
    if not isinstance(card, dict):
        return [], "dataset card front matter is not a mapping"
    if "_error" in card:
        return [], str(card["_error"])
    out = _license_signals(card)
    out.extend(_gate_signals(card))
    return out, None


def _license_signals(card: dict[str, Any]) -> list[Signal]:
    raw = card.get("license")
    ids = [str(v) for v in raw] if isinstance(raw, list) else [str(raw)] if raw else []
    name = str(card.get("license_name") or "")
    link = str(card.get("license_link") or "")
    extra = "".join(f" {k}={v!r}" for k, v in (("license_name", name), ("license_link", link)) if v)
    if not ids:
        evidence = f"card has no license field{extra}"
        return [Signal("terms", "no-license-declared", 0.8, "hf-card/no-license", evidence)]
    out: list[Signal] = []
    for hf_id in ids:
        evidence = f"card license={hf_id!r}{extra}"
        key = hf_id.strip().lower()
        if key in ("other", "unknown"):
            ref = f"LicenseRef-{_slug(name)}" if name else key
            out.append(Signal("license", ref, 0.4, f"hf-card/license-{key}", evidence))
            continue
        parsed = normalise_expression(HF_TO_SPDX.get(key, hf_id))
        if parsed.ok:
            out.append(Signal("license", parsed.expression, 0.9, "hf-card/license", evidence))
        else:
            ref = f"LicenseRef-hf-{_slug(hf_id)}"
            out.append(Signal("license", ref, 0.5, "hf-card/license-unrecognised", evidence))
    return out


def _gate_signals(card: dict[str, Any]) -> list[Signal]:
    gated = card.get("gated")
    present = [k for k in _GATE_KEYS if card.get(k)]
    if not present and gated in (None, False, "false"):
        return []
    mode = "manual" if str(gated).lower() == "manual" else "gated"
    parts = [f"gated={gated!r}"] if gated is not None else []
    prompt = str(card.get("extra_gated_prompt") or "").strip()
    if prompt:
        parts.append(f"prompt={prompt[:300]!r}")
    fields = card.get("extra_gated_fields")
    if isinstance(fields, dict) and fields:
        parts.append(f"fields={', '.join(map(str, fields))!r}")
    out = [Signal("terms", f"access-{mode}", 0.9, "hf-card/gated", "; ".join(parts))]
    if prompt:
        out.append(Signal("terms", prompt[:200], 0.8, "hf-card/terms-of-use", f"prompt={prompt!r}"))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")[:64] or "unnamed"
