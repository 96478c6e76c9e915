"""The app factory: state, templates, security headers, sign-in and role checks.

Roles (checked on every route, in the route itself): ``viewer`` reads the queue, items and
the audit page; ``reviewer`` also decides one item at a time; ``admin`` also decides in bulk,
exports the decisions log and sees the users.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from clearance.model.errors import MissingDependency
from clearance.policy.ledger import Ledger
from clearance.review.content import ContentCache
from clearance.review.desk import Desk
from clearance.review.queries import RunIndex
from clearance.review.security import (
    SECURITY_HEADERS,
    SESSION_COOKIE,
    LoginThrottle,
    Signer,
    same_token,
)
from clearance.review.users import Role, Session, UserStore

try:
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, RedirectResponse, Response
    from fastapi.staticfiles import StaticFiles
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingDependency("clearance review (fastapi)", "review") from exc

NOT_LEGAL_ADVICE = (
    "Not legal advice: clearance sorts the evidence and the rules a policy applied to it so "
    "that counsel can decide; nothing here is a legal opinion."
)


@dataclass
class ReviewConfig:
    run: Path
    ledger: Path
    users: Path
    #: set the cookie's Secure flag even on plain http (behind a TLS-terminating proxy)
    secure_cookies: bool = False
    session_hours: float = 8.0
    bulk_limit: int = 5000
    login_limit: int = 5


@dataclass
class State:
    config: ReviewConfig
    index: RunIndex
    desk: Desk
    users: UserStore
    content: ContentCache
    signer: Signer
    throttle: LoginThrottle
    env: Environment
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.config.session_hours)


class LoginRequired(Exception):
    """No live session: pages redirect to the sign-in form, form posts get 401."""


class Forbidden(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def state_of(request: Request) -> State:
    state: State = request.app.state.review
    return state


def session_of(request: Request) -> Session | None:
    state = state_of(request)
    raw = request.cookies.get(SESSION_COOKIE)
    token = state.signer.unsign(raw) if raw else None
    return state.users.session(token) if token else None


def require(request: Request, role: Role) -> Session:
    """The signed-in session, if its role allows ``role``; else LoginRequired / Forbidden."""
    session = session_of(request)
    if session is None:
        raise LoginRequired
    if not session.user.role.allows(role):
        raise Forbidden(
            f"your role ({session.user.role.value}) cannot do this; {role.value} needed"
        )
    return session


async def require_form(request: Request, role: Role) -> tuple[Session, dict[str, str]]:
    """As ``require``, for a POST: also checks the form's CSRF token against the session's."""
    session = require(request, role)
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    if not same_token(session.csrf, data.get("csrf")):
        raise Forbidden("the form's security token is missing or wrong; reload the page and retry")
    return session, data


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    state = state_of(request)
    session = context.pop("session", None) or session_of(request)
    html = state.env.get_template(name).render(
        session=session,
        run=state.config.run.name,
        not_legal_advice=NOT_LEGAL_ADVICE,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def is_secure(request: Request) -> bool:
    return state_of(request).config.secure_cookies or request.url.scheme == "https"


def _compact(value: Any) -> str:
    """A metadata value as text (the template escapes it)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)[:2000]


def create_app(config: ReviewConfig, *, index: RunIndex | None = None) -> FastAPI:
    """Build the app for one run (the DuckDB index is built here, once)."""
    from clearance.review import routes_auth, routes_desk, routes_queue

    index = index or RunIndex(config.run)
    users = UserStore(config.users)
    env = Environment(
        loader=PackageLoader("clearance.review", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = lambda n: f"{int(n):,}"
    env.filters["compact"] = _compact
    state = State(
        config=config,
        index=index,
        desk=Desk(index, Ledger(config.ledger), bulk_limit=config.bulk_limit),
        users=users,
        content=ContentCache(index.store),
        signer=Signer(users.secret()),
        throttle=LoginThrottle(limit=config.login_limit),
        env=env,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        index.close()

    app = FastAPI(
        title="clearance review", docs_url=None, redoc_url=None, openapi_url=None,
        lifespan=lifespan,
    )  # fmt: skip
    app.state.review = state
    static = Path(str(files("clearance.review") / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return render(request, "error.html", 401, message="sign in first")

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", 403, message=exc.message)

    app.include_router(routes_auth.router)
    app.include_router(routes_queue.router)
    app.include_router(routes_desk.router)
    return app
