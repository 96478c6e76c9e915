"""Fixtures shared by the suite (helpers live in helpers.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import EXAMPLES


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The license index, site-file indexes and fetched robots.txt go to a per-session
    folder, not ~/.cache (session-wide, so module fixtures that scan see it too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        yield
