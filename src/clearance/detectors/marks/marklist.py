"""Word marks as data: the built-in starter list and user lists (manifest ``marks: FILE``,
scan option ``marks``), validated strictly because a misspelt key would silently drop a mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml

from clearance.model.errors import ConfigError
from clearance.model.yaml_config import line_of, parse_yaml

LineOf = Callable[..., int | None]  # the line of a value given its path in the document

BUILTIN = "data/marks.yaml"
NO_OWNER = "(owner not given)"
_KEYS = frozenset({"mark", "owner", "classes", "variants", "case", "note"})


@dataclass(frozen=True)
class Mark:
    """One word mark: its canonical name, who claims it, and the spellings that count as it.

    ``case="exact"`` is for marks that are also ordinary words (Apple, Shell): they match
    only as written or in ALL CAPS, so "apple pie" is not the mark.
    """

    mark: str
    owner: str
    classes: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    case: Literal["any", "exact"] = "any"
    origin: str = "builtin"

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.mark, *self.variants)


def mark_value(mark: str, owner: str) -> str:
    """A ``trademark`` or ``logo`` finding's value: ``"Nike (Nike, Inc.)"``, or the bare mark
    when no owner is known. Why the owner is in the value: a policy matches findings on kind,
    value and rule, so ``value: "* (Nike, Inc.)"`` blocks an owner and ``value: "Nike (*"`` a
    mark, through the one policy engine."""
    return mark if not owner or owner == NO_OWNER else f"{mark} ({owner})"


def _no_line(*_parts: Any) -> int | None:
    return None


def parse_marks(data: Any, *, origin: str, line: LineOf = _no_line) -> list[Mark]:
    """Marks from a parsed YAML/JSON document: ``{marks: [...]}`` or a bare list of entries.

    ``line`` maps a value's path in the document to its line, so an error names the line."""
    nested = isinstance(data, Mapping)
    entries = data.get("marks") if nested else data
    if not isinstance(entries, list):
        raise ConfigError(
            "a marks list is a list of entries (or a mapping with 'marks')",
            file=origin,
            line=line("marks") if nested else line(),
        )

    def entry_line(index: int) -> LineOf:
        return lambda *parts: line(*(("marks",) if nested else ()), index, *parts)

    return [_entry(entry, origin, i, entry_line(i)) for i, entry in enumerate(entries)]


def _entry(entry: Any, origin: str, index: int, line: LineOf) -> Mark:
    where = f"marks[{index}]"

    def fail(message: str, *key: str) -> ConfigError:
        return ConfigError(f"{where}: {message}", file=origin, line=line(*key))

    if isinstance(entry, str):
        entry = {"mark": entry}
    if not isinstance(entry, Mapping):
        raise fail("an entry is a mapping with 'mark' and 'owner'")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)}", unknown[0])
    name = entry.get("mark")
    if not isinstance(name, str) or not name.strip():
        raise fail("'mark' must be a non-empty string", "mark")
    case = entry.get("case", "any")
    if case not in ("any", "exact"):
        raise fail("'case' must be 'any' or 'exact'", "case")

    def strings(key: str) -> tuple[str, ...]:
        value = entry.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise fail(f"'{key}' must be a list of strings", key)
        return tuple(str(v).strip() for v in value if str(v).strip())

    return Mark(
        mark=name.strip(),
        owner=str(entry.get("owner") or NO_OWNER),
        classes=strings("classes"),
        variants=strings("variants"),
        case=case,
        origin=origin,
    )


def load_marks_file(path: str | Path) -> list[Mark]:
    """A user marks file (YAML or JSON; JSON is YAML); errors name the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read marks list: {exc}", file=str(path)) from exc
    node, data = parse_yaml(text, file=str(path))
    return parse_marks(data, origin=str(path), line=lambda *parts: line_of(node, parts))


@cache
def builtin_marks() -> tuple[Mark, ...]:
    text = files("clearance.detectors.marks").joinpath(BUILTIN).read_text(encoding="utf-8")
    return tuple(parse_marks(yaml.safe_load(text), origin="builtin"))


def marks_from_option(value: Any) -> list[Mark]:
    """The ``marks`` scan option: a path, a list of paths, or inline entries."""
    if value is None:
        return []
    if isinstance(value, str):
        return load_marks_file(value)
    if isinstance(value, list) and all(isinstance(v, str) and _looks_like_path(v) for v in value):
        return [mark for path in value for mark in load_marks_file(path)]
    return parse_marks(value, origin="option marks")


def _looks_like_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml", ".json")) or "/" in value


def merged(*lists: Iterable[Mark]) -> list[Mark]:
    """Later lists win for the same mark name (a user entry replaces the built-in one)."""
    by_name: dict[str, Mark] = {}
    for marks in lists:
        for mark in marks:
            by_name[mark.mark.casefold()] = mark
    return list(by_name.values())
