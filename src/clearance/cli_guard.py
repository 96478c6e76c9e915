"""`clearance guard ...`: build the verbatim index, check outputs, serve the check over HTTP.

Exit codes of `guard check`: 0 pass, 4 review, 5 block (the worst verdict over all
outputs); 1 and 2 keep their project-wide meanings (clearance error, bad option or input).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from clearance.guard.build import BuildSummary, add_to_index, build_index, merge_index
from clearance.guard.check import Guard, Verdict
from clearance.guard.claims import ClaimsChecker
from clearance.guard.policy import VERDICT_ORDER, Policy
from clearance.model.errors import ConfigError

EXIT_REVIEW: Final = 4
EXIT_BLOCK: Final = 5
_EXIT = {"pass": 0, "review": EXIT_REVIEW, "block": EXIT_BLOCK}

guard_app = typer.Typer(
    name="guard",
    help=(
        "Screen model outputs: verbatim reproduction of protected text (an index you build), "
        "plus any registered detector (PII, marks) run on the output.\n\n"
        "`clearance guard build CORPUS --out INDEX`, then `clearance guard check INDEX TEXT`."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
console = Console()


class _BuildBar:
    def __init__(self, quiet: bool):
        self.progress = Progress(
            TextColumn("indexing"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=quiet,
        )
        self.task: Any = None

    def __enter__(self) -> _BuildBar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def start(self, total_bytes: int) -> None:
        self.task = self.progress.add_task("indexing", total=max(total_bytes, 1))

    def advance(self, size: int) -> None:
        self.progress.update(self.task, advance=size)


def _report(summary: BuildSummary, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary.__dict__, indent=2))
        return
    ratio = summary.index_bytes / summary.bytes_in if summary.bytes_in else 0.0
    rate = summary.bytes_in / summary.seconds / 1e6 if summary.seconds else 0.0
    console.print(
        f"[bold green]indexed[/] {summary.documents:,} documents "
        f"({summary.bytes_in / 1e6:,.1f} MB) into {summary.entries:,} entries, "
        f"{summary.index_bytes / 1e6:,.1f} MB ({ratio:.2f} bytes per input byte) "
        f"in {summary.seconds:.1f}s ({rate:,.1f} MB/s)",
        highlight=False,
    )
    if summary.skipped_not_text:
        console.print(f"skipped {summary.skipped_not_text:,} non-text items", highlight=False)
    if summary.problems:
        console.print(
            f"[yellow]{summary.problems:,} read problem(s)[/]: items partly unreadable",
            highlight=False,
        )


@guard_app.command("build")
def build_command(
    corpus: Annotated[list[str], typer.Argument(help="Protected text: paths, URLs, manifests.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Index folder to write.")],
    allow: Annotated[
        list[str] | None,
        typer.Option(help="Allowlisted text (license texts, boilerplate); repeatable."),
    ] = None,
    code: Annotated[bool, typer.Option(help="Code mode: identifiers and operators.")] = False,
    ngram: Annotated[int, typer.Option(help="Words per hashed n-gram.")] = 8,
    stride: Annotated[
        int, typer.Option(help="Store every STRIDE-th n-gram: runs of NGRAM+STRIDE-1 words hit.")
    ] = 4,
    force: Annotated[bool, typer.Option(help="Replace an existing index.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Index protected text (any source `clearance scan` reads; text items only).

    Example: `clearance guard build lyrics/ books.jsonl --out idx --allow licenses/`
    """
    with _BuildBar(as_json) as bar:
        summary = build_index(
            corpus,
            out,
            allow=allow or (),
            mode="code" if code else "text",
            n=ngram,
            stride=stride,
            force=force,
            progress=bar,
        )
    _report(summary, as_json)


