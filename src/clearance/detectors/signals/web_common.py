"""What the web signal detectors share: a page's host, its HTTP headers, its ``<meta>`` tags.

HTTP headers come from the WARC reader (``meta["http_headers"]`` as ``[name, value]`` pairs);
only WARC items carry them, so other items cost one dictionary lookup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from clearance.model.item import Item

#: a header value longer than this is cut before it is parsed or quoted.
MAX_HEADER_CHARS = 4096
#: only the start of a page is searched for <meta> tags: they belong in <head>.
HTML_HEAD_BYTES = 256 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def web_url(item: Item) -> str | None:
    """The item's URL when it is an http(s) capture, else None."""
    uri = item.uri
    if uri.startswith(("http://", "https://", "HTTP://", "HTTPS://")):
        return uri
    return None


def split_web_url(url: str) -> tuple[str | None, str]:
    """(host, path) of an http(s) URL; host None when it is not one. The path excludes the
    query and fragment. Hosts are cached by URL prefix: a crawl has few hosts, many pages."""
    start = url.find("//") + 2
    end = url.find("/", start)
    prefix, rest = (url, "/") if end < 0 else (url[:end], url[end:])
    path = rest.split("?", 1)[0].split("#", 1)[0] or "/"
    return _host_of_prefix(prefix), path


def host_of(url: str) -> str | None:
    """``host[:port]`` in lower case, default ports dropped: the key site files are kept by."""
    return split_web_url(url)[0]


@lru_cache(maxsize=65536)
def _host_of_prefix(url: str) -> str | None:
    # RFC 9309 scopes robots.txt to scheme + authority; captures rarely differ between http
    # and https, so we key by authority alone and say so in the README.
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if not host or parts.scheme.lower() not in _DEFAULT_PORTS:
        return None
    if port is not None and port != _DEFAULT_PORTS[parts.scheme.lower()]:
        return f"{host}:{port}"
    return host


_last_headers: list[Any] = [None, []]  # (item, headers): the detectors of one item share it


def http_headers(item: Item) -> list[tuple[str, str]]:
    """(lower-cased name, value) pairs of the captured response; bad entries are skipped."""
    if _last_headers[0] is item:
        cached: list[tuple[str, str]] = _last_headers[1]
        return cached
    raw: Any = item.meta.get("http_headers")
    out: list[tuple[str, str]] = []
    _last_headers[0], _last_headers[1] = item, out
    if not raw:
        return out
    for pair in raw:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            name, value = pair
            if isinstance(name, str) and isinstance(value, str):
                out.append((name.strip().lower(), value[:MAX_HEADER_CHARS]))
    return out


def is_html(item: Item) -> bool:
    return item.media_type in HTML_TYPES


_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.IGNORECASE)
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.DOTALL)
_META = re.compile(rb"<meta\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(rb"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")


def meta_tags(data: bytes) -> list[tuple[str, str, str]]:
    """``(name lower-cased, content, tag as written)`` of the page's ``<meta name=...>`` tags.

    Only ``<head>`` is searched (up to ``</head>`` or ``<body>``, at most ``HTML_HEAD_BYTES``),
    comments removed. A tag-level regex, not a full HTML parser: measured ~15x faster than
    ``html.parser`` on pages that pass the byte pre-check, and meta tags are flat markup.
    """
    head = data[:HTML_HEAD_BYTES]
    end = _HEAD_END.search(head)
    if end is not None:
        head = head[: end.start()]
    if b"<!--" in head:
        head = _COMMENT.sub(b"", head)
    tags: list[tuple[str, str, str]] = []
    for tag in _META.finditer(head):
        attrs: dict[bytes, bytes] = {}
        for attr in _ATTR.finditer(tag.group(1)):
            value = attr.group(2) or b""
            if value[:1] in (b'"', b"'"):
                value = value[1:-1]
            attrs.setdefault(attr.group(1).lower(), value)
        name = attrs.get(b"name") or attrs.get(b"http-equiv")
        if name:
            content = html.unescape(attrs.get(b"content", b"").decode("utf-8", "replace"))
            raw = tag.group(0).decode("utf-8", "replace")
            tags.append((name.decode("utf-8", "replace").strip().lower(), content, raw))
    return tags


def split_directives(value: str) -> Iterator[str]:
    """``noai, noimageai`` -> ``noai``, ``noimageai`` (lower-cased, blanks dropped)."""
    for part in value.split(","):
        part = part.strip().lower()
        if part:
            yield part
