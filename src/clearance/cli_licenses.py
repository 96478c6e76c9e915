"""`clearance licenses`: the knowledge base on the command line (terms and their evidence)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from clearance.licenses import (
    Confidence,
    EffectiveTerms,
    Evidence,
    LicenseTerms,
    evaluate,
    iter_records,
)
from clearance.licenses.export import effective_dict, record_dict
from clearance.licenses.terms import TERM_NAMES

EXIT_BAD_EXPRESSION = 2


def licenses_command(
    target: Annotated[
        str | None,
        typer.Argument(help="A license key or SPDX expression, e.g. 'MIT OR CC-BY-NC-4.0'."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what a license (or an SPDX expression) allows, with the clauses it rests on.

    With no argument: the curated licenses and their main terms.
    """
    console = Console(soft_wrap=False)
    if target is None:
        records = list(iter_records(Confidence.CURATED))
        if as_json:
            typer.echo(json.dumps([record_dict(r) for r in records], indent=2, ensure_ascii=False))
        else:
            console.print(_summary_table(records))
        return
    terms = evaluate(target)
    if terms.error is not None:
        Console(stderr=True).print(
            f"[bold red]error:[/] cannot parse license expression {escape(repr(target))}: "
            f"{escape(terms.error)}",
            highlight=False,
        )
        raise typer.Exit(EXIT_BAD_EXPRESSION)
    if as_json:
        typer.echo(json.dumps(effective_dict(terms), indent=2, ensure_ascii=False))
        return
    _print_effective(console, terms)


def _summary_table(records: list[LicenseTerms]) -> Table:
    table = Table(title=f"{len(records)} curated licenses (clearance licenses KEY for evidence)")
    for col in (
        "key",
        "kind",
        "commercial",
        "derivatives",
        "attribution",
        "share-alike",
        "AI training",
        "MAU limit",
    ):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(
            r.key,
            r.kind.value,
            r.commercial_use.value,
            r.derivatives.value,
            r.attribution.value,
            r.share_alike.value,
            r.ai_training.value,
            f"{r.mau_limit:,}" if r.mau_limit else "",
        )
    return table


def _print_effective(console: Console, terms: EffectiveTerms) -> None:
    console.print(f"[bold]{escape(terms.expression)}[/]  confidence: {terms.confidence.value}")
    if terms.alternatives:
        console.print(
            f"relied on: {escape(', '.join(terms.relied_on))}  "
            f"(instead of: {escape('; '.join(terms.alternatives))})"
        )
    table = Table(show_header=True)
    table.add_column("term")
    table.add_column("value", overflow="fold")
    for name in TERM_NAMES:
        value = getattr(terms, name)
        if isinstance(value, tuple):
            shown = "\n".join(str(v) for v in value) or "-"
        else:
            shown = "-" if value is None else str(getattr(value, "value", value))
        table.add_row(name, escape(shown))
    console.print(table)
    for exc in terms.exceptions:
        console.print(f"[bold]WITH {escape(exc.key)}[/]: {escape(exc.effect)}")
        for ev in exc.evidence:
            console.print(f"  {escape(repr(ev.quote))} ({escape(ev.source)} {escape(ev.section)})")
    for rec in terms.licenses:
        console.print(
            f"\n[bold]{escape(rec.key)}[/] ({escape(rec.name)}) - {rec.confidence.value}"
            + (f", ScanCode category {escape(rec.category)}" if rec.category else "")
        )
        # one line per piece of evidence, naming every term it backs (derived records share one)
        grouped: dict[Evidence, list[str]] = {}
        for name, items in rec.evidence.items():
            for ev in items:
                grouped.setdefault(ev, []).append(name)
        for ev, names in grouped.items():
            flag = "" if ev.verified else " [yellow]unverified[/]"
            where = " ".join(x for x in (ev.source, ev.section, ev.accessed) if x)
            values = ", ".join(f"[cyan]{n}[/] = {_value(rec, n)}" for n in names)
            console.print(f"  {values}{flag}  [dim]{escape(where)}[/]")
            if ev.quote:
                console.print(f"    \u201c{escape(ev.quote)}\u201d")
            if ev.note:
                console.print(f"    [dim]{escape(ev.note)}[/]")


def _value(rec: LicenseTerms, name: str) -> str:
    value = getattr(rec, name, None)
    if isinstance(value, tuple):
        return f"{len(value)} item(s)"
    return "-" if value is None else escape(str(getattr(value, "value", value)))