@guard_app.command("add")
def add_command(
    index: Annotated[Path, typer.Argument(help="Index folder from `guard build`.")],
    corpus: Annotated[list[str], typer.Argument(help="More protected text.")],
    allow: Annotated[list[str] | None, typer.Option(help="More allowlisted text.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Add documents as a new segment, without rebuilding."""
    with _BuildBar(as_json) as bar:
        summary = add_to_index(index, corpus, allow=allow or (), progress=bar)
    _report(summary, as_json)


@guard_app.command("merge")
def merge_command(
    index: Annotated[Path, typer.Argument(help="Index folder from `guard build`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Merge all segments into one."""
    _report(merge_index(index), as_json)


def _policy(
    policy: Path | None,
    review_words: int | None,
    review_chars: int | None,
    block_chars: int | None,
    max_gap: int | None,
) -> Policy:
    return Policy.load(
        policy,
        review_words=review_words,
        review_chars=review_chars,
        block_chars=block_chars,
        max_gap_words=max_gap,
    )


def _detectors(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [n.strip() for n in value.split(",") if n.strip()]


ClaimsOpt = Annotated[
    bool,
    typer.Option(
        "--claims",
        help="Also run the claims check: allegations, quotes and figures about named "
        "persons/organisations (screening for review; not legal advice).",
    ),
]
NamesOpt = Annotated[
    list[Path] | None,
    typer.Option(help="Protected names for --claims: YAML/CSV (name, type, aliases)."),
]
RefsOpt = Annotated[
    list[Path] | None,
    typer.Option(help="Trusted reference text (folder or file) to support claims; repeatable."),
]
RefsIndexOpt = Annotated[
    bool,
    typer.Option(help="Use the index's documents (local files) as references for --claims."),
]
ClaimsPolicyOpt = Annotated[
    Path | None, typer.Option(help="YAML: claim category -> outcome per state.")
]


def _claims(
    enabled: bool,
    index: Path,
    names: list[Path] | None,
    references: list[Path] | None,
    refs_from_index: bool,
    policy: Path | None,
) -> ClaimsChecker | None:
    if not (enabled or names or references or refs_from_index or policy):
        return None
    return ClaimsChecker.create(
        policy=policy,
        names=names or (),
        references=references or (),
        reference_index=index if refs_from_index else None,
    )


@guard_app.command("check")
def check_command(
    index: Annotated[Path, typer.Argument(help="Index folder from `guard build`.")],
    text: Annotated[
        str | None, typer.Argument(help="The output to check; `-` reads standard input.")
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option(help="Records with `id` and `text`, one per line (`-`: stdin)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    detectors: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated detectors to run on the output ('' for none); "
            "default: pii-text and trademark where installed."
        ),
    ] = None,
    policy: Annotated[Path | None, typer.Option(help="YAML file of thresholds.")] = None,
    review_words: Annotated[int | None, typer.Option(help="Review at this many words.")] = None,
    review_chars: Annotated[int | None, typer.Option(help="Review at this many chars.")] = None,
    block_chars: Annotated[int | None, typer.Option(help="Block at this many chars.")] = None,
    max_gap: Annotated[int | None, typer.Option(help="Unmatched words bridged in a span.")] = None,
    claims: ClaimsOpt = False,
    names: NamesOpt = None,
    references: RefsOpt = None,
    refs_from_index: RefsIndexOpt = False,
    claims_policy: ClaimsPolicyOpt = None,
) -> None:
    """Check model output(s) against the index; exit 0 pass, 4 review, 5 block.

    With `--jsonl`, prints one JSON line per record: `id`, `verdict`, `spans`, `findings`.
    """
    if (text is None) == (jsonl is None):
        raise ConfigError("give exactly one of TEXT, `-` (stdin) or --jsonl FILE")
    guard = Guard.open(
        index,
        policy=_policy(policy, review_words, review_chars, block_chars, max_gap),
        detectors=_detectors(detectors),
        claims=_claims(claims, index, names, references, refs_from_index, claims_policy),
    )
    if jsonl is not None:
        worst = "pass"
        for output_id, result in guard.check_many(_records(jsonl)):
            print(json.dumps({"id": output_id, **result.to_json()}, ensure_ascii=False))
            worst = max(worst, result.verdict, key=VERDICT_ORDER.__getitem__)
        raise typer.Exit(_EXIT[worst])
    body = sys.stdin.read() if text == "-" else str(text)
    result = guard.check(body)
    if as_json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_verdict(result)
    raise typer.Exit(_EXIT[result.verdict])


def _records(path: Path) -> Any:
    stream = sys.stdin if str(path) == "-" else path.open(encoding="utf-8", errors="replace")
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ConfigError(f"not JSON: {exc}", file=str(path), line=number) from exc
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ConfigError("a record needs a string `text`", file=str(path), line=number)
            yield str(record.get("id", number)), record["text"]


def _print_verdict(result: Verdict) -> None:
    colour = {"pass": "green", "review": "yellow", "block": "red"}[result.verdict]
    console.print(f"[bold {colour}]{result.verdict}[/]", highlight=False)
    for reason in result.reasons:
        console.print(f"  {escape(reason)}", highlight=False)
    for span in result.spans:
        where = ", ".join(escape(s.item_id) for s in span.sources)
        console.print(
            f"  \\[{span.verdict}] chars {span.start}-{span.end} ({span.words} words) from {where}",
            highlight=False,
        )
        console.print(f"    [dim]{escape(span.text)}[/]", highlight=False)
    for finding in result.findings:
        console.print(
            f"  \\[{finding.kind}] {escape(finding.value)} {finding.start}-{finding.end} "
            f"{escape(finding.evidence)}",
            highlight=False,
        )
    for claim in result.claims:
        flags = [n for n in ("hedged", "negated", "fiction") if getattr(claim, n)]
        ref = claim.reference
        console.print(
            f"  \\[claim {claim.verdict}] {claim.category} about "
            f"{escape(claim.entity.text)} ({claim.entity.type}) chars {claim.start}-{claim.end}"
            + (f" {', '.join(flags)}" if flags else "")
            + (
                f"; supported by {escape(ref['document'])} {ref['start']}-{ref['end']}"
                if ref
                else ("; unsupported" if claim.supported is False else "")
            ),
            highlight=False,
        )


@guard_app.command("serve")
def serve_command(
    index: Annotated[Path, typer.Argument(help="Index folder from `guard build`.")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8700,
    detectors: Annotated[str | None, typer.Option(help="As for `guard check`.")] = None,
    policy: Annotated[Path | None, typer.Option(help="YAML file of thresholds.")] = None,
    max_request_kb: Annotated[int, typer.Option(help="Larger requests get 413.")] = 1024,
    timeout_s: Annotated[float, typer.Option(help="Per-request time limit (503).")] = 10.0,
    claims: ClaimsOpt = False,
    names: NamesOpt = None,
    references: RefsOpt = None,
    refs_from_index: RefsIndexOpt = False,
    claims_policy: ClaimsPolicyOpt = None,
) -> None:
    """Serve `POST /v1/check` (see README) for a model gateway to call."""
    from clearance.guard.service import ServiceConfig, run

    guard = Guard.open(
        index,
        policy=Policy.load(policy),
        detectors=_detectors(detectors),
        claims=_claims(claims, index, names, references, refs_from_index, claims_policy),
    )
    run(
        guard,
        ServiceConfig(max_request_bytes=max_request_kb * 1024, timeout_s=timeout_s),
        host=host,
        port=port,
    )
