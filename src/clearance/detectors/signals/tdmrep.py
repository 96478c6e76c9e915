"""W3C TDM Reservation Protocol (TDMRep): has the rightsholder reserved text-and-data mining?

Spec: https://github.com/w3c/tdm-reservation-protocol/blob/452fac9d67d9/spec/index.html (W3C
Community Group report, read 2026-11-29). Three places, later
ones superseding earlier ones ("Processing priority"): ``/.well-known/tdmrep.json`` (an array
of ``{location, tdm-reservation, tdm-policy}``, the first matching location wins), the
``tdm-reservation`` / ``tdm-policy`` HTTP response headers, and HTML ``<meta name=...>``.
A value other than 0 or 1 counts as unset; a missing value never resets an earlier one.
No maintained Python library implements TDMRep, so this module is the implementation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.detectors.signals.web_common import (
    http_headers,
    is_html,
    meta_tags,
    split_web_url,
    web_url,
)
from clearance.detectors.signals.web_sitefiles import SiteFile, SiteIndex
from clearance.model.finding import Finding, error_finding
from clearance.model.item import Item

MAX_RULES = 10_000
# Only tdm-reservation decides; a tdm-policy without it is not processed (spec).
_MARKERS = (b"tdm-reservation", b"TDM-Reservation", b"TDM-RESERVATION")


@dataclass(frozen=True)
class Declaration:
    """One place's answer: reservation (None = unset), policy URL, and what was read."""

    where: str  # well-known | header | html-meta
    reservation: int | None
    policy: str | None
    evidence: str


@dataclass(frozen=True)
class WellKnownRule:
    pattern: re.Pattern[str]
    location: str
    reservation: int | None
    policy: str | None


def _reservation(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value in (0, 1):
        return value
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    return None


def location_pattern(location: str) -> re.Pattern[str]:
    """A robots.txt-style path pattern (``*`` any run, final ``$`` anchors the end)."""
    anchored = location.endswith("$")
    body = location[:-1] if anchored else location
    regex = ".*".join(re.escape(unquote(part)) for part in body.split("*"))
    return re.compile(regex + (r"\Z" if anchored else ""))


def parse_well_known(data: bytes) -> list[WellKnownRule]:
    """The rules of a tdmrep.json; raises ValueError saying what is wrong with it."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(doc, list):
        raise ValueError(f"expected a JSON array of rules, got {type(doc).__name__}")
    rules: list[WellKnownRule] = []
    for entry in doc[:MAX_RULES]:
        if not isinstance(entry, dict) or not isinstance(entry.get("location"), str):
            continue  # a rule without a location cannot match anything
        location = entry["location"][:2048]
        policy = entry.get("tdm-policy")
        rules.append(
            WellKnownRule(
                location_pattern(location),
                location,
                _reservation(entry.get("tdm-reservation")),
                policy[:2048] if isinstance(policy, str) else None,
            )
        )
    if doc and not rules:
        raise ValueError("no rule has a string 'location'")
    return rules


@register
class TdmRepDetector(Detector):
    name = "tdmrep"
    version = "1.0"
    description = (
        "W3C TDMRep reservations: tdm-reservation / tdm-policy headers, HTML meta tags and "
        "/.well-known/tdmrep.json (first matching location)"
    )
    media_types = ("*",)
    time_budget_s = 5.0

    def configure(self, context: DetectorContext) -> None:
        self.index = SiteIndex.for_context(context)
        self._parsed: dict[tuple[str, str, str | None], list[WellKnownRule] | str] = {}

    def detect(self, item: Item) -> Iterator[Finding]:
        found: list[Declaration] = []
        problem: str | None = None
        url = web_url(item)
        host, path = split_web_url(url) if url else (None, "")
        if url and host and path != "/.well-known/tdmrep.json":
            capture = self.index.lookup(host, "tdmrep", item.meta.get("warc_date"))
            if capture is not None and 200 <= capture.status < 300:
                declared, problem = self._well_known(capture, url)
                if declared is not None:
                    found.append(declared)
        found.extend(self._headers(item))
        if is_html(item) and item.may_contain(_MARKERS):
            found.extend(self._meta(item))
        yield from self._decide(item, found, problem)

    def _decide(
        self, item: Item, found: list[Declaration], problem: str | None
    ) -> Iterator[Finding]:
        reservation: Declaration | None = None
        policy: Declaration | None = None
        for declared in found:  # in priority order: later places supersede earlier ones
            if declared.reservation is not None:
                reservation = declared
            if declared.policy:
                policy = declared
        if reservation is None and problem:
            yield error_finding(item.item_id, "tdmrep-malformed", problem, detector=self.name)
        if reservation is None or reservation.reservation != 1:
            return  # unset or 0 (not reserved); the spec says ignore tdm-policy when 0
        overridden = [d.where for d in found if d.reservation == 0 and d is not reservation]
        note = f" (supersedes tdm-reservation 0 from {', '.join(overridden)})" if overridden else ""
        yield self.finding(
            item,
            kind="optout",
            value="tdmrep:reserved",
            confidence=0.98,
            rule=f"tdmrep/{reservation.where}",
            evidence=reservation.evidence + note,
        )
        if policy is not None and policy.policy:
            yield self.finding(
                item,
                kind="terms",
                value=policy.policy,
                confidence=0.95,
                rule="tdmrep/policy",
                evidence=policy.evidence,
            )

    def _well_known(self, capture: SiteFile, url: str) -> tuple[Declaration | None, str | None]:
        key = (capture.host, capture.location, capture.when)
        parsed = self._parsed.get(key)
        if parsed is None:
            if len(self._parsed) > 4096:
                self._parsed.clear()
            try:
                parsed = parse_well_known(capture.body)
            except ValueError as exc:
                parsed = f"unusable tdmrep.json ({exc}) at {capture.describe()}"
            self._parsed[key] = parsed
        if isinstance(parsed, str):
            return None, parsed
        parts = urlsplit(url)
        path = unquote(parts.path or "/") + (f"?{unquote(parts.query)}" if parts.query else "")
        for rule in parsed:
            if rule.pattern.match(path):
                text = f'tdmrep.json rule location "{rule.location}", tdm-reservation '
                text += f"{rule.reservation if rule.reservation is not None else 'unset'}"
                if rule.policy:
                    text += f', tdm-policy "{rule.policy}"'
                evidence = f"{text} in {capture.describe()}"
                return Declaration("well-known", rule.reservation, rule.policy, evidence), None
        return None, None

    def _headers(self, item: Item) -> Iterator[Declaration]:
        reservation: int | None = None
        policy: str | None = None
        lines: list[str] = []
        for name, value in http_headers(item):
            if name == "tdm-reservation":
                lines.append(f"tdm-reservation: {value[:200]}")
                reservation = _reservation(value) if reservation is None else reservation
            elif name == "tdm-policy" and value.strip():
                lines.append(f"tdm-policy: {value[:300]}")
                policy = policy or value.strip()
        if lines:
            yield Declaration("header", reservation, policy, "HTTP " + "; ".join(lines))

    def _meta(self, item: Item) -> Iterator[Declaration]:
        reservation: int | None = None
        policy: str | None = None
        raws: list[str] = []
        for name, content, raw in meta_tags(item.data):
            if name == "tdm-reservation":
                raws.append(raw[:200])
                reservation = _reservation(content) if reservation is None else reservation
            elif name == "tdm-policy" and content.strip():
                raws.append(raw[:300])
                policy = policy or content.strip()
        if raws:
            yield Declaration("html-meta", reservation, policy, " ".join(raws))
