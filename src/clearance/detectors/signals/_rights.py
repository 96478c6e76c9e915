"""What rights metadata says, as format-neutral signals the media detectors turn into findings.

Sources of the vocabularies (gathered in shared/reference/signals.md; the specification pages
themselves were not re-read for this module, so their section numbers are not given):
- IPTC Photo Metadata Standard: "Data Mining" (``plus:DataMining``, PLUS LDF vocabulary
  ``http://ns.useplus.org/ldf/vocab/DMI-*``) and "Other Constraints" (``plus:OtherConstraints``).
- XMP Specification Part 1 (Adobe; ISO 16684-1), XMP Rights Management namespace:
  ``xmpRights:Marked`` (False = public domain), ``UsageTerms``, ``WebStatement``, ``Owner``;
  Dublin Core ``dc:rights``, ``dc:creator``; ccREL ``cc:license``, ``cc:attributionName``.
- W3C TDMRep (w3c/tdm-reservation-protocol, spec/index.html): ``tdm:reservation`` 0/1 and
  ``tdm:policy`` in PDF/EPUB XMP; any other value counts as unset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from clearance.detectors.license.cc_url import cc_url_to_spdx
from clearance.detectors.signals._xmp import XmpProperties
from clearance.licenses.expressions import normalise_expression

NS_PLUS: Final = "http://ns.useplus.org/ldf/xmp/1.0/"
NS_XMP_RIGHTS: Final = "http://ns.adobe.com/xap/1.0/rights/"
NS_CC: Final = "http://creativecommons.org/ns#"
NS_DC: Final = "http://purl.org/dc/elements/1.1/"
NS_IPTC_EXT: Final = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
#: TDMRep's namespace is written both ways in the wild.
NS_TDM: Final = ("http://www.w3.org/ns/tdmrep/", "http://www.w3.org/ns/tdmrep#")

#: PLUS "Data Mining" values that reserve some mining use (an opt-out).
DMI_RESERVED: Final = frozenset(
    {
        "DMI-PROHIBITED",
        "DMI-PROHIBITED-AIMLTRAINING",
        "DMI-PROHIBITED-GENAIMLTRAINING",
        "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
        "DMI-PROHIBITED-SEECONSTRAINT",
        "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR",
        "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR",
    }
)
DMI_OPEN: Final = frozenset({"DMI-ALLOWED", "DMI-UNSPECIFIED"})


@dataclass(frozen=True)
class Signal:
    """One observation, before a detector stamps it into a Finding."""

    kind: str
    value: str
    confidence: float
    rule: str
    evidence: str


def dmi_token(raw: str) -> str:
    """``http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED`` -> ``DMI-PROHIBITED``; bare keys and
    mixed case (seen in the wild) normalised the same way."""
    text = raw.strip()
    at = text.lower().rfind("/vocab/")
    if at >= 0:
        text = text[at + len("/vocab/") :]
    elif "/" in text:
        text = text.rsplit("/", 1)[1]
    token = re.sub(r"[\s_]+", "-", text.strip()).upper()
    return token if token.startswith("DMI-") else f"DMI-{token}"


def data_mining_signal(raw: str, where: str) -> Signal:
    token = dmi_token(raw)
    evidence = f"{where} plus:DataMining={raw.strip()!r}"
    if token in DMI_RESERVED:
        return Signal("optout", token, 1.0, "iptc/data-mining", evidence)
    if token in DMI_OPEN:
        return Signal("terms", token, 1.0, "iptc/data-mining", evidence)
    if "PROHIBITED" in token:
        return Signal("optout", token, 0.7, "iptc/data-mining-unknown-value", evidence)
    return Signal("terms", token, 0.4, "iptc/data-mining-unknown-value", evidence)


def license_signal(raw: str, rule: str, evidence: str) -> Signal:
    """A declared license: a CC URL or an SPDX expression when recognised, else the raw text
    (low confidence, so a person reads it)."""
    value = raw.strip()
    spdx = cc_url_to_spdx(value)
    if spdx:
        return Signal("license", spdx, 0.95, rule, evidence)
    parsed = normalise_expression(value)
    if parsed.ok and not value.startswith(("http://", "https://")):
        return Signal("license", parsed.expression, 0.9, rule, evidence)
    return Signal("license", value, 0.4, f"{rule}-unrecognised", evidence)


def xmp_signals(props: XmpProperties, where: str = "XMP") -> list[Signal]:
    """Every rights signal in one parsed packet."""
    out: list[Signal] = []

    def each(namespace: str | tuple[str, ...], name: str, label: str) -> list[tuple[str, str]]:
        return [(v, f"{where} {label}={v!r}") for v in props.get(namespace, name)]

    for value, _ in each(NS_PLUS, "DataMining", "plus:DataMining"):
        out.append(data_mining_signal(value, where))
    for value, ev in each(NS_PLUS, "OtherConstraints", "plus:OtherConstraints"):
        out.append(Signal("terms", value, 0.9, "iptc/other-constraints", ev))
    for value, ev in each(NS_XMP_RIGHTS, "UsageTerms", "xmpRights:UsageTerms"):
        out.append(Signal("terms", value, 0.9, "xmp/usage-terms", ev))
    for value, ev in each(NS_XMP_RIGHTS, "WebStatement", "xmpRights:WebStatement"):
        out.append(Signal("terms", value, 0.8, "xmp/web-statement", ev))
    for value, ev in each(NS_XMP_RIGHTS, "Marked", "xmpRights:Marked"):
        marked = value.strip().lower()
        if marked in ("true", "false"):
            status = "rights-managed" if marked == "true" else "public-domain"
            out.append(Signal("copyright", status, 0.8, "xmp/marked", ev))
    for value, ev in each(NS_XMP_RIGHTS, "Owner", "xmpRights:Owner"):
        out.append(Signal("copyright", value, 0.8, "xmp/owner", ev))
    for value, ev in each(NS_PLUS, "CopyrightOwnerName", "plus:CopyrightOwnerName"):
        out.append(Signal("copyright", value, 0.8, "iptc/copyright-owner", ev))
    for value, ev in each(NS_PLUS, "LicensorName", "plus:LicensorName"):
        out.append(Signal("terms", value, 0.7, "iptc/licensor", ev))
    for value, ev in each(NS_PLUS, "LicensorURL", "plus:LicensorURL"):
        out.append(Signal("terms", value, 0.7, "iptc/licensor", ev))
    for value, ev in each(NS_CC, "license", "cc:license"):
        out.append(license_signal(value, "cc/license", ev))
    for value, ev in each(NS_CC, "attributionName", "cc:attributionName"):
        out.append(Signal("copyright", value, 0.7, "cc/attribution-name", ev))
    for value, ev in each(NS_DC, "rights", "dc:rights"):
        out.append(Signal("copyright", value, 0.8, "xmp/dc-rights", ev))
    for value, ev in each(NS_DC, "creator", "dc:creator"):
        out.append(Signal("copyright", value, 0.4, "xmp/dc-creator", ev))
    for value, ev in each(NS_IPTC_EXT, "DigitalSourceType", "Iptc4xmpExt:DigitalSourceType"):
        token = value.rstrip("/").rsplit("/", 1)[-1]
        out.append(Signal("provenance", token, 0.9, "iptc/digital-source-type", ev))
    out.extend(_tdm_signals(props, where))
    return out


def _tdm_signals(props: XmpProperties, where: str) -> list[Signal]:
    out: list[Signal] = []
    for value in props.get(NS_TDM, "reservation"):
        evidence = f"{where} tdm:reservation={value!r}"
        if value.strip() == "1":
            out.append(Signal("optout", "tdm-reservation=1", 1.0, "tdmrep/xmp", evidence))
        elif value.strip() == "0":
            out.append(Signal("terms", "tdm-reservation=0", 1.0, "tdmrep/xmp", evidence))
        # TDMRep §3: any other value is "not set"; nothing to report.
    for value in props.get(NS_TDM, "policy"):
        out.append(
            Signal("terms", value, 0.9, "tdmrep/xmp-policy", f"{where} tdm:policy={value!r}")
        )
    return out


def dedupe(signals: list[Signal]) -> list[Signal]:
    """Drop repeats (several packets or fields saying the same thing), keeping the first."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Signal] = []
    for signal in signals:
        key = (signal.kind, signal.value, signal.rule)
        if key not in seen:
            seen.add(key)
            out.append(signal)
    return out
