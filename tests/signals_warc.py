"""Build small WARC files with warcio for the signal tests (response records, real headers)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass
class Capture:
    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    status: str = "200 OK"
    date: str = "2025-03-14T10:00:00Z"


def page(title: str, head: str = "", body: str = "<p>Some text.</p>") -> bytes:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n<title>{title}</title>\n'
        f"{head}</head>\n<body>{body}</body></html>\n"
    ).encode()


def write_warc(path: Path, captures: list[Capture]) -> Path:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
    for capture in captures:
        http = StatusAndHeaders(
            capture.status,
            [
                ("Content-Type", capture.content_type),
                ("Content-Length", str(len(capture.body))),
                *capture.headers,
            ],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            capture.url,
            "response",
            payload=io.BytesIO(capture.body),
            length=len(capture.body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": capture.date},
        )
        writer.write_record(record)
    path.write_bytes(out.getvalue())
    return path


def robots(
    url: str, text: str | bytes, date: str = "2025-03-14T09:00:00Z", status: str = "200 OK"
) -> Capture:
    body = text.encode() if isinstance(text, str) else text
    return Capture(url, body, "text/plain; charset=utf-8", [], status, date)
