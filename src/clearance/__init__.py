"""clearance: clear AI training data for IP and data-rights risk, and screen model outputs.

Not legal advice: clearance finds and explains evidence; counsel decides.
"""

__version__ = "0.1.0"

from clearance.model import Decision, Finding, Item, Status
from clearance.runs import open_run
from clearance.scan import ScanOptions, ScanSummary, scan

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
