"""The command line: parses, calls the library, prints. No scanning logic lives here."""

from __future__ import annotations

import csv
import importlib
import json
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from clearance import __version__
from clearance.cli_options import LedgerOpt, Overlays, PolicyFile, Purpose, RelyOn
from clearance.interrupt import STOP_REQUESTED
from clearance.model.errors import ClearanceError, ConfigError

if TYPE_CHECKING:
    from rich.table import Table

EXIT_OK, EXIT_CONFIG, EXIT_ITEM_ERRORS, EXIT_INTERRUPTED = 0, 2, 3, 130

# Commands whose modules load on first use (`clearance --version` and `clearance scan` import
# none of them: the policy engine, guard kernels, exporters... cost more than a small scan).
# name: (module, attribute, "command" for a function or "group" for a Typer app)
_LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "licenses": ("clearance.cli_licenses", "licenses_command", "command"),
    "decide": ("clearance.cli_policy", "decide_command", "command"),
    "explain": ("clearance.cli_policy", "explain_command", "command"),
    "override": ("clearance.cli_policy", "override_command", "command"),
    "gate": ("clearance.cli_policy", "gate_command", "command"),
    "policies": ("clearance.cli_policy", "policies_command", "command"),
    "ledger": ("clearance.cli_policy", "ledger_app", "group"),
    "guard": ("clearance.cli_guard", "guard_app", "group"),
    "terms": ("clearance.cli_terms", "terms_command", "command"),
    "keys": ("clearance.cli_provenance", "keys_app", "group"),
    "provenance": ("clearance.cli_provenance", "provenance_app", "group"),
    "dossier": ("clearance.cli_provenance", "dossier_command", "command"),
    "report": ("clearance.cli_export", "report_command", "command"),
    "export": ("clearance.cli_export", "export_command", "command"),
    "summary": ("clearance.cli_export", "summary_command", "command"),
    "review": ("clearance.cli_review", "review_command", "command"),
    "users": ("clearance.cli_review", "users_app", "group"),
}


def _load_command(name: str) -> Any:
    """The click command for ``name`` (typer's own click: typed loosely, it is private)."""
    module, attribute, kind = _LAZY_COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    command: Any
    if kind == "group":
        command = typer.main.get_group(target)
    else:
        holder = typer.Typer(add_completion=False, rich_markup_mode="markdown")
        holder.command(name)(target)
        command = typer.main.get_command(holder)
    command.name = name
    return command


class _LazyGroup(TyperGroup):
    """The top-level group: lists every command, imports a lazy one when it is used."""

    def list_commands(self, ctx: Any) -> list[str]:
        listed = super().list_commands(ctx)
        lazy = [name for name in _LAZY_COMMANDS if name not in listed]
        # commands first, then groups, as typer lists them
        return [*listed, *sorted(lazy, key=lambda name: _LAZY_COMMANDS[name][2] == "group")]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in _LAZY_COMMANDS and cmd_name not in self.commands:
            self.add_command(_load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="clearance",
    help=(
        "Clear AI training data for IP and data-rights risk.\n\n"
        "Typical flow: `clearance init DATA/` drafts a manifest; fill in each source's kind "
        "and license; `clearance scan DATA/clearance.yaml --out runs/NAME` finds evidence; "
        "`clearance show runs/NAME` and `clearance findings runs/NAME` read it; "
        "`clearance decide runs/NAME --purpose commercial-training` decides each item, "
        "`clearance explain` says why, `clearance gate` fails CI.\n\n"
        "Not legal advice: clearance gathers and explains evidence; counsel decides."
    ),
    add_completion=False,
    rich_markup_mode="markdown",
    cls=_LazyGroup,
)
console = Console()
err_console = Console(stderr=True)


def main() -> None:
    """Entry point: library errors become one clear line and an exit code, not a traceback."""
    try:
        app()
    except ConfigError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(EXIT_CONFIG)
    except ClearanceError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(1)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"clearance {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        console.print(ctx.get_help())


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder holding the corpus.")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing clearance.yaml.")] = False,
) -> None:
    """Draft FOLDER/clearance.yaml with one source per top-level entry, kinds to fill in."""
    from clearance.sources.init import write_manifest

    target = write_manifest(folder, force=force)
    console.print(f"wrote [bold]{target}[/]; fill in each source's kind, license and terms, then:")
    console.print(f"  clearance scan {target} --out runs/NAME", highlight=False)


