"""The ``secrets`` detector: credentials and API keys in code and text.

Known key formats (the detect-secrets / gitleaks families: AWS, GitHub, Slack, Stripe, Google,
OpenAI, SendGrid, npm, Twilio, private key blocks, JWTs, passwords in URLs) and, as The Stack's
PII pipeline does, high-entropy strings assigned to a secret-sounding name
(``api_key = "..."``). Entropy limits follow detect-secrets' defaults (base64 4.5, hex 3.0
bits per character). Evidence keeps the key's prefix and masks the rest.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

from clearance.detectors.base import Detector, register
from clearance.detectors.lines import LineCounter
from clearance.detectors.pii.mask import mask
from clearance.model.finding import Finding
from clearance.model.item import Item


class SecretSpan(NamedTuple):
    name: str
    start: int
    end: int
    confidence: float


# (name, literal markers that must be in the text, pattern): each pattern starts with a literal
# so the regex engine's prefix scan skips most of the text; the markers skip the pattern itself.
_KNOWN: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "AWS_ACCESS_KEY_ID",
        ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"),
        r"A(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|NPA|NVA|IPA)[0-9A-Z]{16}(?![0-9A-Za-z])",
    ),
    ("GITHUB_TOKEN", ("gh",), r"gh[pousr]_[A-Za-z0-9]{36,255}+"),
    ("GITHUB_TOKEN", ("github_pat_",), r"github_pat_[A-Za-z0-9_]{82}"),
    ("SLACK_TOKEN", ("xox",), r"xox[abposr]-[0-9A-Za-z\-]{10,250}+"),
    (
        "SLACK_WEBHOOK",
        ("hooks.slack.com",),
        r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+",
    ),
    ("STRIPE_KEY", ("_live_", "_test_"), r"_(?:live|test)_[0-9A-Za-z]{24,99}+"),
    ("GOOGLE_API_KEY", ("AIza",), r"AIza[0-9A-Za-z_\-]{35}"),
    (
        "OPENAI_KEY",
        ("T3BlbkFJ",),
        r"sk-(?:proj-|svcacct-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}",
    ),
    ("SENDGRID_KEY", ("SG.",), r"SG\.[\w\-]{22}\.[\w\-]{43}"),
    ("NPM_TOKEN", ("npm_",), r"npm_[A-Za-z0-9]{36}"),
    ("TWILIO_KEY", ("SK",), r"SK[0-9a-f]{32}(?![0-9A-Za-z])"),
    (
        "PRIVATE_KEY",
        ("PRIVATE KEY",),
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----",
    ),
    ("JWT", ("eyJ",), r"eyJ[A-Za-z0-9_\-]{8,}+\.eyJ[A-Za-z0-9_\-]{8,}+\.[A-Za-z0-9_\-]{8,}+"),
    ("URL_PASSWORD", ("://",), r"://[^\s:/@]{1,64}:[^\s:/@]{3,64}@[\w.\-]+"),
)
_KNOWN_RE = tuple((name, markers, re.compile(pattern)) for name, markers, pattern in _KNOWN)
_STRIPE_PREFIX = re.compile(r"(?:sk|rk|pk)$")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]{1,20}$")
_KEYWORDS = (
    "password",
    "Password",
    "PASSWORD",
    "passwd",
    "PASSWD",
    "pwd",
    "PWD",
    "secret",
    "Secret",
    "SECRET",
    "token",
    "Token",
    "TOKEN",
    "key",
    "Key",
    "KEY",
)
# name = "value" / name: 'value' / NAME=value, where the name sounds like a secret
_ASSIGNMENT = re.compile(
    r"(?i)(?:password|passwd|pwd|secret|token|api[_\-]?key|apikey|"
    r"access[_\-]?key|auth[_\-]?key|private[_\-]?key|client[_\-]?secret)[\w\-]{0,20}?"
    r"['\"]?[ \t]*(?::=|=>|=|:)[ \t]*['\"`]?(?P<value>[A-Za-z0-9+/=_\-.!@#$%^&*]{8,200}+)"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/=_\-]{20,}")
_HEX = re.compile(r"[0-9a-fA-F]{16,}")
_PLACEHOLDER = re.compile(
    r"(?i)^(?:x+|\*+|\.+|<.*>|\$\{.*\}|\{\{.*\}\}|changeme|password|secret|your[_\-].*|"
    r"example.*|dummy.*|test.*|none|null|true|false|undefined|os\.environ.*|process\.env.*)$"
)
_MARKERS = (
    b"AKIA",
    b"ASIA",
    b"gh",
    b"github_pat_",
    b"xox",
    b"hooks.slack",
    b"_live_",
    b"_test_",
    b"AIza",
    b"sk-",
    b"SG.",
    b"npm_",
    b"SK",
    b"PRIVATE KEY",
    b"eyJ",
    b"://",
    b"assword",
    b"ASSWORD",
    b"passwd",
    b"pwd",
    b"ecret",
    b"ECRET",
    b"oken",
    b"OKEN",
    b"key",
    b"Key",
    b"KEY",
)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def scan_secrets(text: str) -> list[SecretSpan]:
    out: list[SecretSpan] = []
    for name, markers, regex in _KNOWN_RE:
        if not any(marker in text for marker in markers):
            continue
        for match in regex.finditer(text):
            start = match.start()
            if name == "STRIPE_KEY":
                prefix = _STRIPE_PREFIX.search(text, max(0, start - 2), start)
                if prefix is None:
                    continue
                start = prefix.start()
            elif name == "URL_PASSWORD":
                scheme = _SCHEME.search(text, max(0, start - 21), start)
                if scheme is None:
                    continue
                start = scheme.start()
            out.append(SecretSpan(name, start, match.end(), 0.95))
    taken = [(s.start, s.end) for s in out]
    if any(word in text for word in _KEYWORDS):
        out.extend(_assignments(text, taken))
    out.sort(key=lambda s: s.start)
    return out


def _assignments(text: str, taken: list[tuple[int, int]]) -> list[SecretSpan]:
    """High-entropy (or password) values assigned to a secret-sounding name."""
    out: list[SecretSpan] = []
    for match in _ASSIGNMENT.finditer(text):
        value = match.group("value").rstrip(".")
        start = match.start("value")
        end = start + len(value)
        if any(s <= start < e for s, e in taken) or _PLACEHOLDER.match(value):
            continue
        if _HEX.fullmatch(value) and entropy(value) > 3.0:
            out.append(SecretSpan("HIGH_ENTROPY_HEX", start, end, 0.8))
        elif _BASE64.fullmatch(value) and entropy(value) > 4.5:
            out.append(SecretSpan("HIGH_ENTROPY_BASE64", start, end, 0.8))
        elif (
            ("password" in match.group().lower() or "passwd" in match.group().lower())
            and entropy(value) > 2.5
            and not value.isalpha()
        ):
            out.append(SecretSpan("PASSWORD", start, end, 0.7))
    return out


@register
class SecretsDetector(Detector):
    name = "secrets"
    version = "1.0"
    description = "API keys, tokens, private keys and high-entropy secrets in code and text"
    media_types = ("text-like",)
    time_budget_s = 10.0

    def detect(self, item: Item) -> Iterator[Finding]:
        if not item.may_contain(_MARKERS):
            return
        text = item.text
        lines = LineCounter(text)
        for span in scan_secrets(text):
            value = text[span.start : span.end]
            yield self.finding(
                item,
                kind="secret",
                value=span.name,
                confidence=span.confidence,
                rule=f"secret/{span.name.lower()}",
                evidence=f"{value[:4]}{mask(value[4:], keep_last=0)}"
                if len(value) > 12
                else mask(value, keep_last=0),
                start=span.start,
                end=span.end,
                line=lines.line_at(span.start),
            )
