"""Command-line options shared by several commands (scan, decide, gate...).

Only ``typer`` here: ``clearance scan`` and ``clearance --version`` import this module without
the policy engine that ``cli_policy`` (which uses them too) needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Purpose = Annotated[
    str | None,
    typer.Option(help="Intended use: a built-in policy name (see `clearance policies`)."),
]
PolicyFile = Annotated[
    str | None, typer.Option("--policy", help="A policy YAML file (or built-in name).")
]
Overlays = Annotated[
    list[str] | None, typer.Option("--overlay", help="Overlay(s) to add, e.g. eu-gpai.")
]
RelyOn = Annotated[
    list[str] | None,
    typer.Option(
        "--rely-on",
        help="A legal position counsel relies on (e.g. us-fair-use): the rules it names go "
        "from blocked to review, and the decision records it. Off by default.",
    ),
]
LedgerOpt = Annotated[
    Path | None,
    typer.Option("--ledger", help="Ledger file (default: clearance-ledger.sqlite beside the run)."),
]
# str, not Path: a run may be an s3:// URL, which pathlib would turn into s3:/...
RunArg = Annotated[
    str, typer.Argument(help="Run folder (or s3:// prefix) written by `clearance scan`.")
]

__all__ = ["LedgerOpt", "Overlays", "PolicyFile", "Purpose", "RelyOn", "RunArg"]
