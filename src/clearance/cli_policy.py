"""Policy commands: decide, explain, override, gate, ledger verify, policies (attached in cli.py).

Exit codes: 0 fine; 2 bad option, policy or missing decisions; 4 `gate` found items in a
status it fails on; 5 `ledger verify` found tampering.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import pyarrow.compute as pc
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from clearance.cli_options import LedgerOpt, Overlays, PolicyFile, Purpose, RelyOn, RunArg
from clearance.model.errors import ConfigError
from clearance.policy import (
    DECISION_SCHEMA,
    Engine,
    Ledger,
    builtin_names,
    builtin_policy,
    decide_run,
    decision_for,
    default_ledger,
    ledger_for,
    resolve_policy,
)
from clearance.policy.decide import DecideSummary
from clearance.runs.store import open_run

EXIT_GATE, EXIT_TAMPERED = 4, 5
console = Console()


def choose_policy(
    purpose: str | None,
    policy: str | None,
    overlays: list[str] | None,
    rely_on: list[str] | None,
) -> Engine:
    """Load and compile the policy now, so a bad one fails before any work is done."""
    return Engine(resolve_policy(purpose, policy, overlays or ()), rely_on or ())


def run_decide(
    run: str | Path,
    purpose: str | None,
    policy: str | None,
    overlays: list[str] | None,
    rely_on: list[str] | None,
    ledger: Path | None,
    engine: Engine | None = None,
    executor: str = "local",
    address: str | None = None,
) -> DecideSummary:
    engine = engine or choose_policy(purpose, policy, overlays, rely_on)
    return decide_run(
        run,
        engine.policy,
        rely_on=rely_on or (),
        ledger=ledger,
        engine=engine,
        executor=executor,
        address=address,
    )


def print_decide_summary(summary: DecideSummary) -> None:
    c = summary.counts
    console.print(
        f"[bold]decided[/] {summary.items:,} items for {summary.purpose} with "
        f"{summary.policy} v{summary.policy_version} in {summary.seconds:.2f}s "
        f"({summary.signatures:,} distinct signatures): "
        f"[green]{c['cleared']:,} cleared[/], [yellow]{c['review']:,} review[/], "
        f"[red]{c['blocked']:,} blocked[/]"
        + (f", {summary.overridden:,} overridden by counsel" if summary.overridden else ""),
        highlight=False,
    )
    if summary.reliance:
        console.print(f"relying on: {', '.join(summary.reliance)}", highlight=False)


def decide_command(
    run: RunArg,
    purpose: Purpose = None,
    policy: PolicyFile = None,
    overlay: Overlays = None,
    rely_on: RelyOn = None,
    ledger: LedgerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    executor: Annotated[
        str, typer.Option("--engine", help="local, or ray: one task per shard on a Ray cluster.")
    ] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster to join: auto or ray://HOST:10001.")
    ] = None,
) -> None:
    """Decide every item of a run for a purpose: writes decisions.parquet, no rescan.

    Counsel's overrides in the ledger (keyed by content sha256) are applied.

    Example: `clearance decide runs/2026-11 --purpose commercial-training --overlay eu-gpai`
    """
    summary = run_decide(
        run, purpose, policy, overlay, rely_on, ledger, executor=executor, address=address
    )
    if as_json:
        print(json.dumps(asdict(summary), indent=2))
    else:
        print_decide_summary(summary)
        console.print(f"next: clearance gate {run} --fail-on blocked", highlight=False)


def explain_command(
    run: RunArg,
    item_id: Annotated[str, typer.Argument(help="The item id (see `clearance findings`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    ledger: LedgerOpt = None,
) -> None:
    """Why an item got its status: its findings, the rules that fired, rationale, legal refs."""
    store = open_run(run)
    items = store.items(columns=["item_id", "source", "uri", "sha256"])
    found = items.filter(pc.equal(items.column("item_id"), item_id)).to_pylist()
    if not found:
        raise ConfigError(f"no item {item_id!r} in {run}")
    item = found[0]
    findings = store.findings()
    rows = findings.filter(pc.equal(findings.column("item_id"), item_id)).to_pylist()
    decision = decision_for(run, item_id) if store.has_decisions() else None
    book = ledger_for(run, ledger)
    history = [asdict(e) for e in book.history(item["sha256"])] if book and book.exists() else []
    data: dict[str, Any] = {
        "item": item,
        "findings": rows,
        "decision": asdict(decision) if decision else None,
        "ledger": history,
    }
    if as_json:
        print(json.dumps(data, indent=2, default=str))
        return
    console.print(
        f"[bold]{escape(item_id)}[/]  source {item['source']}  sha256 {item['sha256'][:16]}…"
    )
    table = Table(title="Findings", title_justify="left", header_style="bold")
    for col in ("kind", "value", "conf", "rule", "evidence"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            *(
                escape(str(x))
                for x in (
                    r["kind"],
                    r["value"],
                    f"{r['confidence']:.2f}",
                    r["rule"],
                    r["evidence"][:160],
                )
            )
        )
    console.print(table)
    if decision is None:
        console.print(f"[yellow]not decided yet[/]: clearance decide {run} --purpose P")
        return
    colour = {"cleared": "green", "review": "yellow", "blocked": "red"}[decision.status.value]
    console.print(
        f"decision: [bold {colour}]{decision.status.value}[/] for {decision.purpose} "
        f"({decision.policy} v{decision.policy_version}); license: {decision.license or 'none'}",
        highlight=False,
    )
    for reason in decision.reasons:
        console.print(
            f"  [bold]{escape(reason.rule_id)}[/] → {reason.outcome}: {escape(reason.rationale)}"
        )
        if reason.legal_reference:
            console.print(f"    [dim]legal reference:[/] {escape(reason.legal_reference)}")
        for ev in reason.evidence:
            console.print(f"    [dim]evidence:[/] {escape(ev)}")
    for obligation in decision.obligations:
        console.print(f"  [cyan]obligation:[/] {escape(obligation)}")
    if decision.reliance:
        console.print(f"  relying on: {', '.join(decision.reliance)}")
    if decision.override is not None:
        o = decision.override
        console.print(
            f"  [bold magenta]overridden[/] to {o.status.value} by {escape(o.by)} at {o.at} "
            f"(ledger entry {o.entry}): {escape(o.why)}; the policy said {decision.policy_status}"
        )
    console.print("[dim]Not legal advice: the evidence is for counsel to weigh.[/]")


def override_command(
    run: RunArg,
    item_id: Annotated[str, typer.Argument(help="The item to override.")],
    status: Annotated[str, typer.Option(help="cleared | review | blocked | withdrawn")],
    by: Annotated[str, typer.Option(help="Who decides (recorded).")],
    reason: Annotated[str, typer.Option(help="Why (recorded).")],
    purpose: Annotated[
        str | None, typer.Option(help="Only for this purpose (default: every purpose).")
    ] = None,
    ledger: LedgerOpt = None,
) -> None:
    """Record counsel's decision for an item in the ledger (append-only, hash-chained).

    The entry is keyed by the item's content sha256, so it applies to every copy of that
    content and survives rescans. `--status withdrawn` removes an earlier override. Run
    `clearance decide` to apply it.
    """
    items = open_run(run).items(columns=["item_id", "sha256"])
    found = items.filter(pc.equal(items.column("item_id"), item_id)).to_pylist()
    if not found:
        raise ConfigError(f"no item {item_id!r} in {run}")
    book = Ledger(ledger or default_ledger(run))
    entry = book.append(
        sha256=found[0]["sha256"],
        item_id=item_id,
        status=status,
        by=by,
        reason=reason,
        purpose=purpose,
    )
    console.print(
        f"ledger entry {entry.seq} in {book.path}: {item_id} → {status} "
        f"({'every purpose' if purpose is None else purpose}); hash {entry.hash[:16]}…",
        highlight=False,
    )
    console.print(f"next: clearance decide {run} --purpose ...", highlight=False)


ledger_app = typer.Typer(help="The counsel overrides ledger.", no_args_is_help=True)


@ledger_app.command("verify")
def ledger_verify(
    run: Annotated[str | None, typer.Argument(help="A run whose ledger to verify.")] = None,
    ledger: LedgerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Check the hash chain: edits, deletions and reordering are named by entry (exit 5)."""
    if run is None and ledger is None:
        raise ConfigError("give a run folder or --ledger FILE")
    path = ledger or default_ledger(run)  # type: ignore[arg-type]
    if not Path(path).exists():
        raise ConfigError(f"no ledger at {path}")
    expect = None
    if run is not None:
        recorded = open_run(run).read_run_json().get("decisions", {}).get("ledger", {})
        if recorded.get("head_entry") and Path(recorded.get("path") or "") == Path(path).resolve():
            expect = (int(recorded["head_entry"]), str(recorded["head_hash"]))
    result = Ledger(path).verify(expect_head=expect)
    if as_json:
        print(json.dumps({**asdict(result), "ok": result.ok}, indent=2))
    elif result.ok:
        console.print(
            f"[green]ok[/]: {result.entries} entries, chain intact (head {result.head[:16]}…)"
        )
    else:
        for seq, problem in result.problems:
            console.print(f"[bold red]entry {seq}[/]: {escape(problem)}")
        console.print(f"[red]{path} has been tampered with[/]; overrides from it are not applied")
    if not result.ok:
        raise typer.Exit(EXIT_TAMPERED)


