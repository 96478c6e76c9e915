"""Rebuild src/clearance/detectors/pii/data/{first_names,surnames}.txt.

Sources (see the SOURCES.md beside the data): the 1990 US Census name frequency lists as
shipped in the `names` PyPI package (public domain, US government work) and the person
providers of Faker (MIT) for a set of Latin-script locales. Run from the repository root with
`names` and `faker` installed: `python scripts/build_name_lists.py`.
"""

from __future__ import annotations

import importlib
import os
import unicodedata
from pathlib import Path

import names  # type: ignore[import-untyped]

OUT = Path("src/clearance/detectors/pii/data")
LOCALES = ("en_US", "en_GB", "en_IE", "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "nl_NL",
           "pt_BR", "pt_PT", "pl_PL")
CENSUS_SURNAMES = 30000  # most frequent surnames kept (of 88,799)


def census(file: str, limit: int | None = None) -> set[str]:
    path = Path(os.path.dirname(names.__file__)) / file
    rows = path.read_text().splitlines()[:limit]
    return {row.split()[0].lower() for row in rows if row.strip()}


def faker_names(attr_prefix: str) -> set[str]:
    out: set[str] = set()
    for locale in LOCALES:
        module = importlib.import_module(f"faker.providers.person.{locale}")
        provider = module.Provider
        for attr in dir(provider):
            if attr.startswith(attr_prefix) and not attr.endswith("_format"):
                value = getattr(provider, attr)
                if isinstance(value, dict):
                    value = list(value)
                if isinstance(value, (list, tuple)):
                    out.update(str(v).lower() for v in value if " " not in str(v))
    return out


def clean(words: set[str]) -> list[str]:
    keep = [
        unicodedata.normalize("NFC", w)
        for w in words
        if len(w) >= 2 and all(ch.isalpha() or ch in "'-" for ch in w)
    ]
    return sorted(set(keep))


def main() -> None:
    first = census("dist.male.first") | census("dist.female.first") | faker_names("first_name")
    last = census("dist.all.last", CENSUS_SURNAMES) | faker_names("last_name")
    (OUT / "first_names.txt").write_text("\n".join(clean(first)) + "\n", encoding="utf-8")
    (OUT / "surnames.txt").write_text("\n".join(clean(last)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
