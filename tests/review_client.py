"""Helpers for the review app tests: an app over a made run, users, and signing in."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from clearance.review import ReviewConfig, UserStore, create_app
from review_fixtures import PASSWORD, ledger_of

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROLES = {"ada": "admin", "rex": "reviewer", "vic": "viewer"}


def make_users(path: Path) -> UserStore:
    store = UserStore(path)
    for name, role in ROLES.items():
        store.add(name, role, PASSWORD)
    return store


def config_for(run: Path, **options: object) -> ReviewConfig:
    return ReviewConfig(
        run=run,
        ledger=ledger_of(run),
        users=run.parent / "clearance-users.sqlite",
        **options,  # type: ignore[arg-type]
    )


def client_for(run: Path, base_url: str = "http://testserver", **options: object) -> TestClient:
    return TestClient(
        create_app(config_for(run, **options)), base_url=base_url, follow_redirects=False
    )


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> int:
    """Sign in through the form; returns the POST's status code."""
    form = client.get("/login")
    reply = client.post(
        "/login", data={"name": name, "password": password, "csrf": csrf_of(form.text)}
    )
    return reply.status_code


def page_csrf(client: TestClient, url: str = "/queue") -> str:
    reply = client.get(url)
    assert reply.status_code == 200, reply.text
    return csrf_of(reply.text)
