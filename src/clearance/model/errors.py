"""The exception tree. Configuration errors fail at start; item errors become findings.

ClearanceError
├── ConfigError           bad manifest, policy or option: names file, line and field
├── MissingDependency     an optional extra is not installed: names the pip line
├── RunError              the run folder is unusable (exists, foreign, incompatible)
└── ItemError             one item cannot be read; the scan records it and goes on
    ├── ItemTooLarge
    └── UnsafeArchiveMember
"""

from __future__ import annotations


class ClearanceError(Exception):
    """Base of every error clearance raises on purpose."""


class ConfigError(ClearanceError):
    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.file, self.line = file, line
        where = f"{file}:{line}: " if file and line else f"{file}: " if file else ""
        super().__init__(f"{where}{message}")


class MissingDependency(ClearanceError):
    def __init__(self, what: str, extra: str):
        super().__init__(f"{what} needs an optional dependency: pip install 'clearance[{extra}]'")


class RunError(ClearanceError):
    pass


class ItemError(ClearanceError):
    """An item-level problem; ``rule`` becomes the error finding's rule."""

    rule = "unreadable"


class ItemTooLarge(ItemError):
    rule = "oversize"


class UnsafeArchiveMember(ItemError):
    rule = "unsafe-archive-member"
