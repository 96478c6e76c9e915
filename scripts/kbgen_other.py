"""The non-CC families, by output file name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kbgen_more import more_records
from kbgen_rows import row_records
from kbgen_software import software_records

FAMILIES: dict[str, Callable[[Path], list[dict[str, Any]]]] = {
    "software": software_records,
    "data-and-public-domain": row_records,
    "software-more": more_records,
}
