"""Split a document into clauses that keep their section number, heading and page.

Numbering is read as agreements write it: "Section 2 - Scope." / "Article 4" / "3." / "3.2"
open a section, "a." / "(b)" a subsection, "1." or "(i)" inside a lettered subsection a
further level. A paragraph ending in ":" ("You may not:") is the *lead* of the list items
that follow it, so "(iii) use the data to train models" is read with "You may not" before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from clearance.terms.readers import Document

_SECTION: Final = re.compile(
    r"^(?:section|article|clause|§)\s*(\d+(?:\.\d+)*)[.:)]?(?=\s|$)", re.IGNORECASE
)
_DOTTED: Final = re.compile(r"^(\d+(?:\.\d+)+)\.?(?=\s)")
_NUMBER: Final = re.compile(r"^\(?(\d{1,3})[.)](?=\s)")
_LETTER: Final = re.compile(r"^\(?([a-z])[.)](?=\s)")
_ROMAN: Final = re.compile(r"^\(?((?:x|ix|iv|v?i{1,3}|v|vi{1,3}))[.)](?=\s)", re.IGNORECASE)
_ROMAN_VALUES: Final = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")


@dataclass(frozen=True)
class Clause:
    text: str
    section: str  # "2(a)(1)", "4.2", a heading, or "" when the text has no structure
    page: int | None
    heading: str
    lead: str = ""  # the list introduction this clause continues ("You may not:")
    index: int = 0

    @property
    def where(self) -> str:
        parts = []
        if self.section:
            parts.append(f"§ {self.section}" if self.section[:1].isdigit() else self.section)
        if self.page is not None:
            parts.append(f"p. {self.page}")
        return ", ".join(parts)


class _Numbering:
    def __init__(self) -> None:
        self.top = ""
        self.letter = ""
        self.sub = ""
        self.explicit = False  # "Section N" seen: bare "1." is then a lower level
        self.depth = 0  # depth of the current section number ("2.1" = 2)

    def label(self) -> str:
        out = self.top
        if self.letter:
            out += f"({self.letter})"
        if self.sub:
            out += f"({self.sub})"
        return out

    def update(self, text: str) -> int:
        """Advance on a numbered block; the depth it opened (1 = section) or 0 for none."""
        if m := _SECTION.match(text):
            self.top, self.letter, self.sub, self.explicit = m.group(1), "", "", True
            self.depth = 1
            return 1
        if m := _DOTTED.match(text):
            self.top, self.letter, self.sub = m.group(1), "", ""
            # "2.1" is a level below "2.", "2.1.1" below that ("2.0" is the section itself)
            parts = m.group(1).split(".")
            self.depth = 1 if parts[1:] == ["0"] else len(parts)
            return self.depth
        roman = _ROMAN.match(text)
        if roman and (self.letter or self.top) and self._is_roman(roman.group(1).lower()):
            self.sub = roman.group(1).lower()
            return self.depth + 2
        if m := _LETTER.match(text):
            self.letter, self.sub = m.group(1), ""
            return self.depth + 1
        if m := _NUMBER.match(text):
            if self.explicit and self.top:
                if self.letter:
                    self.sub = m.group(1)
                    return self.depth + 2
                self.letter = m.group(1)
                return self.depth + 1
            self.top, self.letter, self.sub = m.group(1), "", ""
            self.depth = 1
            return 1
        return 0

    def _is_roman(self, value: str) -> bool:
        # "(i)" after "(h)" is the letter i; after nothing or a roman numeral it is roman.
        if value == "i" and self.letter == "h":
            return False
        if value in ("v", "x") and not self.sub:
            return False
        return value in _ROMAN_VALUES


def segment(document: Document) -> list[Clause]:
    numbering = _Numbering()
    heading = ""
    lead, lead_level = "", 0
    clauses: list[Clause] = []
    for block in document.blocks:
        text = block.text.strip()
        if not text:
            continue
        level = numbering.update(text)
        if block.heading or (level == 0 and _looks_like_heading(text)):
            # A heading names the section ("Limitation of Liability"): it is kept as a short
            # clause, since a heading alone is evidence of what the section is about.
            heading = text
            lead, lead_level = "", 0
            if level == 0:
                numbering.letter = numbering.sub = ""
            section = numbering.label() or heading
            clauses.append(Clause(text, section, block.page, heading, index=len(clauses)))
            continue
        if level and lead and (level <= lead_level or (lead_level == 0 and level == 1)):
            lead, lead_level = "", 0  # a new section ends the list the lead introduced
        section = numbering.label() or heading
        clauses.append(Clause(text, section, block.page, heading, lead=lead, index=len(clauses)))
        if text.endswith(":") and len(text) < 400:
            lead, lead_level = text, level
        elif level == 0 and lead and not text[:1].islower():
            lead, lead_level = "", 0
    return clauses


def _looks_like_heading(text: str) -> bool:
    """A short line without sentence punctuation, e.g. "LIMITATION OF LIABILITY"."""
    return (
        len(text) <= 80
        and not text.endswith((".", ":", ";", ","))
        and (text.isupper() or text.istitle())
        and len(text.split()) <= 10
    )
