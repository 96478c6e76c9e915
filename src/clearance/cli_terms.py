"""`clearance terms FILE...`: clause review of agreements, dataset licenses and terms of use.

Exit codes: 0 when every file was handled, whatever was found (an unreadable, encrypted,
scanned or non-English file is reported in the output, not as a failure); 2 on usage errors
(no such file, unknown purpose or format).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from clearance.terms import NOT_LEGAL_ADVICE, Review, purposes, review_path
from clearance.terms.export import review_dict, review_markdown

EXIT_USAGE = 2
FORMATS = ("table", "json", "md")


def terms_command(
    files: Annotated[list[Path], typer.Argument(help="Agreements: txt, md, html, pdf, docx.")],
    purpose: Annotated[
        str | None,
        typer.Option(
            help="Assess against: commercial-training, research-only, open-weights-release."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json | md")] = "table",
) -> None:
    """Review agreements clause by clause: what is granted, prohibited, missing.

    Exit 0 when every file was handled (problems with a file are in the output); 2 on usage
    errors. Not legal advice.
    """
    err = Console(stderr=True)
    known = purposes()
    if purpose is not None and purpose not in known:
        err.print(
            f"[bold red]error:[/] unknown purpose {escape(purpose)!r}; known: {', '.join(known)}",
            highlight=False,
        )
        raise typer.Exit(EXIT_USAGE)
    if fmt not in FORMATS:
        err.print(
            f"[bold red]error:[/] unknown format {escape(fmt)!r}; use table, json or md",
            highlight=False,
        )
        raise typer.Exit(EXIT_USAGE)
    absent = [str(f) for f in files if not f.is_file()]
    if absent:
        err.print(f"[bold red]error:[/] no such file: {escape(', '.join(absent))}", highlight=False)
        raise typer.Exit(EXIT_USAGE)
    reviews = [review_path(f, purpose=purpose) for f in files]
    if fmt == "json":
        typer.echo(json.dumps([review_dict(r) for r in reviews], indent=2, ensure_ascii=False))
    elif fmt == "md":
        typer.echo("# Terms review\n")
        typer.echo("\n".join(review_markdown(r) for r in reviews))
    else:
        console = Console(soft_wrap=False)
        for review in reviews:
            _print_table(console, review)
        console.print(f"[dim]{NOT_LEGAL_ADVICE}[/]")


def _print_table(console: Console, review: Review) -> None:
    console.print(
        f"\n[bold]{escape(review.name)}[/]  {review.format or ''}"
        + (f", {review.pages} page(s)" if review.pages else "")
    )
    if review.status != "reviewed":
        console.print(f"[bold yellow]{review.status}[/]: {escape(review.error)}")
        return
    for note in review.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    table = Table(show_header=True, show_lines=False)
    for col in ("category", "present", "polarity", "evidence (first)"):
        table.add_column(col, overflow="fold")
    for c in review.categories:
        first = c.matches[0] if c.matches else None
        evidence = f"{first.where}: “{first.quote[:160]}”" if first else ""
        if first is not None and first.details:
            evidence += "".join(f"\n{k}: {v}" for k, v in first.details)
        table.add_row(
            c.category, "yes" if c.present else "-", ", ".join(c.polarities), escape(evidence)
        )
    console.print(table)
    for m in review.missing:
        console.print(f"[magenta]missing[/] {m.id}: {escape(m.message)}")
    if review.purpose:
        console.print(f"[bold]purpose {review.purpose}: {review.verdict}[/]")
        for a in review.assessments:
            where = f" ({a.evidence[0].where})" if a.evidence and a.evidence[0].where else ""
            console.print(f"  {a.verdict:9} {a.target}: {escape(a.why)}{escape(where)}")
