"""Sign in and out. The login form is CSRF-protected by a double-submit token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clearance.review.app import is_secure, render, session_of, state_of
from clearance.review.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, new_token, same_token

router = APIRouter()


def _login_page(request: Request, status: int = 200, error: str = "") -> HTMLResponse:
    token = new_token()
    response = render(request, "login.html", status, csrf=token, error=error, session=None)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=is_secure(request),
        max_age=3600, path="/login",
    )  # fmt: skip
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    if session_of(request) is not None:
        return RedirectResponse("/", status_code=303)
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    state = state_of(request)
    form = await request.form()
    name = str(form.get("name") or "")[:64]
    password = str(form.get("password") or "")[:1024]
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), str(form.get("csrf") or "")):
        return _login_page(request, 403, "The form expired or was not sent by this site; retry.")
    client = request.client.host if request.client else "?"
    keys = (f"user:{name}", f"addr:{client}")
    if state.throttle.blocked(*keys):
        return _login_page(request, 429, "Too many failed sign-ins; wait a few minutes.")
    user = state.users.authenticate(name, password)
    if user is None:
        state.throttle.failed(*keys)
        return _login_page(request, 401, "Wrong user name or password.")
    state.throttle.succeeded(*keys)
    token, _ = state.users.start_session(user, state.lifetime)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, state.signer.sign(token), httponly=True, samesite="strict",
        secure=is_secure(request), max_age=int(state.lifetime.total_seconds()),
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    state = state_of(request)
    session = session_of(request)
    form = await request.form()
    response = RedirectResponse("/login", status_code=303)
    if session is not None and same_token(session.csrf, str(form.get("csrf") or "")):
        raw = request.cookies.get(SESSION_COOKIE) or ""
        token = state.signer.unsign(raw)
        if token:
            state.users.end_session(token)
        response.delete_cookie(SESSION_COOKIE)
    elif session is not None:
        return render(request, "error.html", 403, message="logout needs the form's token")
    return response
