"""YAML configuration files (manifest, policies, registries) read with their line numbers.

A bad configuration must fail fast naming the file and line, so each file is both composed
(the node tree keeps every value's position) and loaded; ``line_of`` maps a validation error's
location back to the line a user should fix.
"""

from __future__ import annotations

from typing import Any

import yaml

from clearance.model.errors import ConfigError


def parse_yaml(text: str, *, file: str) -> tuple[yaml.Node | None, Any]:
    """``(node tree, data)`` of ``text``; a syntax error is a ``ConfigError`` with its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", exc)
        raise ConfigError(f"invalid YAML: {problem}", file=file, line=line) from None


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at a pydantic error location (deepest one found)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part >= 0:
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            return line
        node, line = child, child.start_mark.line + 1
    return line
