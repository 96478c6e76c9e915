"""Rebuild src/clearance/detectors/pii/data/street_suffixes.txt.

Sources (see the SOURCES.md beside the data): the street suffix lists of Faker's address
providers (MIT) for en_US (which follows USPS Publication 28, Appendix C1), en_AU and en_NZ,
plus the common USPS abbreviations listed below. Run from the repository root with `faker`
installed: `python scripts/build_address_lists.py`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

OUT = Path("src/clearance/detectors/pii/data/street_suffixes.txt")
LOCALES = ("en_US", "en_AU", "en_NZ")
# USPS Pub. 28 C1 standard abbreviations in everyday use (written with or without a period)
ABBREVIATIONS = (
    "st aly ave blvd br cir ct cres cv dr expy fwy grv hts hwy jct ln lndg loop mnr pkwy pl"
    " plz pt rd rdg row sq sta ter trl tpke wy"
)


def main() -> None:
    words: set[str] = set(ABBREVIATIONS.split())
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        words.update(s.lower() for s in provider.street_suffixes)
    OUT.write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} suffixes -> {OUT}")


if __name__ == "__main__":
    main()