def gate_command(
    run: RunArg,
    fail_on: Annotated[
        str, typer.Option(help="Comma-separated statuses that fail: blocked, review.")
    ] = "blocked",
    as_json: Annotated[bool, typer.Option("--json", help="Print counts as JSON.")] = False,
) -> None:
    """For CI: print decision counts; exit 4 when any item has a status in --fail-on."""
    wanted = {s.strip() for s in fail_on.split(",") if s.strip()}
    bad = wanted - {"blocked", "review", "cleared"}
    if bad or not wanted:
        raise ConfigError(f"--fail-on takes blocked and/or review, not {sorted(bad) or fail_on!r}")
    table = open_run(run).decisions(DECISION_SCHEMA)
    statuses = table.column("status").to_pylist()
    counts = {s: statuses.count(s) for s in ("cleared", "review", "blocked")}
    failing = sum(counts[s] for s in wanted)
    if as_json:
        print(json.dumps({"counts": counts, "fail_on": sorted(wanted), "failed": failing > 0}))
    else:
        console.print(
            "  ".join(f"{s} {n:,}" for s, n in counts.items()),
            highlight=False,
        )
        verdict = "[bold red]FAIL[/]" if failing else "[bold green]PASS[/]"
        console.print(f"{verdict}: {failing:,} item(s) {'/'.join(sorted(wanted))}", highlight=False)
    if failing:
        raise typer.Exit(EXIT_GATE)


def policies_command(
    name: Annotated[str | None, typer.Argument(help="Show one built-in's rules.")] = None,
) -> None:
    """List the built-in policies and overlays, or one policy's rules."""
    if name is None:
        for n in builtin_names():
            p = builtin_policy(n)
            console.print(f"[bold]{n}[/] ({p.kind}, v{p.version}): {escape(p.description)}")
        return
    p = resolve_policy(None, name)
    table = Table(
        title=f"{p.id} v{p.version}: {p.purpose}", title_justify="left", header_style="bold"
    )
    for col in ("rule", "outcome", "legal reference"):
        table.add_column(col, overflow="fold")
    for rule in p.rules:
        table.add_row(rule.id, rule.outcome.value, escape(rule.legal_reference))
    console.print(table)
    for r in p.reliances:
        console.print(f"--rely-on {r.id}: {escape(r.description)} [{escape(r.legal_reference)}]")
