"""A scanned and decided copy of the example corpus, shared by the exporter tests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from clearance.policy import decide_run, resolve_policy
from helpers import EXAMPLES, run_scan

#: fixed, so a new detector elsewhere does not change the goldens
DETECTORS = ("spdx-tag", "copyright", "exact-duplicate", "cc-url", "license-text")
GOLDEN = Path(__file__).parent / "data" / "exporters"


def scan_and_decide(manifest: Path, run: Path, purpose: str = "commercial-training") -> Path:
    run_scan([str(manifest)], run, detectors=DETECTORS, force=True)
    decide_run(run, resolve_policy(purpose), ledger=run.parent / f"{run.name}-ledger.sqlite")
    return run


def example_run(tmp: Path) -> Path:
    return scan_and_decide(EXAMPLES / "clearance.yaml", tmp / "demo")


_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\+00:00|Z)?")


def normalise(data: Any, *paths: Path) -> Any:
    """Dates, versions and local paths out, so goldens hold only what the corpus decides."""
    text = json.dumps(data, sort_keys=True)
    for path in paths:
        text = text.replace(str(path), f"<{path.name}>")
    text = _DATE.sub("<date>", text)
    out = json.loads(text)
    if isinstance(out, dict) and "provenance" in out:
        prov = out["provenance"]
        for key in ("run", "run_id", "clearance_version", "report_version", "python", "ledger"):
            prov[key] = "<normalised>"
        prov["packages"] = "<normalised>"
        prov["manifests"] = "<normalised>"
        prov["detectors"] = {k: "<version>" for k in prov["detectors"]}
    return out
