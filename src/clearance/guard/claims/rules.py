"""The claims check's rules and policy, loaded from YAML data and compiled once.

Rules are data (``data/lexicon.yaml``); the outcome of a claim per category and state is
policy (``data/policy.yaml``, overridable by a user file). Both are validated strictly:
a misspelt key would silently weaken the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final, Literal

from clearance.guard.claims.patterns import Tried, by_first_letter, first_chars
from clearance.guard.policy import VerdictName
from clearance.model.errors import ConfigError
from clearance.model.yaml_config import line_of, parse_yaml

LineOf = Callable[..., int | None]  # the line of a value given its path in the document

ALLEGATIONS: Final = (
    "crime",
    "fraud",
    "misconduct",
    "disease",
    "sexual",
    "insolvency",
    "incompetence",
)
CATEGORIES: Final = (*ALLEGATIONS, "quote", "figure")
STATES: Final = ("unsupported", "hedged", "supported", "negated", "fiction")
State = Literal["unsupported", "hedged", "supported", "negated", "fiction"]
_VERDICTS: Final = ("pass", "review", "block")
_LEXICON_KEYS: Final = frozenset(
    {
        "version",
        "categories",
        "hedges",
        "local_negators",
        "sentence_negators",
        "fiction",
        "speech_verbs",
        "titles",
        "org_suffixes",
        "not_names",
        "topic_before",
        "topic_after",
    }
)


def no_line(*_parts: Any) -> int | None:
    return None


def _alternation(terms: Any, where: str, fail: Callable[..., ConfigError]) -> re.Pattern[str]:
    """One alternation, matched against lower-cased text (patterns are written in lower
    case): case-insensitive matching and non-word positions cost Python's re 5x more.
    ``where`` is the list's path (``categories.crime``); ``fail(message, *path)`` the error."""
    path = where.split(".")
    if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
        raise fail(f"{where} must be a non-empty list of patterns", *path)
    try:
        return re.compile(r"\b(?=\w)(?:" + by_first_letter(terms) + r")\b")
    except re.error as exc:
        for i, term in enumerate(terms):  # the term at fault, so the error names its line
            try:
                re.compile(term)
            except re.error as bad:
                raise fail(f"bad pattern {term!r} in {where}: {bad}", *path, i) from bad
        raise fail(f"bad pattern in {where}: {exc}", *path) from exc


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns: one alternation per category and per cue list."""

    categories: dict[str, re.Pattern[str]]
    hedges: re.Pattern[str]
    local_negators: re.Pattern[str]
    sentence_negators: re.Pattern[str]
    fiction: re.Pattern[str]
    speech: re.Pattern[str]
    titles: frozenset[str]
    org_suffixes: frozenset[str]
    not_names: frozenset[str]
    topic_before: frozenset[str] = frozenset()
    topic_after: frozenset[str] = frozenset()
    combined: re.Pattern[str] | None = None  # every category's terms in one alternation
    cues: re.Pattern[str] | None = None  # hedges, fiction markers, sentence negators
    #: first two (or one) characters -> the categories whose terms can start with them (a
    #: category with a term whose start is not worked out is under every key)
    by_first: dict[str, Tried] | None = None
    any_first: Tried = ()
    #: the same for the cue lists (named hedges, fiction, sentence_negators)
    cue_first: dict[str, Tried] | None = None
    cue_any: Tried = ()

    def candidates(self, low: str, start: int) -> Tried:
        """The categories whose terms can start at ``start`` (by its first characters)."""
        if self.by_first is None:
            return tuple(self.categories.items())
        return self.by_first.get(low[start : start + 2]) or self.by_first.get(
            low[start : start + 1], self.any_first
        )

    def categorise(self, low: str, start: int, end: int = -1) -> tuple[str, int] | None:
        """The category of the term at ``start`` (the longest match wins) and its end.
        Only the categories with a term that can start there are tried. ``end``: where the
        ``combined`` pattern's match starting there ends; when one category alone can match
        there, the combined pattern took the same branch as that category's would (same
        terms, same order), so that is its end and nothing is matched again."""
        tried = self.candidates(low, start)
        if end >= 0 and len(tried) == 1:
            return tried[0][0], end
        best: tuple[str, int] | None = None
        for name, pattern in tried:
            m = pattern.match(low, start)
            if m and (best is None or m.end() > best[1]):
                best = (name, m.end())
        return best

    def cue_lists(self, low: str, start: int) -> Tried:
        """The cue lists (hedges, fiction, sentence_negators) a cue at ``start`` may be in."""
        if self.cue_first is None:
            return (
                ("hedges", self.hedges),
                ("fiction", self.fiction),
                ("sentence_negators", self.sentence_negators),
            )
        return self.cue_first.get(low[start : start + 2]) or self.cue_first.get(
            low[start : start + 1], self.cue_any
        )

    @classmethod
    def parse(cls, data: Any, origin: str = "lexicon", line: LineOf = no_line) -> Lexicon:
        """The lexicon of a parsed document; errors name ``origin`` and ``line(*path)``."""

        def fail(message: str, *path: Any) -> ConfigError:
            return ConfigError(f"claims lexicon: {message}", file=origin, line=line(*path))

        if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
            raise fail("needs a mapping 'categories'", "categories")
        unknown = sorted(set(data) - _LEXICON_KEYS)
        if unknown:
            raise fail(f"unknown key(s) {', '.join(map(str, unknown))}", unknown[0])
        unknown = sorted(set(data["categories"]) - set(ALLEGATIONS))
        if unknown:
            raise fail(f"unknown categories {unknown}", "categories", unknown[0])
        cats = {
            name: _alternation(terms, f"categories.{name}", fail)
            for name, terms in data["categories"].items()
        }
        # one pass over the text for all categories (7 passes per sentence cost 5x more);
        # a match is then categorised by the category patterns, at its start only
        combined = _alternation(
            [t for terms in data["categories"].values() for t in terms], "categories", fail
        )
        by_first, any_first = first_chars(data["categories"], cats)
        cue_names = ("hedges", "fiction", "sentence_negators")
        # validates them
        cue_patterns = {k: _alternation(data.get(k), k, fail) for k in cue_names}
        cue_terms: dict[str, list[str]] = {k: data[k] for k in cue_names}
        cue_first, cue_any = first_chars(cue_terms, cue_patterns)

        def words(key: str) -> frozenset[str]:
            value = data.get(key) or []
            if not isinstance(value, list):
                raise fail(f"{key} must be a list", key)
            return frozenset(str(v) for v in value)

        return cls(
            categories=cats,
            hedges=cue_patterns["hedges"],
            local_negators=_alternation(data.get("local_negators"), "local_negators", fail),
            sentence_negators=cue_patterns["sentence_negators"],
            fiction=cue_patterns["fiction"],
            speech=_alternation(data.get("speech_verbs"), "speech_verbs", fail),
            titles=words("titles"),
            org_suffixes=words("org_suffixes"),
            not_names=words("not_names"),
            topic_before=words("topic_before"),
            topic_after=words("topic_after"),
            combined=combined,
            by_first=by_first,
            any_first=any_first,
            cue_first=cue_first,
            cue_any=cue_any,
            cues=_alternation(
                [
                    *data.get("hedges", []),
                    *data.get("fiction", []),
                    *data.get("sentence_negators", []),
                ],
                "cues",
                fail,
            ),
        )


def lowered(text: str) -> str:
    """``text`` in lower case with the same length (offsets stay valid): the few characters
    whose lower case is longer (U+0130) are kept as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def load_yaml(text: str, file: str) -> tuple[Any, LineOf]:
    """A claims YAML file's data and the line of a value by its path (errors name both)."""
    node, data = parse_yaml(text, file=file)
    return data, lambda *path: line_of(node, path)


