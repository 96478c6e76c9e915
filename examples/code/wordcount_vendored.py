# SPDX-License-Identifier: MIT
# Copyright (c) 2025 The clearance authors
"""Count words in text files and print the most common ones."""

import collections
import re
import sys

WORD = re.compile(r"[A-Za-z']+")


def count_words(text: str) -> collections.Counter[str]:
    return collections.Counter(word.lower() for word in WORD.findall(text))


def main(paths: list[str]) -> None:
    total: collections.Counter[str] = collections.Counter()
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            total.update(count_words(handle.read()))
    for word, n in total.most_common(10):
        print(f"{n:6d}  {word}")


if __name__ == "__main__":
    main(sys.argv[1:])
