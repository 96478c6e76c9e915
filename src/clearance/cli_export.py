"""``clearance report``, ``clearance export`` and ``clearance summary``: thin commands over
``clearance.exporters``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from clearance.exporters.eu_summary import build_summary, render_summary
from clearance.exporters.export import ExportOptions, export_run
from clearance.exporters.render import FORMATS, render
from clearance.exporters.report_model import build_report
from clearance.model.errors import ConfigError
from clearance.runs.location import is_url

console = Console()
# str, not Path: a run may be an s3:// URL, which pathlib would turn into s3:/...
RunArg = Annotated[
    str, typer.Argument(help="A decided run folder (or s3:// prefix), e.g. runs/NAME.")
]


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote [bold]{out}[/]", highlight=False)


def report_command(
    run: RunArg,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html | md | json")] = "html",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
) -> None:
    """The clearance report for counsel and engineers (self-contained HTML, Markdown or JSON)."""
    if fmt not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    _emit(render(build_report(run), fmt), out)


def export_command(
    run: RunArg,
    to: Annotated[str, typer.Option("--to", help="Local folder to write the dataset to.")],
    include: Annotated[
        str, typer.Option(help="cleared | cleared+review: which decisions to export.")
    ] = "cleared",
    transform: Annotated[
        str,
        typer.Option(
            help="Comma-separated transforms: redact-pii, blur-faces, strip-metadata, "
            "blur-logos, crop-logos."
        ),
    ] = "",
    force: Annotated[bool, typer.Option(help="Replace an existing export in --to.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Write the selected items in their input formats, with MANIFEST, CLEARANCE.json
    (Merkle root), ATTRIBUTION.md, NOTICE and BOMs. Rerun to resume an interrupted export."""
    if is_url(to):
        raise ConfigError(
            f"--to {to}: export writes to a local folder (copy it to object storage afterwards, "
            "e.g. `aws s3 sync`); the run itself may be on s3://"
        )
    names = tuple(n.strip() for n in transform.split(",") if n.strip())
    options = ExportOptions(include=include, transforms=names, force=force)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=as_json,
        transient=True,
    ) as bar:
        task = bar.add_task("export", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, total=total, advance=done)

        summary = export_run(run, to, options, advance)
    if as_json:
        typer.echo(json.dumps(summary.__dict__, indent=2))
        return
    console.print(
        f"exported [bold]{summary.items}[/] items ({summary.bytes} bytes) to {summary.out}; "
        f"{summary.shards_skipped} of {summary.shards} shards were already done",
        highlight=False,
    )
    console.print(f"merkle root {summary.merkle_root}", highlight=False)


def summary_command(
    run: RunArg,
    eu_ai_act: Annotated[
        bool, typer.Option("--eu-ai-act", help="Art. 53(1)(d) public summary draft.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md | json")] = "md",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
) -> None:
    """Draft regulator summaries from a run (today: --eu-ai-act)."""
    if not eu_ai_act:
        raise ConfigError("choose a summary: --eu-ai-act")
    if fmt not in ("md", "json"):
        raise ConfigError(f"--format must be md or json, not {fmt!r}")
    _emit(render_summary(build_summary(run), fmt), out)
