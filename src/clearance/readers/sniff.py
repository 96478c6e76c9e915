"""Media types from content first, the file name second.

``filetype`` knows the magic numbers of binary formats; text is told apart by the absence of
NUL bytes and named by extension (code) or by its first bytes (HTML, XML).
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
import mimetypes
import sys
import textwrap
from pathlib import Path
from types import CodeType
from typing import Any, Final

import filetype
from filetype.types import TYPES
from filetype.types.document import ZippedDocumentBase

SNIFF_BYTES: Final = 8192

_TEXT_EXTENSIONS: Final = {
    ".py": "text/x-python",
    ".pyi": "text/x-python",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".ts": "text/x-typescript",
    ".tsx": "text/x-typescript",
    ".jsx": "text/javascript",
    ".c": "text/x-c",
    ".h": "text/x-c",
    ".cc": "text/x-c++",
    ".cpp": "text/x-c++",
    ".hpp": "text/x-c++",
    ".cs": "text/x-csharp",
    ".java": "text/x-java",
    ".kt": "text/x-kotlin",
    ".go": "text/x-go",
    ".rs": "text/x-rust",
    ".rb": "text/x-ruby",
    ".php": "text/x-php",
    ".swift": "text/x-swift",
    ".scala": "text/x-scala",
    ".sh": "text/x-shellscript",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".rst": "text/x-rst",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".xml": "application/xml",
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".sql": "application/sql",
    ".svg": "image/svg+xml",
}


_ZIP_LOCAL_HEADER: Final = b"PK\x03\x04"


class _ZippedDocument:
    """filetype's matcher for a zipped document (docx, odt...) with its first test moved up.

    ``ZippedDocumentBase.match`` looks for a ZIP header in the first 6,000 bytes and gives up
    unless it sits at offset 0: the same answer as ``startswith``, without scanning 6 KB six
    times (and raising) for every file that is not a ZIP. Checked against filetype itself in
    tests/test_sniff.py.
    """

    def __init__(self, matcher: Any):
        self.matcher = matcher
        self.mime = matcher.mime
        self.extension = matcher.extension

    def match(self, buf: bytes) -> Any:
        return buf[:4] == _ZIP_LOCAL_HEADER and self.matcher.match(buf)


#: filetype's matchers, in its order, with the zipped-document ones short-cut.
MATCHERS: Final = tuple(
    _ZippedDocument(m) if type(m).match is ZippedDocumentBase.match else m for m in TYPES
)


def first_bytes(matcher: Any) -> frozenset[int] | None:
    """The values the first byte of a buffer must take for ``matcher`` to accept it, read from
    the source of its ``match``; None (any byte) unless that is certain.

    Certain means: ``match`` is one ``return`` of ``and``/``or`` over comparisons (or one
    ``if`` of them followed by ``return False``), and every way to true goes through
    ``buf[0] == N`` or ``buf[:k] == <bytes literal>``. Anything else (a second statement, a
    helper call, an offset other than 0) leaves the matcher run for every buffer, so the
    table below can only skip matchers that cannot match.
    """
    if isinstance(matcher, _ZippedDocument):
        return frozenset({_ZIP_LOCAL_HEADER[0]})
    try:
        source = textwrap.dedent(inspect.getsource(type(matcher).match))
    except (OSError, TypeError):
        return None
    func = ast.parse(source).body[0]
    if not isinstance(func, ast.FunctionDef) or len(func.args.args) != 2:
        return None
    body = [
        s
        for s in func.body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))  # docstring
    ]
    buf = func.args.args[1].arg
    body = _inlined(body, buf)
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        return _required_first(body[0].value, buf)
    if (  # if <test>: ... return False: only the if's body can return true
        len(body) == 2
        and isinstance(body[0], ast.If)
        and not body[0].orelse
        and isinstance(body[1], ast.Return)
        and (body[1].value is None or _is_false(body[1].value))
    ):
        return _required_first(body[0].test, buf)
    return None


def _inlined(body: list[ast.stmt], buf: str) -> list[ast.stmt]:
    """``body`` with its leading ``name = <expr>`` statements substituted into what follows
    (Matroska and WebM: ``ebml = buf.startswith(...)``, ``doctype = ...``, ``return ebml and
    doctype``). ``buf`` is bytes, so no expression can change it; an assignment to ``buf``
    itself, or any other target, ends the inlining and the body stays as it is."""
    bound: dict[str, ast.expr] = {}
    while body and isinstance(body[0], ast.Assign):
        target = body[0].targets[0] if len(body[0].targets) == 1 else None
        if not isinstance(target, ast.Name) or target.id == buf or target.id in bound:
            return body
        bound[target.id] = _Substitute(bound).visit(body[0].value)
        body = body[1:]
    return [_Substitute(bound).visit(statement) for statement in body] if bound else body


class _Substitute(ast.NodeTransformer):
    def __init__(self, bound: dict[str, ast.expr]):
        self.bound = bound

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.bound.get(node.id, node)


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in (False, None)


def _required_first(node: ast.expr, buf: str) -> frozenset[int] | None:
    if isinstance(node, ast.BoolOp):
        parts = [_required_first(value, buf) for value in node.values]
        if isinstance(node.op, ast.And):  # every conjunct holds: the narrowest known one
            known = [p for p in parts if p is not None]
            return frozenset.intersection(*known) if known else None
        if any(p is None for p in parts):  # ast.Or: any disjunct may hold
            return None
        return frozenset().union(*(p for p in parts if p is not None))
    if (  # buf.startswith(<bytes literal>)
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "startswith"
        and _is_name(node.func.value, buf)
        and len(node.args) == 1
        and not node.keywords
    ):
        prefix = _literal(node.args[0])
        return frozenset({prefix[0]}) if isinstance(prefix, bytes) and prefix else None
    if (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], ast.Eq)
        and _is_name(_subscripted(node.left), buf)
    ):
        index = node.left.slice if isinstance(node.left, ast.Subscript) else None
        literal = _literal(node.comparators[0])
        if _is_constant(index, 0) and isinstance(literal, int):
            return frozenset({literal})
        if (
            isinstance(index, ast.Slice)
            and (index.lower is None or _is_constant(index.lower, 0))
            and index.step is None
            and isinstance(literal, bytes)
            and literal
        ):
            return frozenset({literal[0]})
    return None


def _subscripted(node: ast.expr) -> ast.expr | None:
    return node.value if isinstance(node, ast.Subscript) else None


def _is_name(node: ast.expr | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_constant(node: ast.expr | None, value: int) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == value


def _literal(node: ast.expr) -> int | bytes | None:
    """An int, a bytes literal, or ``bytearray([ints])`` written out in the source."""
    if isinstance(node, ast.Constant):
        value = node.value
        return value if isinstance(value, int | bytes) and not isinstance(value, bool) else None
    if (
        isinstance(node, ast.Call)
        and _is_name(node.func, "bytearray")
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.List)
        and all(isinstance(e, ast.Constant) and type(e.value) is int for e in node.args[0].elts)
    ):
        return bytes(e.value for e in node.args[0].elts)  # type: ignore[attr-defined]
    return None


#: ``first_bytes`` of every matcher, saved with a digest of each matcher's ``match`` code:
#: reading 79 matchers' sources with ``inspect`` and ``ast`` costs 25-50 ms, paid at import by
#: every ``clearance scan`` process and pool worker; the saved answers load in under 1 ms and
#: are used only when every digest (and the Python version) is the same, otherwise the
#: sources are read again. Regenerate with ``save_first_bytes()`` (tests/test_sniff.py fails
#: when the saved answers are stale).
FIRST_BYTES_CACHE: Final = Path(__file__).with_name("data") / "sniff_first_bytes.json"


def code_digest(matcher: Any) -> str | None:
    """A digest of what ``first_bytes`` reads: the class and its ``match`` (bytecode, names
    and constants, nested code included; not file names or line numbers). None when ``match``
    is not Python code: such a matcher is never answered from the saved file."""
    target = matcher.matcher if isinstance(matcher, _ZippedDocument) else matcher
    code = getattr(getattr(type(target), "match", None), "__code__", None)
    if not isinstance(code, CodeType):
        return None
    digest = hashlib.sha256(
        f"{type(matcher).__qualname__}:{type(target).__module__}.{type(target).__qualname__}".encode()
    )
    _digest_code(code, digest)
    return digest.hexdigest()[:24]


def _digest_code(code: CodeType, digest: Any) -> None:
    digest.update(code.co_code)
    digest.update(repr((code.co_names, code.co_varnames)).encode())
    for const in code.co_consts:
        if isinstance(const, CodeType):
            _digest_code(const, digest)
        elif isinstance(const, frozenset):
            digest.update(repr(sorted(map(repr, const))).encode())
        else:
            digest.update(repr(const).encode())


def _table_key() -> str:
    return f"python {sys.version_info.major}.{sys.version_info.minor}"


def _cached_first_bytes() -> list[frozenset[int] | None] | None:
    """The saved answers, or None unless the file is whole and every digest is current."""
    try:
        saved = json.loads(FIRST_BYTES_CACHE.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("key") != _table_key():
        return None
    entries = saved.get("matchers")
    if not isinstance(entries, list) or len(entries) != len(MATCHERS):
        return None
    found: list[frozenset[int] | None] = []
    for matcher, entry in zip(MATCHERS, entries, strict=True):
        digest, values = entry if isinstance(entry, list) and len(entry) == 2 else (None, None)
        if digest is None or digest != code_digest(matcher):
            return None
        if values is None:
            found.append(None)
        elif isinstance(values, list) and all(type(v) is int and 0 <= v < 256 for v in values):
            found.append(frozenset(values))
        else:
            return None
    return found


def save_first_bytes(path: Path | None = None) -> None:
    """Write ``first_bytes`` of the installed filetype's matchers for ``_by_first_byte``."""
    path = path or FIRST_BYTES_CACHE
    entries = []
    for matcher in MATCHERS:
        values = first_bytes(matcher)
        entries.append([code_digest(matcher), sorted(values) if values is not None else None])
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"key": _table_key(), "matchers": entries}, separators=(",", ":"))
    path.write_text(text + "\n")


