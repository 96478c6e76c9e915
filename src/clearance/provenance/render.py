"""Render a Dossier as Markdown, HTML (self-contained, print styles) or PDF (Chromium headless
``--print-to-pdf``, Debian's ``chromium`` package)."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from clearance.model.errors import ClearanceError, ConfigError
from clearance.provenance.dossier import Dossier

NOTE = "Not legal advice: a record of the evidence and decisions; counsel decides."


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_md(doc: Dossier) -> str:
    out = [f"# {doc.title}", "", NOTE, ""]
    out += [f"- **{k}**: {v}" for k, v in doc.meta]
    for sec in doc.sections:
        out += ["", f"## {sec.title}", ""]
        for para in sec.paragraphs:
            out += [para, ""]
        for table in sec.tables:
            out.append("| " + " | ".join(table.headers) + " |")
            out.append("|" + "---|" * len(table.headers))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:10pt;margin:1.5em;color:#222}
h1{font-size:18pt;border-bottom:2px solid #333}h2{font-size:13pt;margin-top:1.4em;
border-bottom:1px solid #bbb;page-break-after:avoid}table{border-collapse:collapse;
width:100%;margin:.5em 0;font-size:8.5pt}th,td{border:1px solid #aaa;padding:3px 5px;
text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#eee;white-space:nowrap}
.note{color:#700;font-style:italic}.conf{color:#a00;font-weight:bold}dl{display:grid;
grid-template-columns:max-content auto;gap:2px 12px}dt{font-weight:bold}dd{margin:0;
word-break:break-all}tr{page-break-inside:avoid}
"""


def render_html(doc: Dossier) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{e(doc.title)}</title>',
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(doc.title)}</h1>",
        f'<p class="note">{e(NOTE)}</p><dl>',
        *(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in doc.meta),
        "</dl>",
    ]
    for sec in doc.sections:
        flag = ' <span class="conf">[confidential]</span>' if sec.confidential else ""
        parts.append(f"<h2>{e(sec.title)}{flag}</h2>")
        parts += [f"<p>{e(p)}</p>" for p in sec.paragraphs]
        for table in sec.tables:
            parts.append("<table><thead><tr>")
            parts += [f"<th>{e(h)}</th>" for h in table.headers]
            parts.append("</tr></thead><tbody>")
            for row in table.rows:
                parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError(
        "PDF output needs Chromium (Debian: apt-get install -y chromium); "
        "use --format html and print it instead"
    )


def render_pdf(doc: Dossier, out: str | Path, timeout: float = 120) -> Path:
    """Print the HTML with headless Chromium; no network (the page is self-contained)."""
    browser = chromium()
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="clearance-dossier-") as tmp:
        page = Path(tmp) / "dossier.html"
        page.write_text(render_html(doc), encoding="utf-8")
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        env = {**os.environ, "HOME": tmp}
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise ClearanceError(f"chromium did not finish printing within {timeout:g}s") from None
    if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        tail = proc.stderr.decode("utf-8", "replace")[-400:]
        raise ClearanceError(f"chromium failed to print the PDF (exit {proc.returncode}): {tail}")
    return out
