"""Every quote in the knowledge base is in the license text it cites.

The texts we quote from ship in tests/data/licenses_kb/ (see SOURCES.md there); quotes are
compared with whitespace collapsed, as the generator cut them.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
import yaml

from clearance.licenses import Confidence, iter_records, lookup

TEXTS = Path(__file__).parent / "data" / "licenses_kb"


@cache
def _flat(name: str) -> str:
    raw = (TEXTS / f"{name}.LICENSE").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", raw)


def _raw_records() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    folder = resources.files("clearance.licenses") / "data"
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            doc = yaml.safe_load(entry.read_text(encoding="utf-8"))
            out.extend(doc.get("records", []))
            out.extend(doc.get("exceptions", []))
    return out


RECORDS = _raw_records()


@pytest.mark.parametrize("raw", RECORDS, ids=[str(r["key"]) for r in RECORDS])
def test_quotes_are_verbatim(raw: dict[str, object]) -> None:
    text_name = raw.get("text")
    assert isinstance(text_name, str), "every curated record names the text it quotes"
    evidence = raw["evidence"]
    groups = evidence.values() if isinstance(evidence, dict) else [evidence]
    quoted = [
        (e.get("text") or text_name, e["quote"])
        for items in groups
        for e in items
        if e.get("quote")
    ]
    assert quoted, "at least one clause is quoted"
    for name, quote in quoted:
        assert re.sub(r"\s+", " ", quote) in _flat(name), quote[:80]


def test_a_changed_quote_is_caught() -> None:
    # the check above is not vacuous: a one-word change is not found in the text
    quote = lookup("CC-BY-NC-4.0").evidence["non_commercial"][0].quote
    assert quote and quote in _flat("cc-by-nc-4.0")
    assert quote.replace("NonCommercial", "Commercial") not in _flat("cc-by-nc-4.0")


def test_unverified_terms_have_no_quote_and_say_so() -> None:
    for record in iter_records(Confidence.CURATED):
        for term, items in record.evidence.items():
            for ev in items:
                if not ev.verified:
                    assert ev.quote is None, (record.key, term)
                    assert "unverified" in ev.note, (record.key, term)
