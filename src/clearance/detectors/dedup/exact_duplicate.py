"""Items with the same sha256 as another item of the run.

Counsel needs to know that a blocked text also sits elsewhere in the corpus under another
name or source; a per-item detector cannot see that, so this one runs over the whole run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from clearance.detectors.base import RunDetector, register
from clearance.model.finding import Finding

MAX_LISTED = 5


@register
class ExactDuplicateDetector(RunDetector):
    name = "exact-duplicate"
    version = "1.0"
    description = "items whose bytes are identical (same sha256) to another item of the run"

    def detect_run(self, items: Any) -> Iterator[Finding]:
        table: pa.Table = items.select(["item_id", "sha256"])
        table = table.filter(pc.not_equal(table["sha256"], ""))
        counts = table.group_by("sha256").aggregate([("item_id", "list")])
        repeated = pc.greater(pc.list_value_length(counts["item_id_list"]), 1)
        # group_by hands groups back in the order its threads met them: sorted, so two scans
        # of the same corpus write the same findings in the same order
        for row in counts.filter(repeated).sort_by("sha256").to_pylist():
            ids = sorted(row["item_id_list"])
            head = ids[: MAX_LISTED + 1]
            others_count = len(ids) - 1
            for item_id in ids:
                listed = ", ".join([i for i in head if i != item_id][:MAX_LISTED])
                extra = others_count - MAX_LISTED
                more = f" and {extra} more" if extra > 0 else ""
                yield Finding(
                    item_id=item_id,
                    detector=self.name,
                    detector_version=self.version,
                    kind="duplicate",
                    value=row["sha256"],
                    confidence=1.0,
                    rule="exact-duplicate/sha256",
                    evidence=f"same bytes as {others_count} other item(s): {listed}{more}",
                )
