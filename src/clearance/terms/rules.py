"""Load the clause patterns and purposes (YAML beside this module), strictly.

Rules are data so counsel can read and extend them; a bad pattern file fails at load with
the file and the entry, never at the first agreement it meets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Final

import yaml

from clearance.model.errors import ConfigError

POLARITIES: Final = ("grants", "prohibits", "limits", "requires", "disclaims", "neutral")
VERDICTS: Final = ("conflict", "review", "condition", "supports")
_FLAGS: Final = re.IGNORECASE


@dataclass(frozen=True)
class Pattern:
    id: str  # "grant/ai-training#train-models"
    regex: re.Pattern[str]
    polarity: str  # a POLARITIES value or "auto"
    default: str
    skip_definitions: bool = False


@dataclass(frozen=True)
class Category:
    id: str
    group: str
    title: str
    patterns: tuple[Pattern, ...]
    when_prohibited: str | None = None
    decided_only: bool = False
    negated_polarity: str | None = None
    skip_definitions: bool = False
    details: tuple[tuple[str, re.Pattern[str]], ...] = ()
    #: a sentence that matches this says the clause does not apply ("It is not a requirement
    #: that recipients ... attribute"): no match of the category is taken from it
    unless: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Cues:
    negators: tuple[re.Pattern[str], ...]
    exceptors: tuple[re.Pattern[str], ...]
    contrasts: tuple[re.Pattern[str], ...]
    permissions: tuple[re.Pattern[str], ...]
    after_negators: tuple[re.Pattern[str], ...]
    unrestricted: tuple[re.Pattern[str], ...]
    definition: tuple[re.Pattern[str], ...]
    restriction_before: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Rules:
    cues: Cues
    categories: tuple[Category, ...]

    def category(self, cid: str) -> Category:
        for cat in self.categories:
            if cat.id == cid:
                return cat
        raise KeyError(cid)


@dataclass(frozen=True)
class MissingRule:
    id: str
    message: str
    unless_categories: tuple[str, ...]
    unless_polarities: tuple[str, ...]  # empty: any polarity
    unless_mentions: re.Pattern[str] | None
    only_if_present: str | None


@dataclass(frozen=True)
class AssessRule:
    target: str  # a category id or a missing-rule id
    polarities: tuple[str, ...]  # empty: any
    verdict: str
    why: str


@dataclass(frozen=True)
class Purpose:
    id: str
    description: str
    rules: tuple[AssessRule, ...]


@dataclass(frozen=True)
class Purposes:
    missing: tuple[MissingRule, ...]
    purposes: dict[str, Purpose]


def _compile(text: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(text, _FLAGS)
    except re.error as exc:
        raise ConfigError(f"{where}: bad regular expression: {exc}", file="patterns.yaml") from exc


def _read(name: str) -> dict[str, Any]:
    text = files("clearance.terms").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ConfigError("expected a mapping with version: 1", file=name)
    return data


def parse_rules(data: dict[str, Any]) -> Rules:
    cues_raw = data["cues"]
    cues = Cues(
        **{
            key: tuple(_compile(p, f"cues.{key}") for p in cues_raw.get(key, ()))
            for key in (
                "negators",
                "exceptors",
                "contrasts",
                "permissions",
                "after_negators",
                "unrestricted",
                "definition",
                "restriction_before",
            )
        }
    )
    categories: list[Category] = []
    seen: set[str] = set()
    for raw in data["categories"]:
        cid = raw["id"]
        if cid in seen:
            raise ConfigError(f"category {cid!r} defined twice", file="patterns.yaml")
        seen.add(cid)
        patterns = []
        for p in raw["patterns"]:
            polarity = p.get("polarity", "auto")
            default = p.get("default", "neutral")
            if polarity not in (*POLARITIES, "auto") or default not in POLARITIES:
                raise ConfigError(f"{cid}#{p['id']}: unknown polarity", file="patterns.yaml")
            patterns.append(
                Pattern(
                    f"{cid}#{p['id']}",
                    _compile(p["regex"], cid),
                    polarity,
                    default,
                    bool(p.get("skip_definitions", False)),
                )
            )
        categories.append(
            Category(
                cid,
                raw["group"],
                raw["title"],
                tuple(patterns),
                raw.get("when_prohibited"),
                bool(raw.get("decided_only", False)),
                raw.get("negated_polarity"),
                bool(raw.get("skip_definitions", False)),
                tuple(
                    (name, _compile(rx, f"{cid} details.{name}"))
                    for name, rx in (raw.get("details") or {}).items()
                ),
                _compile(raw["unless"], f"{cid} unless") if raw.get("unless") else None,
            )
        )
    for cat in categories:
        if cat.when_prohibited and cat.when_prohibited not in seen:
            raise ConfigError(f"{cat.id}: when_prohibited names no category", file="patterns.yaml")
    return Rules(cues, tuple(categories))


@cache
def load_rules() -> Rules:
    return parse_rules(_read("patterns.yaml"))


def _strs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@cache
def load_purposes() -> Purposes:
    data = _read("purposes.yaml")
    rules = load_rules()
    known = {c.id for c in rules.categories}
    missing = []
    for raw in data["missing"]:
        unless = raw.get("unless", {})
        cats = _strs(unless.get("category"))
        if not set(cats) <= known:
            raise ConfigError(f"missing {raw['id']}: unknown category", file="purposes.yaml")
        mentions = unless.get("mentions")
        missing.append(
            MissingRule(
                raw["id"],
                raw["message"],
                cats,
                _strs(unless.get("polarity")),
                _compile(mentions, raw["id"]) if mentions else None,
                raw.get("only_if_present"),
            )
        )
    targets = known | {m.id for m in missing}
    purposes: dict[str, Purpose] = {}
    for pid, raw in data["purposes"].items():
        assess = []
        for r in raw["rules"]:
            if r["target"] not in targets or r["verdict"] not in VERDICTS:
                raise ConfigError(f"purpose {pid}: bad rule {r}", file="purposes.yaml")
            assess.append(AssessRule(r["target"], _strs(r.get("polarity")), r["verdict"], r["why"]))
        purposes[pid] = Purpose(pid, raw["description"], tuple(assess))
    return Purposes(tuple(missing), purposes)
