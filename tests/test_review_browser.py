"""The review app end to end in a real browser: Playwright driving Debian's chromium
(`.ci/run` installs it; no browser download), against uvicorn serving a run made here.

Screenshots of the queue and an item page go to the test's tmp folder; with
UPDATE_SCREENSHOTS=1 they are also copied to docs/review-*.png (checked by eye, committed).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from clearance.policy import Ledger
from clearance.review import create_app
from review_client import config_for, make_users
from review_fixtures import PASSWORD, XSS_NAME, XSS_TEXT, ledger_of, make_run

DOCS = Path(__file__).resolve().parent.parent / "docs"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    assert found, (
        "Debian's chromium is needed for the review browser tests: apt-get install -y chromium "
        "(.ci/run installs it)"
    )
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    run = make_run(tmp_path_factory.mktemp("review-browser"))
    make_users(run.parent / "clearance-users.sqlite")
    port = free_port()
    config = uvicorn.Config(
        create_app(config_for(run)), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", run
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=["--no-sandbox"]
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    yield page
    context.close()


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/queue")
    expect(page).to_have_url(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    expect(page).to_have_url(f"{base}/queue")


def shoot(page: Page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"review-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a drawn page, not a blank one
    if os.environ.get("UPDATE_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        shutil.copy(path, DOCS / path.name)
    return path


def test_reviewer_filters_opens_decides_and_sees_the_ledger(
    server: tuple[str, Path], page: Page, tmp_path: Path
) -> None:
    base, run = server
    sign_in(page, base, "rex")
    expect(page.locator("#total")).to_have_text("12")
    shoot(page, tmp_path, "queue")
    page.select_option("#filter-kind", "copyright")  # htmx re-queries on change
    expect(page.locator("#total")).to_have_text("2")
    assert "kind=copyright" in page.url  # the filtered queue has its own address
    expect(page.locator("#queue-table tbody tr")).to_have_count(2)
    page.click("a:has-text('notes:reserved.txt')")
    expect(page.locator("#item-id")).to_have_text("notes:reserved.txt")
    mark = page.locator("#item-text mark")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text("Acme Widgets Ltd")
    shoot(page, tmp_path, "item")
    page.check("input[value=block]")
    page.fill("textarea[name=reason]", "Third-party letter; no licence on file.")
    page.click("button:has-text('Record decision')")
    expect(page.get_by_role("status")).to_contain_text("Recorded as ledger entry 1")
    page.click("header a:has-text('Audit')")
    expect(page.locator("#verify")).to_contain_text("Chain verified: 1 entries")
    row = page.locator("#ledger tbody tr").first
    expect(row).to_contain_text("rex")
    expect(row).to_contain_text("Third-party letter; no licence on file.")
    expect(row).to_contain_text("blocked")
    assert Ledger(ledger_of(run)).verify().ok
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_image_item_draws_the_face_box(
    server: tuple[str, Path], page: Page, tmp_path: Path
) -> None:
    base, _ = server
    sign_in(page, base, "vic")
    page.goto(f"{base}/item?id=photos%3Aportrait.png")
    box = page.locator("#evidence rect.box.face")
    expect(box).to_have_count(1)
    assert page.locator("#evidence svg image").evaluate(
        "img => img.getBBox().width"
    ) == pytest.approx(320)
    shoot(page, tmp_path, "image")


def test_viewer_is_refused(server: tuple[str, Path], page: Page) -> None:
    base, run = server
    before = len(list(Ledger(ledger_of(run)).entries()))
    sign_in(page, base, "vic")
    page.goto(f"{base}/item?id=notes%3Aplain-0.txt")
    expect(page.locator("#decide-form")).to_have_count(0)
    expect(page.get_by_text("is read-only")).to_be_visible()
    csrf = page.locator("header input[name=csrf]").get_attribute("value")
    reply = page.request.post(
        f"{base}/item/decide",
        form={"id": "notes:plain-0.txt", "action": "approve", "reason": "x", "csrf": csrf or ""},
    )
    assert reply.status == 403
    page.goto(f"{base}/bulk?status=review")
    expect(page.get_by_role("alert")).to_contain_text("admin needed")
    assert len(list(Ledger(ledger_of(run)).entries())) == before


def test_forged_form_without_csrf_is_refused(server: tuple[str, Path], page: Page) -> None:
    base, run = server
    before = len(list(Ledger(ledger_of(run)).entries()))
    sign_in(page, base, "rex")
    page.goto(f"{base}/item?id=notes%3Aplain-1.txt")
    # the same page's form with its token taken out
    page.evaluate("document.querySelector('#decide-form input[name=csrf]').remove()")
    page.check("input[value=approve]")
    page.fill("textarea[name=reason]", "forged")
    page.click("button:has-text('Record decision')")
    expect(page.get_by_role("alert")).to_contain_text("security token is missing")
    # a form on another page (no origin) posting here: refused (no token, and the
    # SameSite=Strict cookie is not sent with a cross-site post)
    page.goto("about:blank")
    page.set_content(
        f'<form method="post" action="{base}/item/decide">'
        '<input name="id" value="notes:plain-1.txt"><input name="action" value="approve">'
        '<input name="reason" value="forged"><button>go</button></form>'
    )
    page.click("button")
    expect(page.get_by_role("alert")).to_contain_text(re.compile("sign in first|token is missing"))
    assert len(list(Ledger(ledger_of(run)).entries())) == before


def test_hostile_text_and_file_name_render_inert(server: tuple[str, Path], page: Page) -> None:
    base, _ = server
    sign_in(page, base, "vic")
    link = page.get_by_role("link", name=f"notes:{XSS_NAME}")
    expect(link).to_have_count(1)
    link.click()
    expect(page.locator("#item-id")).to_have_text(f"notes:{XSS_NAME}")
    text = page.locator("#item-text")
    expect(text).to_contain_text('<script>alert("xss")</script>')
    expect(text).to_contain_text("<img src=x onerror=alert(2)>")
    assert XSS_TEXT.splitlines()[0] in text.inner_text()
    assert page.locator("#item-text script, #item-text img, main img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []  # type: ignore[attr-defined]