def _by_first_byte() -> tuple[tuple[Any, ...], ...]:
    required = _cached_first_bytes() or [first_bytes(m) for m in MATCHERS]
    return tuple(
        tuple(m for m, r in zip(MATCHERS, required, strict=True) if r is None or b in r)
        for b in range(256)
    )


#: for each first byte, the matchers (in filetype's order) that can accept a buffer starting
#: with it: running only those gives filetype's answer (the first that matches) at a fraction
#: of the cost for text, which most matchers rule out at byte 0. tests/test_sniff.py compares
#: the two on real files and on every first byte of each format's header.
BY_FIRST_BYTE: Final = _by_first_byte()


def sniff_media_type(head: bytes, name: str = "") -> str:
    """The media type of content starting with ``head``; ``name`` only breaks ties for text."""
    kind = filetype.match(head, BY_FIRST_BYTE[head[0]]) if head else None
    if kind is not None:
        return str(kind.mime)
    if b"\x00" in head[:SNIFF_BYTES] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "application/octet-stream"
    # the longest prefix tested is 14 bytes: lower-casing 512 cost more than the tests
    lowered = head[:512].lstrip()[:14].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    suffix = _suffix(name)
    if suffix in _TEXT_EXTENSIONS:
        return _TEXT_EXTENSIONS[suffix]
    if lowered.startswith(b"<?xml"):
        return "application/xml"
    guessed, _ = mimetypes.guess_type(name or "x")
    if guessed and (guessed.startswith("text/") or guessed in _TEXT_EXTENSIONS.values()):
        return guessed
    return "text/plain"


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""
