"""Local accounts and server-side sessions for the review app, in one SQLite file.

Passwords are hashed with argon2id (argon2-cffi, its default parameters); the file holds no
password in clear. A session is a random token: the cookie carries it signed (itsdangerous),
the file holds only its sha256, so a stolen users file cannot be replayed as a cookie, and
logging out or removing a user ends the session on the server, not only in the browser.

Where: ``clearance-users.sqlite`` beside the run folder (next to the ledger), or ``--users``.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from clearance.model.errors import ConfigError, MissingDependency

try:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingDependency("clearance review (argon2-cffi)", "review") from exc

USERS_NAME = "clearance-users.sqlite"
MIN_PASSWORD = 10
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Role(StrEnum):
    """viewer reads; reviewer also decides one item; admin also bulk, export and users."""

    VIEWER = "viewer"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"viewer": 0, "reviewer": 1, "admin": 2}[self.value]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created: str = ""


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires: str


def default_users(run: str | Path) -> Path:
    """The users file beside the run folder (and its ledger)."""
    return Path(run).resolve().parent / USERS_NAME


def _now() -> datetime:
    return datetime.now(UTC)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._hasher = PasswordHasher()
        # verified against when the name is unknown, so a wrong name costs as long as a
        # wrong password (no user enumeration by timing)
        self._dummy = self._hasher.hash(secrets.token_hex(16))

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(self.path, isolation_level=None)) as conn:
                conn.executescript(_SCHEMA)
                yield conn
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{self.path} is not a clearance users file: {exc}") from exc

    # -- accounts -----------------------------------------------------------------------
    def add(self, name: str, role: str, password: str) -> User:
        if not name or len(name) > 64 or not set(name) <= _NAME_CHARS:
            raise ConfigError("a user name is 1-64 letters, digits and . _ @ -")
        try:
            chosen = Role(role)
        except ValueError:
            raise ConfigError("--role must be reviewer, admin or viewer") from None
        if len(password) < MIN_PASSWORD:
            raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters")
        created = _now().isoformat(timespec="seconds")
        with self._db() as conn:
            try:
                conn.execute(
                    "INSERT INTO users (name, role, password_hash, created) VALUES (?,?,?,?)",
                    (name, chosen.value, self._hasher.hash(password), created),
                )
            except sqlite3.IntegrityError:
                raise ConfigError(f"user {name!r} exists; remove it first") from None
        return User(name, chosen, created)

    def remove(self, name: str) -> bool:
        with self._db() as conn:
            conn.execute("DELETE FROM sessions WHERE name = ?", (name,))
            return conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0

    def list(self) -> list[User]:
        if not self.path.exists():
            return []
        with self._db() as conn:
            rows = conn.execute("SELECT name, role, created FROM users ORDER BY name").fetchall()
        return [User(n, Role(r), c) for n, r, c in rows]

    def get(self, name: str) -> User | None:
        with self._db() as conn:
            row = conn.execute(
                "SELECT name, role, created FROM users WHERE name = ?", (name,)
            ).fetchone()
        return User(row[0], Role(row[1]), row[2]) if row else None

    def authenticate(self, name: str, password: str) -> User | None:
        with self._db() as conn:
            row = conn.execute(
                "SELECT name, role, created, password_hash FROM users WHERE name = ?", (name,)
            ).fetchone()
        try:
            self._hasher.verify(row[3] if row else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(row[0], Role(row[1]), row[2]) if row else None

    # -- sessions -----------------------------------------------------------------------
    def secret(self) -> str:
        """The cookie-signing key, made on first use and kept in the users file."""
        with self._db() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('secret', ?)",
                (secrets.token_hex(32),),
            )
            row = conn.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
        return str(row[0])

    def start_session(self, user: User, lifetime: timedelta) -> tuple[str, Session]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _now()
        expires = (now + lifetime).isoformat(timespec="seconds")
        with self._db() as conn:
            conn.execute("DELETE FROM sessions WHERE expires < ?", (now.isoformat(),))
            conn.execute(
                "INSERT INTO sessions (token_hash, name, csrf, created, expires) "
                "VALUES (?,?,?,?,?)",
                (_hash_token(token), user.name, csrf, now.isoformat(timespec="seconds"), expires),
            )
        return token, Session(user, csrf, expires)

    def session(self, token: str) -> Session | None:
        """The live session of a token: None when unknown, expired or its user was removed."""
        with self._db() as conn:
            row = conn.execute(
                "SELECT u.name, u.role, u.created, s.csrf, s.expires FROM sessions s "
                "JOIN users u ON u.name = s.name WHERE s.token_hash = ?",
                (_hash_token(token),),
            ).fetchone()
        if row is None or datetime.fromisoformat(row[4]) <= _now():
            return None
        return Session(User(row[0], Role(row[1]), row[2]), row[3], row[4])

    def end_session(self, token: str) -> None:
        with self._db() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash_token(token),))
