"""Hugging Face dataset folders: the README.md card's YAML front matter, read at plan time.

The card's fields (license, language, configs...) are attached to every item of the folder
as ``meta["hf_card"]``; the card itself is scanned as a text item.
"""

from __future__ import annotations

from typing import Any

import yaml

from clearance.readers.fs import filesystem

CARD_KEYS = frozenset({"license", "configs", "dataset_info", "task_categories", "pretty_name"})


def read_card(folder: str) -> dict[str, Any] | None:
    """The front matter of ``folder/README.md``, or None when there is no usable card."""
    fs, root = filesystem(folder)
    path = f"{root.rstrip('/')}/README.md"
    try:
        if not fs.isfile(path):
            return None
        with fs.open(path, "rb") as stream:
            text = stream.read(1024 * 1024).decode("utf-8", "replace")
    except OSError:
        return None
    return parse_front_matter(text)


def parse_front_matter(text: str) -> dict[str, Any] | None:
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return {"_error": "card front matter is not valid YAML"}
    return data if isinstance(data, dict) else None


def looks_like_dataset_card(card: dict[str, Any] | None) -> bool:
    return bool(card) and bool(CARD_KEYS & set(card or {}))
