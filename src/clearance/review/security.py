"""Cookies, CSRF tokens, login throttling and the response headers every page carries.

- The session cookie is ``HttpOnly``, ``SameSite=Strict``, signed (itsdangerous) and ``Secure``
  whenever the request came over https or the app was started with ``secure_cookies``.
- Every state-changing form carries the session's CSRF token in a hidden field; the server
  compares it in constant time. The login form, before any session exists, uses a
  double-submit token (a cookie and a field that must match).
- Failed sign-ins are counted per user name and per client address; past the limit the
  login answers 429 until the window passes.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeSerializer

SESSION_COOKIE = "clearance_session"
LOGIN_CSRF_COOKIE = "clearance_login_csrf"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Signer:
    """Signs the session token so a cookie the server did not issue is refused early."""

    def __init__(self, secret: str):
        self._serializer = URLSafeSerializer(secret, salt="clearance-review-session")

    def sign(self, token: str) -> str:
        return str(self._serializer.dumps(token))

    def unsign(self, value: str) -> str | None:
        try:
            token = self._serializer.loads(value)
        except BadSignature:
            return None
        return token if isinstance(token, str) else None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time equality; an absent or empty token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


@dataclass
class LoginThrottle:
    """At most ``limit`` failed sign-ins per key (name, address) within ``window_s``."""

    limit: int = 5
    window_s: float = 300.0
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
