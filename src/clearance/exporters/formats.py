"""Write one scanned shard's selected items in the input's own format.

Records are located exactly as the readers locate them (``file#L<n>``, ``file#row=<n>``,
``file#<WARC-Record-ID>``), so the selection by item id is the scan's. Unchanged records are
copied byte for byte (JSONL lines, WARC records); only transformed ones are re-encoded.
Every output file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import json
import lzma
import os
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from clearance.model.item import make_item_id
from clearance.readers import read_shard
from clearance.readers.base import ShardSpec
from clearance.readers.fs import filesystem, open_binary
from clearance.readers.jsonl import compression_of

#: (item_id, media_type, bytes) -> bytes to write; None when no transform is asked for
Rewrite = Callable[[str, str, bytes], bytes] | None
_OPENERS: dict[str, Callable[[Any], Any]] = {  # closed by the caller
    ".gz": lambda f: gzip.GzipFile(fileobj=f, mode="wb", mtime=0),
    ".bz2": lambda f: bz2.BZ2File(f, mode="wb"),
    ".xz": lambda f: lzma.LZMAFile(f, mode="wb"),
}
_READERS: dict[str, Callable[[Any], Any]] = {
    ".gz": lambda f: gzip.GzipFile(fileobj=f, mode="rb"),
    ".bz2": lambda f: bz2.BZ2File(f, mode="rb"),
    ".xz": lambda f: lzma.LZMAFile(f, mode="rb"),
}


@dataclass(frozen=True)
class Exported:
    item_id: str
    path: str  # relative to the export folder
    sha256: str  # of the exported content, defined as the reader defines the item's sha256
    size: int


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def atomic(path: Path) -> Iterator[IO[bytes]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def out_path(spec: ShardSpec, path: str) -> str:
    """``<source>/<path relative to the source root>``; a split JSONL part gets its first line."""
    rel = spec.locator(path).replace("!", "/")
    if spec.byte_range is not None:
        stem, dot, ext = rel.partition(".")
        rel = f"{stem}.part-L{spec.first_line}{dot}{ext}"
    return f"{spec.source}/{rel}"


def write_shard(
    spec: ShardSpec, selected: Container[str], root: Path, rewrite: Rewrite
) -> list[Exported]:
    writer = {
        "files": _files,
        "jsonl": _jsonl,
        "parquet": _parquet,
        "csv": _csv,
        "warc": _warc,
    }[spec.format]
    return writer(spec, selected, root, rewrite)


def _files(spec: ShardSpec, selected: Container[str], root: Path, rw: Rewrite) -> list[Exported]:
    done: list[Exported] = []
    fs, _ = filesystem(spec.root)
    paths = {ref.path for ref in spec.files}
    for read in read_shard(spec):
        item = read.item
        if item.item_id not in selected:
            continue
        rel = f"{spec.source}/{item.item_id.split(':', 1)[1].replace('!', '/')}"
        if item.loader is None and item.size:
            # not held in memory (over --max-item-mb): stream the file itself, untransformed
            if item.uri in paths and rw is None:
                done.append(_copy(fs, item.uri, root / rel, item.item_id, rel))
            continue
        data = item.data
        if rw is not None:
            data = rw(item.item_id, item.media_type, data)
        with atomic(root / rel) as handle:
            handle.write(data)
        done.append(Exported(item.item_id, rel, sha(data), len(data)))
    return done


def _copy(fs: Any, path: str, target: Path, item_id: str, rel: str) -> Exported:
    digest, size = hashlib.sha256(), 0
    with open_binary(fs, path) as stream, atomic(target) as sink:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
            sink.write(chunk)
            size += len(chunk)
    return Exported(item_id, rel, digest.hexdigest(), size)


def _text_of(record: dict[str, Any], field: str) -> str:
    text = record.get(field)
    if text is None:
        return ""
    return text if isinstance(text, str) else json.dumps(text, ensure_ascii=False, default=str)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "replace")


def _jsonl(spec: ShardSpec, selected: Container[str], root: Path, rw: Rewrite) -> list[Exported]:
    fs, _ = filesystem(spec.root)
    done: list[Exported] = []
    for ref in spec.files:
        rel = out_path(spec, ref.path)
        suffix = compression_of(ref.path)
        base = spec.locator(ref.path)
        with open_binary(fs, ref.path) as raw, atomic(root / rel) as target:
            stream: IO[bytes] = _READERS[suffix](raw) if suffix else raw
            sink: IO[bytes] = _OPENERS[suffix](target) if suffix else target
            start, end = spec.byte_range or (0, None)
            if start:
                stream.seek(start)
            position, line_no = start, spec.first_line - 1
            while end is None or position < end:
                line = stream.readline()
                if not line:
                    break
                line_no += 1
                position += len(line)
                item_id = make_item_id(spec.source, f"{base}#L{line_no}")
                if item_id not in selected or not line.strip():
                    continue
                try:
                    record = json.loads(line.decode("utf-8", "surrogateescape"))
                except ValueError:
                    record = None
                if not isinstance(record, dict):  # kept as read (the reader's raw item)
                    kept = line.rstrip(b"\r\n")
                    sink.write(kept + b"\n")
                    done.append(Exported(item_id, rel, sha(kept), len(kept)))
                    continue
                text = _encode(_text_of(record, spec.text_field))
                if rw is not None:
                    new = rw(item_id, "text/plain", text)
                    if new != text:
                        record[spec.text_field] = new.decode("utf-8", "replace")
                        line = json.dumps(record, ensure_ascii=False).encode() + b"\n"
                        text = new
                sink.write(line if line.endswith(b"\n") else line + b"\n")
                done.append(Exported(item_id, rel, sha(text), len(text)))
            if sink is not target:
                sink.close()
    return done


def _parquet(spec: ShardSpec, selected: Container[str], root: Path, rw: Rewrite) -> list[Exported]:
    fs, _ = filesystem(spec.root)
    done: list[Exported] = []
    for ref in spec.files:
        rel = out_path(spec, ref.path)
        base = spec.locator(ref.path)
        with open_binary(fs, ref.path) as stream, atomic(root / rel) as target:
            parquet = pq.ParquetFile(stream)
            schema = parquet.schema_arrow
            field = spec.text_field
            with pq.ParquetWriter(target, schema) as writer:
                row = 0
                for batch in parquet.iter_batches(batch_size=2048):
                    keep: list[int] = []
                    for i in range(batch.num_rows):
                        if make_item_id(spec.source, f"{base}#row={row + i}") in selected:
                            keep.append(i)
                    ids = [make_item_id(spec.source, f"{base}#row={row + i}") for i in keep]
                    row += batch.num_rows
                    if not keep:
                        continue
                    table = pa.Table.from_batches([batch]).take(keep)
                    texts = table.column(field).to_pylist() if field in schema.names else []
                    out_texts: list[Any] = []
                    for item_id, value in zip(ids, texts or [None] * len(ids), strict=True):
                        is_bytes = isinstance(value, bytes)
                        text = value if is_bytes else _encode("" if value is None else str(value))
                        if rw is not None and value is not None:
                            text = rw(item_id, "text/plain", text)
                            value = text if is_bytes else text.decode("utf-8", "replace")
                        out_texts.append(value)
                        done.append(Exported(item_id, rel, sha(text), len(text)))
                    if rw is not None and texts:
                        index = schema.get_field_index(field)
                        column = pa.array(out_texts, schema.field(field).type)
                        table = table.set_column(index, schema.field(field), column)
                    writer.write_table(table)
    return done


def _csv(spec: ShardSpec, selected: Container[str], root: Path, rw: Rewrite) -> list[Exported]:
    fs, _ = filesystem(spec.root)
    done: list[Exported] = []
    for ref in spec.files:
        delimiter = "\t" if ref.path.lower().endswith(".tsv") else ","
        with open_binary(fs, ref.path) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
            header = next(csv.reader(text, delimiter=delimiter), [])
        one = replace(spec, files=(ref,))
        rel = out_path(spec, ref.path)
        with atomic(root / rel) as target:
            sink = io.TextIOWrapper(target, encoding="utf-8", errors="surrogateescape", newline="")
            writer = csv.writer(sink, delimiter=delimiter)
            writer.writerow(header)
            for read in read_shard(one):
                item = read.item
                if item.item_id not in selected:
                    continue
                data = item.data
                if rw is not None:
                    data = rw(item.item_id, "text/plain", data)
                values = {**item.meta, spec.text_field: data.decode("utf-8", "replace")}
                writer.writerow([values.get(h, "") for h in header])
                done.append(Exported(item.item_id, rel, sha(data), len(data)))
            sink.flush()
            sink.detach()
    return done


def _warc(spec: ShardSpec, selected: Container[str], root: Path, rw: Rewrite) -> list[Exported]:
    fs, _ = filesystem(spec.root)
    done: list[Exported] = []
    for ref in spec.files:
        rel = out_path(spec, ref.path)
        gz = ref.path.lower().endswith(".gz")
        base = spec.locator(ref.path)
        with (
            open_binary(fs, ref.path) as stream,
            open_binary(fs, ref.path) as copy,
            atomic(root / rel) as target,
        ):
            records = ArchiveIterator(stream)
            writer = WARCWriter(target, gzip=gz)
            for record in records:
                headers = record.rec_headers
                record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>")
                item_id = make_item_id(spec.source, f"{base}#{record_id}")
                keep = record.rec_type == "warcinfo"
                new: bytes | None = None
                if record.rec_type in ("response", "resource") and item_id in selected:
                    payload = record.content_stream().read()
                    keep = True
                    if rw is not None:
                        new = rw(item_id, "text/html", payload)
                        new = None if new == payload else new
                    body = payload if new is None else new
                    done.append(Exported(item_id, rel, sha(body), len(body)))
                if not keep:
                    continue
                if new is None:
                    offset = records.get_record_offset()
                    length = records.get_record_length()
                    copy.seek(offset)
                    target.write(copy.read(length))
                else:
                    _rewrite_record(writer, record, new)
    return done


def _rewrite_record(writer: WARCWriter, record: Any, payload: bytes) -> None:
    """A transformed response: same WARC headers, HTTP headers without stale lengths/codings."""
    http = record.http_headers
    if http is not None:
        for name in ("Content-Length", "Content-Encoding", "Transfer-Encoding"):
            http.remove_header(name)
    keep = {
        k: v
        for k, v in record.rec_headers.headers
        if k not in ("Content-Length", "WARC-Payload-Digest", "WARC-Block-Digest")
    }
    rebuilt = writer.create_warc_record(
        keep.get("WARC-Target-URI", ""),
        record.rec_type,
        payload=io.BytesIO(payload),
        warc_headers_dict=keep,
        http_headers=http,
    )
    writer.write_record(rebuilt)