@cache
def builtin_lexicon() -> Lexicon:
    resource = files("clearance.guard.claims").joinpath("data/lexicon.yaml")
    data, line = load_yaml(resource.read_text("utf-8"), str(resource))
    return Lexicon.parse(data, str(resource), line)


@dataclass(frozen=True)
class ClaimsPolicy:
    """Outcome per category and state, the support window and the negation window."""

    outcomes: dict[str, dict[str, VerdictName]]
    window_words: int = 30
    negation_window: int = 5

    def verdict(self, category: str, state: State) -> VerdictName:
        return self.outcomes[category][state]

    @classmethod
    def parse(
        cls,
        data: Any,
        origin: str,
        base: ClaimsPolicy | None = None,
        line: LineOf = no_line,
    ) -> ClaimsPolicy:
        """The policy of a parsed document over ``base``; errors name ``origin`` and
        ``line(*path)``."""

        def fail(message: str, *path: Any) -> ConfigError:
            return ConfigError(f"claims policy: {message}", file=origin, line=line(*path))

        if not isinstance(data, dict):
            raise fail("must be a mapping")
        unknown = sorted(set(data) - {"version", "window_words", "negation_window", "categories"})
        if unknown:
            raise fail(f"unknown key(s) {', '.join(map(str, unknown))}", unknown[0])
        categories = data.get("categories") or {}
        if not isinstance(categories, dict):
            raise fail("categories must map a category to its states", "categories")
        outcomes = {k: dict(v) for k, v in (base.outcomes if base else {}).items()}
        for category, states in categories.items():
            if category not in CATEGORIES:
                raise fail(
                    f"unknown category {category!r}; one of {', '.join(CATEGORIES)}",
                    "categories",
                    category,
                )
            if not isinstance(states, dict):
                raise fail(f"{category} must map states", "categories", category)
            for state, outcome in states.items():
                if state not in STATES or outcome not in _VERDICTS:
                    raise fail(
                        f"{category}.{state}: {outcome!r} (states: "
                        f"{', '.join(STATES)}; outcomes: pass, review, block)",
                        "categories",
                        category,
                        state,
                    )
                outcomes.setdefault(category, {})[state] = outcome
        missing = [f"{c}.{s}" for c in CATEGORIES for s in STATES if s not in outcomes.get(c, {})]
        if missing:
            raise fail(f"missing {', '.join(missing[:5])}", "categories")
        window = data.get("window_words", base.window_words if base else 30)
        negation = data.get("negation_window", base.negation_window if base else 5)
        if isinstance(window, bool) or not isinstance(window, int) or not 2 <= window <= 500:
            raise fail("window_words must be 2..500", "window_words")
        if isinstance(negation, bool) or not isinstance(negation, int) or not 0 <= negation <= 20:
            raise fail("negation_window must be 0..20", "negation_window")
        return cls(outcomes=outcomes, window_words=window, negation_window=negation)

    @classmethod
    def load(cls, path: str | Path | None = None) -> ClaimsPolicy:
        """The built-in policy, then a user file's keys on top."""
        base = _builtin_policy()
        if path is None:
            return base
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read claims policy: {exc}", file=str(path)) from exc
        data, line = load_yaml(text, str(path))
        return cls.parse(data or {}, str(path), base, line)


@cache
def _builtin_policy() -> ClaimsPolicy:
    resource = files("clearance.guard.claims").joinpath("data/policy.yaml")
    data, line = load_yaml(resource.read_text("utf-8"), str(resource))
    return ClaimsPolicy.parse(data, str(resource), line=line)
