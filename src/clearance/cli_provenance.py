"""`clearance keys`, `clearance provenance` and `clearance dossier`: sign what the model was
trained on, verify it later, and write the IP dossier.

Exit codes of ``provenance verify``: 0 verified; 1 the signature does not verify (wrong key,
unsigned, or the record was edited); 2 bad input (missing record or key); 3 the signature is
good but a model file, the export or an embedded copy differs (each difference is printed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

EXIT_OK, EXIT_SIGNATURE, EXIT_DIFFERS = 0, 1, 3

keys_app = typer.Typer(help="Ed25519 signing keys for provenance records.", no_args_is_help=True)
provenance_app = typer.Typer(
    help="Sign and verify what a model was trained on.", no_args_is_help=True
)


@keys_app.command("new")
def keys_new(
    out: Annotated[Path, typer.Option("--out", help="Private key file (PEM, written 0600).")],
    public: Annotated[
        Path | None, typer.Option("--public", help="Public key file (default OUT.pub).")
    ] = None,
) -> None:
    """Make an Ed25519 key pair. The private key is written, never printed."""
    from clearance.provenance.signing import new_keypair

    key, pub = new_keypair(out, public)
    typer.echo(f"private key {key} (mode 600), public key {pub}")


@provenance_app.command("create")
def provenance_create(
    model: Annotated[
        list[Path], typer.Option("--model", help="A model file (repeat, or give several).")
    ],
    export: Annotated[Path, typer.Option("--export", help="The cleared-data export folder.")],
    key: Annotated[Path, typer.Option("--key", help="Ed25519 private key (PEM).")],
    run: Annotated[
        str | None, typer.Option("--run", help="The run the export came from (decisions).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Where to write the record.")] = Path(
        "PROVENANCE.json"
    ),
    embed: Annotated[
        Path | None,
        typer.Option(
            "--embed-dir",
            help="Also write a copy of each safetensors model with the record in its header "
            "(__metadata__) into this folder; the model files themselves are never changed.",
        ),
    ] = None,
) -> None:
    """Hash the model files (streaming) and sign a record binding them to the cleared data."""
    from clearance.provenance.embed import embed_safetensors
    from clearance.provenance.gguf_embed import embed_gguf
    from clearance.provenance.record import create_record, write_record

    record = create_record(model, export, key, run=run)
    write_record(record, out)
    typer.echo(
        f"wrote {out} ({len(model)} model file(s), data root {record['data']['merkle_root'][:16]}…)"
    )
    if embed is not None:
        embed.mkdir(parents=True, exist_ok=True)
        for entry, path in zip(record["model"]["files"], model, strict=True):
            if entry["format"] in {"safetensors", "gguf"} and "tensors_sha256" in entry:
                write = embed_safetensors if entry["format"] == "safetensors" else embed_gguf
                target = write(path, record, embed / path.name)
                typer.echo(f"embedded the record in {target} (tensor bytes identical)")
            else:
                typer.echo(f"{path.name}: {entry['format']} — record not embedded (sidecar only)")


@provenance_app.command("verify")
def provenance_verify(
    record: Annotated[
        Path,
        typer.Argument(help="PROVENANCE.json, or a safetensors file carrying an embedded record."),
    ],
    public: Annotated[Path, typer.Option("--public", help="The signer's public key (PEM).")],
    model: Annotated[
        list[Path] | None, typer.Option("--model", help="Model files to check (repeat).")
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="The export folder to check.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check the signature, every model file's hash and the export; say exactly what differs.

    Exit 0 verified, 1 signature invalid or another key, 2 bad input, 3 content differs.
    """
    from clearance.provenance.embed import read_embedded, verify_embedded
    from clearance.provenance.gguf_embed import read_embedded_gguf
    from clearance.provenance.record import read_record, verify_record
    from clearance.provenance.signing import SignatureError

    err = Console(stderr=True)
    kind = _embedded_kind(record)
    embedded = kind is not None
    try:
        if embedded:
            diffs = verify_embedded(record, public)
            read = read_embedded_gguf if kind == "gguf" else read_embedded
            data = read(record) or {}
            diffs += verify_record(data, public, models=model or [], export=export)
        else:
            diffs = verify_record(read_record(record), public, models=model or [], export=export)
    except SignatureError as exc:
        if as_json:
            typer.echo(json.dumps({"ok": False, "signature": str(exc), "differences": []}))
        else:
            err.print(f"[bold red]signature invalid:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_SIGNATURE) from None
    if as_json:
        typer.echo(
            json.dumps(
                {"ok": not diffs, "signature": "valid", "differences": [d.__dict__ for d in diffs]},
                indent=2,
            )
        )
    else:
        for d in diffs:
            err.print(f"[bold red]differs:[/] {escape(d.describe())}", highlight=False)
        if not diffs:
            checked = len(model or []) + (1 if export else 0) + (1 if embedded else 0)
            typer.echo(f"verified: signature valid, {checked} target(s) match the record")
    raise typer.Exit(EXIT_DIFFERS if diffs else EXIT_OK)


def _embedded_kind(path: Path) -> str | None:
    """ "gguf" or "safetensors" when RECORD is a model file, None for a JSON record."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(9)
    except OSError:
        return None
    if head[:4] == b"GGUF":
        return "gguf"
    return "safetensors" if len(head) == 9 and head[8:9] == b"{" else None


def dossier_command(
    run: Annotated[str, typer.Argument(help="The run folder (runs/NAME) or s3:// prefix.")],
    export: Annotated[
        Path | None, typer.Option("--export", help="The cleared-data export folder.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md, html or pdf.")] = "md",
    public: Annotated[
        bool, typer.Option("--public", help="Redacted variant: no confidential sections.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file (default stdout for md/html).")
    ] = None,
) -> None:
    """The IP dossier for licensing, due diligence and insurers (not legal advice)."""
    from clearance.provenance.dossier import build_dossier
    from clearance.provenance.render import render_html, render_md, render_pdf

    if fmt not in {"md", "html", "pdf"}:
        raise typer.BadParameter("--format must be md, html or pdf")
    doc = build_dossier(run, export, public=public)
    if fmt == "pdf":
        target = out or Path(f"dossier{'-public' if public else ''}.pdf")
        render_pdf(doc, target)
        typer.echo(f"wrote {target}")
        return
    text = render_md(doc) if fmt == "md" else render_html(doc)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")
