"""Fixtures shared by the suite (helpers live in helpers.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import EXAMPLES


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target
