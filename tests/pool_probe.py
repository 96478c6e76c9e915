"""Functions that tests/test_executor_local.py runs inside pool workers. This module imports
nothing of clearance, so what a worker holds is what its start method gave it."""

from __future__ import annotations

import os
import sys


def loaded(names: list[str]) -> dict[str, bool]:
    return {name: name in sys.modules for name in names}


def parent_pid() -> int:
    return os.getppid()


def environment(name: str) -> str | None:
    return os.environ.get(name)
