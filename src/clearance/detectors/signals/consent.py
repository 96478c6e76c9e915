"""Customer data: every item of a ``customer`` source must map to a consent record that
covers AI training.

The manifest names the records (``consent_records: FILE``, CSV or JSONL) and the item field
holding the subject or customer id (``subject_field``, a record field or meta key, dotted
for nesting). A record has ``subject_id`` (or ``customer_id``/``id``) and ``scope`` (purpose
tokens separated by ``;`` ``,`` or ``|``, or a JSON list; case, spaces and underscores
are normalised, so ``Model Training`` reads as ``model-training``), and optionally
``withdrawn`` (true/yes/1 or a date) and ``expires`` (ISO date). Rows are a log: a later row
for the same subject replaces an earlier one. A scope covers training when it holds one of
``COVERING`` (a bare ``training`` does not: it may mean staff training). Findings are of
kind ``consent``; subject ids never appear in clear (they are personal data): evidence shows
a hash prefix and the record's line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

from clearance.detectors.base import Detector, DetectorContext, register
from clearance.model.errors import ConfigError
from clearance.model.finding import Finding
from clearance.model.item import Item
from clearance.sources.manifest import Source, SourceKind

COVERING: Final = frozenset(
    {"ai-training", "model-training", "ml-training", "machine-learning", "all", "*"}
)
ID_COLUMNS: Final = ("subject_id", "customer_id", "id")
MAX_RECORDS_BYTES: Final = 512 * 1024 * 1024
_SPLIT = re.compile(r"[;,|]+")
_TOKEN_GAP = re.compile(r"[\s_]+")
_TRUE: Final = frozenset({"true", "yes", "y", "1"})
_FALSE: Final = frozenset({"", "false", "no", "n", "0"})


@dataclass(frozen=True)
class ConsentRecord:
    scope: frozenset[str]
    withdrawn: bool
    expires: date | None
    line: int


@dataclass(frozen=True)
class _Plan:
    """What the detector checks for one customer source."""

    file: str | None
    subject_field: str | None
    records: Mapping[str, ConsentRecord]
    basis: str | None


@register
class ConsentDetector(Detector):
    name = "consent"
    version = "1.0"
    description = "Customer items mapped to consent records whose scope covers AI training"
    media_types = ("*",)
    time_budget_s = 1.0

    def __init__(self) -> None:
        super().__init__()
        self._plans: dict[str, _Plan] = {}
        self._today = datetime.now(UTC).date()

    def configure(self, context: DetectorContext) -> None:
        for source in context.sources:
            if source.kind is SourceKind.CUSTOMER or source.consent_records:
                self._plans[source.name] = _plan(source)

    def detect(self, item: Item) -> Iterator[Finding]:
        plan = self._plans.get(item.source)
        if plan is None:
            return
        if plan.file is None:
            basis = f" (declared basis: {plan.basis})" if plan.basis else ""
            yield self._finding(
                item,
                "no-consent-records",
                "consent/no-records",
                f"customer source without consent_records{basis}",
            )
            return
        subject = lookup(item.meta, plan.subject_field or "")
        if subject is None or str(subject).strip() == "":
            yield self._finding(
                item,
                "no-subject-id",
                "consent/no-subject-id",
                f"item has no {plan.subject_field!r} field to match",
            )
            return
        key = str(subject).strip()
        where = f"subject {mask(key)}"
        record = plan.records.get(key)
        if record is None:
            yield self._finding(
                item, "no-consent-record", "consent/missing", f"{where}: no record in {plan.file}"
            )
            return
        at = f"{plan.file}:{record.line}"
        scope = ", ".join(sorted(record.scope)) or "(empty)"
        if record.withdrawn:
            yield self._finding(
                item, "consent-withdrawn", "consent/withdrawn", f"{where}: consent withdrawn ({at})"
            )
        elif record.expires is not None and record.expires < self._today:
            yield self._finding(
                item,
                "consent-expired",
                "consent/expired",
                f"{where}: consent expired {record.expires} ({at})",
            )
        elif not record.scope & COVERING:
            yield self._finding(
                item,
                "consent-scope-excludes-ai-training",
                "consent/out-of-scope",
                f"{where}: scope {scope} ({at})",
            )
        else:
            yield self._finding(
                item, "consent-covers-ai-training", "consent/ok", f"{where}: scope {scope} ({at})"
            )

    def _finding(self, item: Item, value: str, rule: str, evidence: str) -> Finding:
        return self.finding(
            item, kind="consent", value=value, confidence=1.0, rule=rule, evidence=evidence
        )


def lookup(meta: Mapping[str, Any], field: str) -> Any:
    """``meta[field]``, or a dotted path into nested mappings (``user.id``)."""
    if field in meta:
        return meta[field]
    node: Any = meta
    for part in field.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def mask(subject: str) -> str:
    return "sha256:" + hashlib.sha256(subject.encode("utf-8")).hexdigest()[:12]


def _plan(source: Source) -> _Plan:
    if not source.consent_records:
        return _Plan(None, None, {}, source.consent)
    return _Plan(
        source.consent_records,
        source.subject_field,
        load_consent_records(source.consent_records),
        source.consent,
    )


def load_consent_records(path: str) -> dict[str, ConsentRecord]:
    """Read a CSV or JSONL consent file; any problem is a ConfigError with file and line."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_RECORDS_BYTES:
            raise ConfigError(f"consent records over {MAX_RECORDS_BYTES} bytes", file=path)
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("consent records file not found", file=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read consent records: {exc}", file=path) from None
    if path.lower().endswith((".jsonl", ".ndjson", ".json")):
        rows = _jsonl_rows(text, path)
    else:
        rows = _csv_rows(text, path)
    records: dict[str, ConsentRecord] = {}
    for line, row in rows:
        subject, record = _record(row, path, line)
        records[subject] = record  # a later row for the same subject replaces the earlier
    return records


def _jsonl_rows(text: str, path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not valid JSON: {exc.msg}", file=path, line=number) from None
        if not isinstance(row, dict):
            raise ConfigError("each line must be a JSON object", file=path, line=number)
        yield number, row


def _csv_rows(text: str, path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if not any(h in ID_COLUMNS for h in header) or "scope" not in header:
        raise ConfigError(
            f"the header needs an id column ({' or '.join(ID_COLUMNS)}) and 'scope'",
            file=path,
            line=1,
        )
    reader.fieldnames = header
    try:
        for row in reader:
            if None in row:
                raise ConfigError("more fields than the header", file=path, line=reader.line_num)
            yield reader.line_num, row
    except csv.Error as exc:
        raise ConfigError(f"bad CSV: {exc}", file=path, line=reader.line_num) from None


def _record(row: dict[str, Any], path: str, line: int) -> tuple[str, ConsentRecord]:
    subject = next((row[c] for c in ID_COLUMNS if row.get(c) not in (None, "")), None)
    if subject is None or not str(subject).strip():
        raise ConfigError("record has no subject id", file=path, line=line)
    raw_scope = row.get("scope")
    if raw_scope is None:
        raise ConfigError("record has no 'scope'", file=path, line=line)
    tokens = raw_scope if isinstance(raw_scope, list) else _SPLIT.split(str(raw_scope))
    scope = frozenset(_TOKEN_GAP.sub("-", str(t).strip().lower()) for t in tokens if str(t).strip())
    return str(subject).strip(), ConsentRecord(
        scope=scope,
        withdrawn=_withdrawn(row.get("withdrawn"), path, line),
        expires=_date(row.get("expires"), "expires", path, line),
        line=line,
    )


def _withdrawn(value: Any, path: str, line: int) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    _date(text, "withdrawn", path, line)  # a withdrawal date
    return True


def _date(value: Any, name: str, path: str, line: int) -> date | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ConfigError(f"{name}: not an ISO date: {value!r}", file=path, line=line) from None