@app.command("scan")
def scan_command(
    inputs: Annotated[
        list[str], typer.Argument(help="A manifest (clearance.yaml) or paths/URLs to scan.")
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out", "-o", help="Run folder to write, e.g. runs/NAME, or s3://BUCKET/runs/NAME."
        ),
    ],
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=0,
            help="Local engine: processes at most, this one included (0, the default: all "
            "cores). Extra workers start only once the shards left would take this one over "
            "2 s alone.",
        ),
    ] = 0,
    resume: Annotated[
        bool, typer.Option(help="Continue an interrupted run; finished shards are skipped.")
    ] = False,
    force: Annotated[bool, typer.Option(help="Replace an existing run folder.")] = False,
    detectors: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated detector names (default: all). See `clearance detectors`."
        ),
    ] = None,
    max_item_mb: Annotated[
        float,
        typer.Option(help="Items larger than this are hashed but not scanned (error finding)."),
    ] = 64.0,
    shard_mb: Annotated[
        float, typer.Option(help="Target shard size: the unit of parallelism and of --resume.")
    ] = 32.0,
    fail_on_errors: Annotated[
        bool, typer.Option(help=f"Exit {EXIT_ITEM_ERRORS} when any item had an error finding.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    fetch_robots: Annotated[
        bool,
        typer.Option(
            help="Fetch robots.txt (once per host, cached a day, 1 request/s) for crawled hosts "
            "that have no captured one. The only network access clearance makes."
        ),
    ] = False,
    robots_cache: Annotated[
        Path | None,
        typer.Option(
            help="Cache folder for site-file indexes and fetched robots.txt "
            "(default: $CLEARANCE_CACHE_DIR or ~/.cache/clearance)."
        ),
    ] = None,
    purpose: Purpose = None,
    policy: PolicyFile = None,
    overlay: Overlays = None,
    rely_on: RelyOn = None,
    ledger: LedgerOpt = None,
    engine_name: Annotated[
        str,
        typer.Option("--engine", help="local (process pool) or ray (tasks on a Ray cluster)."),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster to join: auto or ray://HOST:10001 (default: start one)."),
    ] = None,
) -> None:
    """Scan sources into a run folder: items.parquet, findings.parquet and run.json.

    Unreadable, corrupt, over-size or timed-out items become `error` findings (they go to
    review); the scan never stops on bad content and never modifies its inputs. Interrupt it
    at any time: `--resume` picks up from the last finished shard.

    Example: `clearance scan data/clearance.yaml --out runs/2026-11 --workers 4`
    """
    from clearance.cli_progress import RichProgress
    from clearance.detectors.signals.web_options import signal_options
    from clearance.executors.local import default_workers
    from clearance.readers import ReadLimits
    from clearance.scan import ScanOptions, scan

    names = tuple(n.strip() for n in detectors.split(",")) if detectors is not None else None
    engine = None
    if purpose is not None or policy is not None:  # a bad policy fails before the scan
        from clearance.cli_policy import choose_policy

        engine = choose_policy(purpose, policy, overlay, rely_on)
    options = ScanOptions(
        workers=workers or default_workers(),
        resume=resume,
        force=force,
        detectors=names,
        limits=ReadLimits(max_item_bytes=int(max_item_mb * 1024 * 1024)),
        target_shard_bytes=max(1, int(shard_mb * 1024 * 1024)),
        detector_options=signal_options(fetch_robots, robots_cache),
        engine=engine_name,
        address=address,
    )
    STOP_REQUESTED.clear()
    signal.signal(signal.SIGTERM, _raise_interrupt)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored (`cmd &`)
        signal.signal(signal.SIGINT, _raise_interrupt)
    display = RichProgress(console, quiet=as_json)
    try:
        with display:
            summary = scan(inputs, out, options, display)
    except KeyboardInterrupt:
        err_console.print(
            f"[yellow]interrupted[/]: finished shards are kept; continue with "
            f"`clearance scan ... --out {out} --resume`",
            highlight=False,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    decided = None
    if purpose is not None or policy is not None:  # decide at the end of the scan
        from clearance.cli_policy import run_decide

        decided = run_decide(out, purpose, policy, overlay, rely_on, ledger, engine)
    if as_json:
        extra = {"decisions": decided.__dict__} if decided is not None else {}
        print(json.dumps({**summary.__dict__, **extra}, indent=2))
    else:
        rate = summary.items / summary.seconds if summary.seconds else 0.0
        console.print(
            f"[bold green]scanned[/] {summary.items:,} items ({_human(summary.bytes)}) from "
            f"{summary.shards} shards in {summary.seconds:.1f}s ({rate:,.0f} items/s)"
            + (f", {summary.shards_skipped} shards resumed" if summary.shards_skipped else ""),
            highlight=False,
        )
        kinds = ", ".join(f"{k} {v:,}" for k, v in summary.by_kind.items() if k != "error")
        console.print(f"findings: {summary.findings:,}" + (f" ({kinds})" if kinds else ""))
        if summary.errors:
            console.print(
                f"[bold yellow]{summary.errors:,} error finding(s)[/]: items that could not "
                f"be fully read or scanned go to review; "
                f"see `clearance findings {out} --kind error`",
                highlight=False,
            )
        console.print(f"next: clearance show {out}", highlight=False)
    if decided is not None and not as_json:
        from clearance.cli_policy import print_decide_summary

        print_decide_summary(decided)
    if fail_on_errors and summary.errors:
        raise typer.Exit(EXIT_ITEM_ERRORS)


def _raise_interrupt(signum: int, frame: object) -> None:
    STOP_REQUESTED.set()  # the scan stops at the next shard even if this exception is lost
    raise KeyboardInterrupt


@app.command()
def show(
    run: Annotated[str, typer.Argument(help="Run folder (or s3:// prefix) from `clearance scan`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Summarise a run: items, media types, sources, findings by kind, errors."""
    summary = _run_summary(run)
    if as_json:
        print(json.dumps(summary, indent=2, default=str))
        return
    info = summary["run"]
    when = info.get("finished") or info["created"]
    console.print(
        f"[bold]{run}[/]  status: {info['status']}  scanned {when}"
        f"  clearance {info['clearance_version']}",
        highlight=False,
    )
    console.print(
        f"{summary['items']:,} items, {_human(summary['bytes'])}, "
        f"{summary['findings']:,} findings, {summary['errors']:,} errors",
        highlight=False,
    )
    console.print(
        _table(
            "Sources",
            ["source", "kind", "license", "items", "size"],
            [
                [s["name"], s["kind"], s["license"] or "-", f"{s['items']:,}", _human(s["bytes"])]
                for s in summary["sources"]
            ],
        )
    )
    console.print(
        _table(
            "Media types",
            ["media type", "items"],
            [[k, f"{v:,}"] for k, v in summary["media_types"].items()],
        )
    )
    console.print(
        _table(
            "Findings by kind",
            ["kind", "findings", "items"],
            [[k, f"{v['findings']:,}", f"{v['items']:,}"] for k, v in summary["by_kind"].items()],
        )
    )
    decisions = summary.get("decisions")
    if decisions:
        from clearance.exporters.runview import STATUSES

        console.print(
            _table(
                f"Decisions for {decisions['purpose']} ({decisions['policy']})",
                ["source", *STATUSES, "items"],
                [
                    [source, *(f"{row.get(s, 0):,}" for s in STATUSES), f"{sum(row.values()):,}"]
                    for source, row in decisions["by_source"].items()
                ],
            )
        )
        console.print(
            _table(
                "Rules that fired most (see `clearance explain RUN ITEM`)",
                ["rule", "items"],
                [[k, f"{v:,}"] for k, v in decisions["top_rules"].items()],
            )
        )
    if summary["error_rules"]:
        console.print(
            _table(
                "Errors: these items go to review",
                ["rule", "items"],
                [[k, f"{v:,}"] for k, v in summary["error_rules"].items()],
            )
        )
    console.print(
        "[dim]Not legal advice: findings are evidence for counsel to weigh.[/]", highlight=False
    )


def _run_summary(run: str) -> dict[str, Any]:
    from clearance.runs.store import open_run

    store = open_run(run)
    info = store.read_run_json()
    items = store.items(columns=["source", "media_type", "size"])
    findings = store.findings(columns=["item_id", "kind", "rule"])
    sources: dict[str, dict[str, Any]] = {
        s["name"]: {
            "name": s["name"],
            "kind": s["kind"],
            "license": s.get("license"),
            "items": 0,
            "bytes": 0,
        }
        for s in info.get("sources", [])
    }
    for source, size in zip(
        items.column("source").to_pylist(), items.column("size").to_pylist(), strict=True
    ):
        entry = sources.setdefault(
            source, {"name": source, "kind": "?", "license": None, "items": 0, "bytes": 0}
        )
        entry["items"] += 1
        entry["bytes"] += size
    media = Counter(items.column("media_type").to_pylist())
    by_kind: dict[str, dict[str, int]] = {}
    kind_items: dict[str, set[str]] = {}
    error_items: dict[str, set[str]] = {}
    for item_id, kind, rule in zip(
        *(findings.column(c).to_pylist() for c in ("item_id", "kind", "rule")), strict=True
    ):
        by_kind.setdefault(kind, {"findings": 0, "items": 0})["findings"] += 1
        kind_items.setdefault(kind, set()).add(item_id)
        if kind == "error":
            error_items.setdefault(rule, set()).add(item_id)
    for kind, ids in kind_items.items():
        by_kind[kind]["items"] = len(ids)
    return {
        "decisions": _decision_summary(store),
        "run": {
            k: info.get(k)
            for k in (
                "status",
                "created",
                "finished",
                "clearance_version",
                "timings",
                "shards",
                "detectors",
            )
        },
        "items": items.num_rows,
        "bytes": int(sum(items.column("size").to_pylist())),
        "findings": findings.num_rows,
        "errors": by_kind.get("error", {}).get("findings", 0),
        "sources": list(sources.values()),
        "media_types": dict(media.most_common()),
        "by_kind": dict(sorted(by_kind.items())),
        # items per error rule (an item can fail in more than one way)
        "error_rules": dict(
            sorted(((r, len(ids)) for r, ids in error_items.items()), key=lambda kv: -kv[1])
        ),
    }


TOP_RULES = 10


def _decision_summary(store: Any) -> dict[str, Any] | None:
    """Decisions by source and status, and the rules that fired most; None before decide."""
    if not store.has_decisions():
        return None
    from clearance.policy import DECISION_SCHEMA

    table = store.decisions(DECISION_SCHEMA).select(
        ["source", "status", "purpose", "policy", "rules"]
    )
    by_source: dict[str, Counter[str]] = {}
    rules: Counter[str] = Counter()
    rows = zip(*(table.column(c).to_pylist() for c in ("source", "status", "rules")), strict=True)
    for source, status, fired in rows:
        by_source.setdefault(source, Counter())[status] += 1
        rules.update(r for r in (fired or "").split(",") if r)
    first = table.slice(0, 1).to_pylist()
    return {
        "purpose": first[0]["purpose"] if first else "",
        "policy": first[0]["policy"] if first else "",
        "by_source": {k: dict(v) for k, v in sorted(by_source.items())},
        "top_rules": dict(rules.most_common(TOP_RULES)),
    }


FINDING_COLUMNS = [
    "item_id",
    "detector",
    "detector_version",
    "kind",
    "value",
    "confidence",
    "start",
    "end",
    "line",
    "bbox",
    "evidence",
    "rule",
]


@app.command()
def findings(
    run: Annotated[str, typer.Argument(help="Run folder (or s3:// prefix) from `clearance scan`.")],
    kind: Annotated[
        str | None, typer.Option(help="Only this kind (license, error, duplicate...).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table | jsonl | csv | sarif")
    ] = "table",
    limit: Annotated[int, typer.Option(help="Rows in table format (0: all).")] = 50,
) -> None:
    """List findings. `jsonl` and `csv` carry every findings.parquet column, for pipelines;
    `sarif` writes SARIF 2.1.0 for code-scanning UIs (levels follow the decisions, if any)."""
    if fmt not in ("table", "jsonl", "csv", "sarif"):
        raise ConfigError(f"--format must be table, jsonl, csv or sarif, not {fmt!r}")
    from clearance.runs.store import open_run

    if fmt == "sarif":
        from clearance.policy.sarif import sarif_log

        print(json.dumps(sarif_log(open_run(run), kind=kind), indent=2, ensure_ascii=False))
        return
    table = (
        open_run(run)
        .findings(kind=kind)
        .sort_by([("item_id", "ascending"), ("start", "ascending")])
    )
    rows = table.to_pylist()
    if fmt == "jsonl":
        out = sys.stdout
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=FINDING_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "bbox": json.dumps(row["bbox"]) if row["bbox"] else ""})
        return
    shown = rows if limit <= 0 else rows[:limit]
    console.print(
        _table(
            f"Findings{f' of kind {kind}' if kind else ''} ({len(rows):,})",
            ["item", "kind", "value", "conf", "where", "rule", "evidence"],
            [
                [
                    r["item_id"],
                    r["kind"],
                    _short(r["value"]),
                    f"{r['confidence']:.2f}",
                    _where(r),
                    r["rule"],
                    r["evidence"][:120],
                ]
                for r in shown
            ],
        )
    )
    if len(shown) < len(rows):
        console.print(f"[dim]{len(rows) - len(shown):,} more; use --limit 0 or --format jsonl[/]")


@app.command("detectors")
def list_detectors(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the available detectors, their versions and what they read."""
    from clearance.detectors.base import registry

    rows = []
    for name, cls in registry().items():
        media = ", ".join(getattr(cls, "media_types", ("whole run",)))
        rows.append(
            {"name": name, "version": cls.version, "reads": media, "description": cls.description}
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    console.print(
        _table(
            "Detectors",
            ["name", "version", "reads", "what it finds"],
            [list(r.values()) for r in rows],
        )
    )


def _short(value: str, width: int = 40) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def _where(row: dict[str, Any]) -> str:
    if row.get("line") is not None:
        return f"L{row['line']}"
    if row.get("start") is not None:
        return f"{row['start']}-{row['end']}"
    return ""


def _table(title: str, headers: list[str], rows: list[list[str]]) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold", min_width=len(title))
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(escape(str(c)) for c in row))  # evidence may hold "[...]"
    return table


def _human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"
