"""Shared helpers for the knowledge base generator: read a license text, locate a clause.

Dev-time only (not shipped): quotes are cut out of the license texts themselves, so every
quote in the generated YAML is a verbatim substring (whitespace collapsed) of its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ACCESSED = "2026-11-29"
SCANCODE = (
    "ScanCode LicenseDB text (scancode-toolkit-mini 32.5.0 wheel, licensedcode/data/licenses)"
)


def read_text(path: Path) -> str:
    """A ScanCode ``.LICENSE`` file without its YAML front matter."""
    raw = path.read_text(encoding="utf-8")
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        if end != -1:
            raw = raw[end + 4 :]
    return raw


def front_matter(path: Path) -> dict[str, Any]:
    import yaml

    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---"):
        return {}
    end = raw.find("\n---", 3)
    data = yaml.safe_load(raw[3:end]) or {}
    return data if isinstance(data, dict) else {}


def collapse(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed text and, for each of its characters, the offset in ``text``."""
    out: list[str] = []
    offsets: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                offsets.append(i)
            space = True
        else:
            out.append(ch)
            offsets.append(i)
            space = False
    return "".join(out), offsets


_SECTION_HEAD = re.compile(
    r"^\s*(?:Section|Article|Artikel|Art\.|Clause)\s+(\d+)\s*(?:[–—:.-]+\s|$)", re.I
)
_NUM_ITEM = re.compile(r"^\s*(\d{1,2})\.(?:\d+\.?)?\s+\S")
_LETTER_ITEM = re.compile(r"^\s*\(?([a-z]|[ivx]{1,4})[.)]\s+\S")


_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


def section_of(text: str, offset: int) -> str:
    """The section (e.g. ``Section 4(c)``, ``Section 2(a)(1)(b)``) an offset sits in.

    Read from the text's layout: walking back from the offset, the nearest item labels
    (letters, roman numerals, sub-numbers) and the top-level number or "Section N" heading.
    Where the items are indented by depth (the CC 4.0 legal code), each less-indented label
    above is a parent; otherwise ``_path`` guesses the parent from the labels' kinds.
    """
    lines = text[: offset + 1].splitlines()
    has_heads = any(_SECTION_HEAD.match(line) for line in text.splitlines())
    labels: list[tuple[str, int]] = []  # (label, indentation), nearest first
    for line in reversed(lines):
        head = _SECTION_HEAD.match(line) if has_heads else None
        num = None if has_heads else _NUM_ITEM.match(line)
        if head or num:
            top = (head or num).group(1)  # type: ignore[union-attr]
            return "Section " + top + "".join(f"({x})" for x in _nested(labels))
        m = _LETTER_ITEM.match(line)
        if not m and has_heads:
            m = _NUM_ITEM.match(line)
        if m:
            labels.append((m.group(1), len(line) - len(line.lstrip())))
    return ""


def _nested(labels: list[tuple[str, int]]) -> list[str]:
    """Outermost first: by indentation where it varies, else by the kinds of the labels."""
    if len({indent for _, indent in labels}) < 2:
        return _path([label for label, _ in labels])
    chain = [labels[0]]
    for label, indent in labels[1:]:
        if indent < chain[-1][1]:
            chain.append((label, indent))
    return [label for label, _ in reversed(chain)]


def _path(labels: list[str]) -> list[str]:
    """Nearest label and its parent: ``i`` under ``b`` gives ``b, i``; ``i`` after ``h`` is a letter."""
    if not labels:
        return []
    first = labels[0]
    rest = labels[1:]
    is_roman = first in _ROMAN and not (len(first) == 1 and rest and rest[0] == chr(ord(first) - 1))
    kind = "roman" if is_roman else ("digit" if first.isdigit() else "letter")
    for label in rest:
        if kind == "roman" and label not in _ROMAN and not label.isdigit():
            return [label, first]
        if kind == "digit" and not label.isdigit():
            return [label, first]
        if kind == "letter":
            break
    return [first]


@dataclass
class Found:
    quote: str
    section: str


def find_clause(text: str, patterns: list[str], max_len: int = 700) -> Found | None:
    """The first pattern's match, widened to its sentence, cut at ``max_len`` on a word."""
    flat, offsets = collapse(text)
    for raw in patterns:
        exact = raw.startswith("=")  # quote the match itself, not its whole sentence
        pattern = raw[1:] if exact else raw
        m = re.search(pattern, flat, re.S)
        if not m:
            continue
        start, end = m.start(), m.end()
        if not exact:
            start = _sentence_start(flat, start)
            end = _sentence_end(flat, end)
        quote = flat[start:end].strip()
        if len(quote) > max_len:
            cut = quote.rfind(" ", 0, max_len)
            quote = quote[: cut if cut > 0 else max_len]
        if not quote:
            continue
        real = start + (len(flat[start:end]) - len(flat[start:end].lstrip()))
        return Found(quote, section_of(text, offsets[min(real, len(offsets) - 1)]))
    return None


def _sentence_start(flat: str, pos: int) -> int:
    """Start of the sentence or clause holding ``pos``; a word boundary if it is far back."""
    floor = max(0, pos - 1500)
    best = 0 if floor == 0 else None
    for m in re.finditer(r"(?:[.;:]\s|\b[a-z0-9ivx]{1,3}\.\s|\)\s)", flat[floor:pos]):
        best = floor + m.end()
    if best is None or pos - best > 500:
        near = max(0, pos - 300)
        space = flat.find(" ", near, pos)
        return near if near == 0 or space == -1 else space + 1
    return best


def _sentence_end(flat: str, pos: int) -> int:
    if pos > 0 and flat[pos - 1] in ".;:":  # the pattern already ends the sentence
        return pos
    m = re.search(r"[.;:](?=\s|$)", flat[pos : pos + 500])
    return pos + m.end() if m else min(len(flat), pos + 400)


@dataclass
class Term:
    """One term's value and where to find the clause it rests on."""

    value: Any
    patterns: list[str] = field(default_factory=list)
    note: str = ""
    section: str = ""  # overrides the section read from the layout


def evidence(text: str | None, term: Term, source: str, accessed: str = ACCESSED) -> dict[str, Any]:
    """An evidence mapping for ``term`` in ``text``; unverified when the clause is not found."""
    ev: dict[str, Any] = {"source": source, "accessed": accessed}
    if term.note:
        ev["note"] = term.note
    if not term.patterns:
        return ev
    found = find_clause(text, term.patterns) if text is not None else None
    if found is None:
        ev["verified"] = False
        ev["note"] = (term.note + " " if term.note else "") + (
            "unverified: the clause was not located in the text we hold."
        )
        return ev
    ev["quote"] = found.quote
    ev["section"] = term.section or found.section
    return ev
