"""What the web signal detectors share: a page's host, its HTTP headers, its ``<meta>`` tags.

HTTP headers come from the WARC reader (``meta["http_headers"]`` as ``[name, value]`` pairs);
only WARC items carry them, so other items cost one dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from html.parser import HTMLParser
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


class _StopParsing(Exception):
    pass


class _MetaCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            name = values.get("name") or values.get("http-equiv") or ""
            if name:
                raw = self.get_starttag_text() or ""
                self.tags.append((name.strip().lower(), values.get("content", ""), raw))
        elif tag == "body":
            raise _StopParsing

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            raise _StopParsing


def meta_tags(data: bytes) -> list[tuple[str, str, str]]:
    """``(name lower-cased, content, tag as written)`` of the page's ``<meta name=...>`` tags.

    The standard library parser is lenient with broken markup and never raises on it; it
    stops at ``</head>`` or ``<body>``, and only the first ``HTML_HEAD_BYTES`` are read.
    """
    parser = _MetaCollector()
    try:
        parser.feed(data[:HTML_HEAD_BYTES].decode("utf-8", "replace"))
        parser.close()
    except _StopParsing:
        pass
    return parser.tags


def split_directives(value: str) -> Iterator[str]:
    """``noai, noimageai`` -> ``noai``, ``noimageai`` (lower-cased, blanks dropped)."""
    for part in value.split(","):
        part = part.strip().lower()
        if part:
            yield part
