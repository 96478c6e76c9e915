"""The labelled terms set (tests/data/terms/labels): loading, quote checks and scoring.

Shared by tests/test_terms_eval.py and benchmarks/terms.py. A label file names its text
(``licensedcode:<key>`` = the ScanCode LicenseDB text installed with licensedcode-data, or
``file:<path>`` relative to tests/data/terms) and the categories present, each with the
polarity and a verbatim evidence fragment; every category not listed is labelled absent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from clearance.detectors.license.textmatch.refdata import data_dir
from clearance.terms import Review, review_path
from clearance.terms.rules import load_rules

LABELS = Path(__file__).resolve().parent / "data" / "terms" / "labels"


@dataclass(frozen=True)
class Labelled:
    key: str
    path: Path
    title: str
    present: dict[str, dict[str, Any]]
    public: bool  # a real public text (not one written for the tests)
    heldout: bool  # labelled after the rules were tuned, and not used to tune them
    batch: int | None = None  # held-out batch it came in (1-5; see tests/data/terms/SOURCES.md)


def text_path(ref: str) -> Path:
    kind, _, name = ref.partition(":")
    if kind == "licensedcode":
        return data_dir() / "licenses" / f"{name}.LICENSE"
    if kind == "file":
        return LABELS.parent / name
    raise ValueError(f"unknown text reference {ref!r}")


def load_labels() -> list[Labelled]:
    out = []
    for file in sorted(LABELS.glob("*.yaml")):
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        out.append(
            Labelled(
                file.stem,
                text_path(raw["text"]),
                raw["title"],
                raw.get("present") or {},
                raw["text"].startswith("licensedcode:"),
                raw.get("split") == "heldout",
                raw.get("batch"),
            )
        )
    return out


def normalise(text: str) -> str:
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def quote_problems(label: Labelled) -> list[str]:
    """Label evidence that is not verbatim in the text, and unknown categories."""
    known = {c.id for c in load_rules().categories}
    body = normalise(label.path.read_text(encoding="utf-8"))
    problems = []
    for category, spec in label.present.items():
        if category not in known:
            problems.append(f"{label.key}: unknown category {category}")
        if normalise(spec["evidence"]) not in body:
            problems.append(f"{label.key} {category}: evidence not in text: {spec['evidence']!r}")
    return problems


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    polarity_ok: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def score(
    labels: Iterable[Labelled], predict: Callable[[Labelled], dict[str, tuple[str, ...]]]
) -> tuple[dict[str, Score], list[str]]:
    """Per-category scores of ``predict`` (category -> polarities found) over the labels."""
    categories = [c.id for c in load_rules().categories]
    scores = {c: Score() for c in categories}
    errors: list[str] = []
    for label in labels:
        found = predict(label)
        for c in categories:
            truth, guess = c in label.present, c in found
            s = scores[c]
            if truth and guess:
                s.tp += 1
                if label.present[c]["polarity"] in found[c]:
                    s.polarity_ok += 1
            elif guess:
                s.fp += 1
                errors.append(f"FP {label.key} {c}")
            elif truth:
                s.fn += 1
                errors.append(f"FN {label.key} {c}")
    return scores, errors


def predict_rules(label: Labelled) -> dict[str, tuple[str, ...]]:
    review: Review = review_path(label.path)
    return {c.category: c.polarities for c in review.categories if c.present}


#: the keyword baseline: a category is "present" when any keyword occurs (case-insensitive).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "grant/ai-training": ("train", "machine learning", "artificial intelligence", "data mining"),
    "grant/commercial-use": ("commercial",),
    "grant/model-commercialisation": ("sell", "commerciali"),
    "grant/internal-use-only": ("internal use", "internal purpose", "internal business"),
    "grant/research-only": ("research",),
    "grant/field-of-use": ("field of use", "acceptable use", "use restriction", "solely for"),
    "grant/user-cap": ("monthly active users", "number of users"),
    "outputs/ownership": ("output", "results"),
    "outputs/redistribution": ("output", "results"),
    "outputs/downstream-restrictions": ("sharealike", "share alike", "share-alike", "downstream"),
    "outputs/attribution": ("attribution", "credit"),
    "data/redistribution": ("distribute", "redistribut", "share"),
    "data/derivatives": ("derivative", "adapt", "modif"),
    "data/sublicensing": ("sublicens",),
    "data/assignment": ("assign", "transfer"),
    "data/territory": ("worldwide", "territory", "export"),
    "data/term": ("term of", "duration", "perpetual", "irrevocable"),
    "data/termination": ("terminat",),
    "data/deletion": ("delete", "destroy"),
    "risk/warranty": ("warrant",),
    "risk/indemnity": ("indemn",),
    "risk/limitation-of-liability": ("liability", "liable"),
    "privacy/personal-data": ("personal data", "personal information", "privacy"),
    "privacy/consent": ("consent",),
    "privacy/processing": ("processing", "data protection"),
    "prohibition/scraping": ("scrap", "crawl", "spider"),
    "prohibition/ai-training": ("train",),
    "prohibition/reverse-engineering": ("reverse engineer", "decompil"),
    "prohibition/competing-models": ("compet",),
}


def predict_keywords(label: Labelled) -> dict[str, tuple[str, ...]]:
    body = label.path.read_text(encoding="utf-8").lower()
    return {c: ("?",) for c, words in KEYWORDS.items() if any(w in body for w in words)}
