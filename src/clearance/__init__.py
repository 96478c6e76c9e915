"""clearance: clear AI training data for IP and data-rights risk, and screen model outputs.

Not legal advice: clearance finds and explains evidence; counsel decides.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from clearance.model import Decision, Finding, Item, Status
    from clearance.runs import open_run
    from clearance.scan import ScanOptions, ScanSummary, scan

# The public names load on first use (PEP 562): importing any ``clearance.*`` module runs this
# file, and the command line's start-up should not pay for pyarrow and the scan machinery.
_LAZY = {
    "Decision": "clearance.model",
    "Finding": "clearance.model",
    "Item": "clearance.model",
    "Status": "clearance.model",
    "open_run": "clearance.runs",
    "ScanOptions": "clearance.scan",
    "ScanSummary": "clearance.scan",
    "scan": "clearance.scan",
}


class _Package(ModuleType):
    """``clearance.scan`` is both a submodule and the public function. Importing the submodule
    sets the package attribute to the module (the import system does, after loading it); the
    attribute stays the function, as when this file imported it eagerly."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "scan" and isinstance(value, ModuleType):
            value = value.scan
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'clearance' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Decision",
    "Finding",
    "Item",
    "ScanOptions",
    "ScanSummary",
    "Status",
    "__version__",
    "open_run",
    "scan",
]
