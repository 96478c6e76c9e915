"""The source audit: where each item came from, under which terms, and on what basis.

Every item gets one ``source`` finding: its origin class (the manifest's ``kind`` when
declared, otherwise inferred from evidence: a government domain, a web capture) and the
basis in plain words. Items whose URL (WARC target URI, or a record's ``url`` field) is on a
domain of the source-terms registry get a ``terms`` finding naming the terms class, the
citation and how far it was checked. A source's vendor agreement and declared terms are
recorded as ``terms`` findings on its items, so the report shows them beside the item.

"Public is not public domain": a crawl of public pages is ``web-scraped``, and only a
declaration or a statute (e.g. 17 U.S.C. § 105 for US federal works) supports anything else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.signals.terms_registry import (
    CONFIDENCE,
    Match,
    TermsRegistry,
    builtin_registry,
    load_registry_file,
)
from clearance.model.errors import ConfigError
from clearance.model.finding import Finding
from clearance.model.item import Item
from clearance.sources.manifest import Source, SourceKind

URL_FIELDS: Final = ("url", "source_url", "link", "page_url")
USC_105: Final = (
    "17 U.S.C. § 105 (no US copyright in works of the US Government) covers only works of "
    "federal officers and employees made in their official duties: not contractors' works, "
    "copyrights transferred to the government, third-party material in government "
    "collections, or protection abroad (statute text and H.R. Rep. No. 94-1476 notes: "
    "http://uscode.elaws.us/law/17usc105)"
)
_NOTES: Final = {
    SourceKind.WEB_SCRAPED: "crawled content: being public does not make it public domain; "
    "the site's terms and opt-out signals are checked",
    SourceKind.LICENSED: "licensed from a vendor: the agreement on file is the basis",
    SourceKind.PUBLIC_DOMAIN: "declared public domain: the declaration is the basis; "
    "notices in the item can contradict it",
    SourceKind.GOVERNMENT: USC_105,
    SourceKind.OPEN_SOURCE: "open source: the declared or detected license is the basis",
    SourceKind.COMMISSIONED: "commissioned: the commissioning contract is the basis",
    SourceKind.CUSTOMER: "customer data: each item is checked against its consent record",
    SourceKind.SYNTHETIC: "synthetic: the generating model's terms are the basis",
}


@register
class SourceAuditDetector(Detector):
    name = "source-audit"
    version = "1.0"
    description = "Origin class and governing terms of each item (manifest + evidence)"
    media_types = ("*",)
    time_budget_s = 1.0

    def __init__(self) -> None:
        super().__init__()
        self._context = DetectorContext()
        self._registries: dict[str, TermsRegistry] = {}
        self._agreements: dict[str, str] = {}

    def configure(self, context: DetectorContext) -> None:
        self._context = context
        builtin = builtin_registry()
        for source in context.sources:
            registry = builtin
            if source.terms_registry:
                registry = builtin.extended(load_registry_file(source.terms_registry))
            self._registries[source.name] = registry
            if source.vendor_agreement:
                self._agreements[source.name] = _describe_agreement(source.vendor_agreement)

    def detect(self, item: Item) -> Iterator[Finding]:
        source = self._context.source(item.source)
        registry = self._registries.get(item.source) or builtin_registry()
        url = item_url(item)
        match = registry.match_url(url) if url else None
        yield self._origin(item, source, url, match)
        if match is not None:
            yield self._terms(item, match)
        if source is not None and source.name in self._agreements:
            yield self.finding(
                item,
                kind="terms",
                value="vendor-agreement",
                confidence=1.0,
                rule="source/vendor-agreement",
                evidence=self._agreements[source.name],
            )
        if source is not None and source.terms:
            yield self.finding(
                item,
                kind="terms",
                value=source.terms,
                confidence=0.9,
                rule="source/declared-terms",
                evidence=f"manifest terms: {source.terms}",
            )

    def _origin(self, item: Item, source: Source | None, url: str, match: Match | None) -> Finding:
        declared = source.kind if source is not None else SourceKind.UNKNOWN
        government = match is not None and match.entry.terms_class.startswith("government")
        if declared is not SourceKind.UNKNOWN:
            basis = f"manifest declares kind: {declared.value}; {_NOTES[declared]}"
            if declared is SourceKind.GOVERNMENT and url and not government:
                basis += f"; note: {url} is not on a known government domain"
            value, confidence, rule = declared.value, 0.9, "source-audit/declared"
        elif government and match is not None:
            value, confidence, rule = "government", 0.6, "source-audit/inferred-government"
            entry = match.entry
            basis = f"kind not declared; {match.host} matches {match.pattern} ({entry.name}): "
            basis += USC_105 if entry.terms_class == "government-us-federal" else entry.summary
        elif url or "warc_record_id" in item.meta:
            value, confidence, rule = "web-scraped", 0.6, "source-audit/inferred-web"
            basis = f"kind not declared; a web capture of {url or item.uri}"
        else:
            value, confidence, rule = "unknown", 1.0, "source-audit/unknown"
            basis = "kind not declared in the manifest and nothing in the item tells"
            if item.meta.get("hf_card") is not None:
                basis += " (a third-party dataset with a Hugging Face card)"
        return self.finding(
            item, kind="source", value=value, confidence=confidence, rule=rule, evidence=basis
        )

    def _terms(self, item: Item, match: Match) -> Finding:
        entry = match.entry
        evidence = (
            f"{match.host} matches {match.pattern} ({entry.name}): {entry.summary} "
            f"[{entry.status}; {entry.citation}"
            + (f"; read {entry.read_on}" if entry.read_on else "")
            + "]"
        )
        return self.finding(
            item,
            kind="terms",
            value=f"{entry.terms_class}/{entry.ai_training}",
            confidence=CONFIDENCE.get(entry.status, 0.5),
            rule=f"terms-registry/{entry.id}",
            evidence=evidence,
        )


def item_url(item: Item) -> str:
    """The web address an item was captured from: its URI, else a record field."""
    if item.uri.startswith(("http://", "https://")):
        return item.uri
    for key in URL_FIELDS:
        value = item.meta.get(key) if item.meta else None
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return ""


def _describe_agreement(path: str) -> str:
    """The agreement's location and content hash, so the record shows which version."""
    if "://" in path:
        return f"vendor agreement at {path} (remote; not read)"
    file = Path(path)
    if not file.is_file():
        raise ConfigError("vendor_agreement: file not found", file=path)
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    return f"vendor agreement {path} (sha256 {digest[:16]}…)"
