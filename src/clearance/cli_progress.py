"""The scan's progress bar (Rich): bytes known at plan time, items per second and ETA.

Its own module so that commands other than ``scan`` (and ``--version``) skip importing it.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from clearance.executors.batch import ShardResult


class ItemsColumn(ProgressColumn):
    """Items done and items per second, beside the byte-based bar."""

    def render(self, task: Task) -> Text:
        items = int(task.fields.get("items", 0))
        elapsed = task.elapsed or 0.0
        rate = items / elapsed if elapsed > 0 else 0.0
        return Text(f"{items:,} items {rate:,.0f}/s", style="progress.data.speed")


class RichProgress:
    """Progress bar over bytes (known at plan time), with items/s and ETA."""

    def __init__(self, console: Console, *, quiet: bool):
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            ItemsColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=quiet,
            transient=False,
        )
        self.task: Any = None
        self._note = ""
        self.items = 0
        self.shards_done = 0
        self.shards_total = 0

    def __enter__(self) -> RichProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def start(self, total_bytes: int, shards: int, skipped: int) -> None:
        self.shards_total = shards
        note = f" ({skipped} done before)" if skipped else ""
        self.task = self.progress.add_task(
            f"scanning 0/{shards} shards{note}", total=max(total_bytes, 1), items=0
        )
        self._note = note

    def advance(self, items: int, size: int) -> None:
        self.items += items
        self.progress.update(self.task, advance=size, items=self.items)

    def shard_done(self, result: ShardResult) -> None:
        self.shards_done += 1
        self.progress.update(
            self.task,
            description=f"scanning {self.shards_done}/{self.shards_total} shards{self._note}",
        )
