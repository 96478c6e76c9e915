"""The review app over HTTP (FastAPI TestClient): sign-in, sessions, CSRF, roles, decisions
into the ledger, bulk confirmation, audit, exports, filters and counts, escaping."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearance.policy import DECISION_SCHEMA, Ledger, decide_run, resolve_policy
from clearance.review.security import CSP, SESSION_COOKIE
from clearance.runs.store import open_run
from review_client import client_for, csrf_of, make_users, page_csrf, sign_in
from review_fixtures import PASSWORD, XSS_NAME, ledger_of, make_run


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = make_run(tmp_path_factory.mktemp("review"))
    make_users(run.parent / "clearance-users.sqlite")
    return run


@pytest.fixture
def run(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the runs folder (run, users, ledger) for each test."""
    target = tmp_path / "runs"
    shutil.copytree(pristine.parent, target)
    return target / pristine.name


@pytest.fixture
def client(run: Path) -> TestClient:
    return client_for(run)


def total(client: TestClient, query: str = "") -> int:
    reply = client.get("/queue" + (f"?{query}" if query else ""))
    assert reply.status_code == 200
    found = re.search(r'<span id="total">([\d,]+)</span>', reply.text)
    assert found
    return int(found.group(1).replace(",", ""))


def decide(client: TestClient, item_id: str, action: str, reason: str, csrf: str | None) -> int:
    data = {"id": item_id, "action": action, "reason": reason}
    if csrf is not None:
        data["csrf"] = csrf
    return client.post("/item/decide", data=data).status_code


# -- sign-in and sessions ----------------------------------------------------------------
def test_login_good_sets_a_strict_httponly_cookie(client: TestClient) -> None:
    form = client.get("/login")
    reply = client.post(
        "/login", data={"name": "rex", "password": PASSWORD, "csrf": csrf_of(form.text)}
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/"
    cookie = reply.headers["set-cookie"].lower()
    assert SESSION_COOKIE in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http on loopback
    assert client.get("/queue").status_code == 200


def test_cookie_is_secure_over_https(run: Path) -> None:
    client = client_for(run, base_url="https://testserver")
    form = client.get("/login")
    reply = client.post(
        "/login", data={"name": "rex", "password": PASSWORD, "csrf": csrf_of(form.text)}
    )
    assert "secure" in reply.headers["set-cookie"].lower()


@pytest.mark.parametrize(("name", "password"), [("rex", "wrong password!"), ("nobody", PASSWORD)])
def test_login_bad_is_refused(client: TestClient, name: str, password: str) -> None:
    assert sign_in(client, name, password) == 401
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/queue").status_code == 303  # back to the sign-in form


def test_login_without_its_csrf_token_is_refused(client: TestClient) -> None:
    reply = client.post("/login", data={"name": "rex", "password": PASSWORD})
    assert reply.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_failed_logins_are_throttled(client: TestClient) -> None:
    for _ in range(5):
        assert sign_in(client, "rex", "not the password") == 401
    assert sign_in(client, "rex", PASSWORD) == 429  # even the right password, for a while


def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    assert sign_in(client, "rex") == 303
    stolen = client.cookies[SESSION_COOKIE]
    reply = client.post("/logout", data={"csrf": page_csrf(client)})
    assert reply.status_code == 303
    client.cookies.set(SESSION_COOKIE, stolen)  # replaying the old cookie does not work
    assert client.get("/queue").status_code == 303


def test_forged_or_expired_session_cookie_is_refused(run: Path, client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "made-up.value")
    assert client.get("/queue").status_code == 303
    from datetime import timedelta

    from clearance.review import UserStore

    store = UserStore(run.parent / "clearance-users.sqlite")
    user = store.get("rex")
    assert user is not None
    token, _ = store.start_session(user, timedelta(seconds=-1))
    assert store.session(token) is None


def test_removed_user_loses_the_session(run: Path, client: TestClient) -> None:
    from clearance.review import UserStore

    assert sign_in(client, "rex") == 303
    assert UserStore(run.parent / "clearance-users.sqlite").remove("rex")
    assert client.get("/queue").status_code == 303


def test_pages_carry_the_security_headers(client: TestClient) -> None:
    reply = client.get("/login")
    assert reply.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"


# -- roles and CSRF on decisions --------------------------------------------------------------
def test_anonymous_post_is_refused(client: TestClient, run: Path) -> None:
    assert decide(client, "notes:reserved.txt", "block", "x", "whatever") == 401
    assert not ledger_of(run).exists()


def test_viewer_cannot_decide(client: TestClient, run: Path) -> None:
    assert sign_in(client, "vic") == 303
    item = client.get("/item", params={"id": "notes:reserved.txt"})
    assert item.status_code == 200 and "is read-only" in item.text
    assert decide(client, "notes:reserved.txt", "block", "no", csrf_of(item.text)) == 403
    assert not Ledger(ledger_of(run)).exists() or not list(Ledger(ledger_of(run)).entries())


@pytest.mark.parametrize("token", [None, "", "forged-token-value"])
def test_decide_without_the_right_csrf_token_is_refused(
    client: TestClient, run: Path, token: str | None
) -> None:
    assert sign_in(client, "rex") == 303
    assert decide(client, "notes:reserved.txt", "block", "forged", token) == 403
    assert list(Ledger(ledger_of(run)).entries()) == []


def test_another_sessions_token_is_refused(run: Path) -> None:
    first, second = client_for(run), client_for(run)
    assert sign_in(first, "rex") == 303 and sign_in(second, "ada") == 303
    assert decide(first, "notes:reserved.txt", "block", "x", page_csrf(second)) == 403


def test_decision_is_a_ledger_entry_that_decide_applies(client: TestClient, run: Path) -> None:
    assert sign_in(client, "rex") == 303
    csrf = page_csrf(client)
    assert decide(client, "notes:wordcount.py", "approve", "", csrf) == 400  # reason required
    assert decide(client, "notes:wordcount.py", "delete", "why", csrf) == 400
    assert total(client, "status=blocked") == 1
    assert decide(client, "notes:wordcount.py", "block", "vendored from a GPL project", csrf) == 303
    entries = list(Ledger(ledger_of(run)).entries())
    assert [(e.item_id, e.status, e.by, e.purpose) for e in entries] == [
        ("notes:wordcount.py", "blocked", "rex", "commercial-training")
    ]
    assert entries[0].reason == "vendored from a GPL project" and entries[0].at
    assert Ledger(ledger_of(run)).verify().ok
    # the queue shows it at once, for both copies of the content
    assert total(client, "status=blocked") == 3
    page = client.get("/item", params={"id": "notes:wordcount_copy.py"}).text
    assert "vendored from a GPL project" in page and "notes:wordcount.py" in page
    audit = client.get("/audit").text
    assert "Chain verified: 1 entries" in audit and "vendored from a GPL project" in audit
    # and `clearance decide` applies it: the same kind of entry `clearance override` writes
    decide_run(run, resolve_policy("commercial-training"), ledger=ledger_of(run))
    table = open_run(run).decisions(DECISION_SCHEMA).to_pylist()
    by_id = {r["item_id"]: r for r in table}
    for item_id in ("notes:wordcount.py", "notes:wordcount_copy.py"):
        assert by_id[item_id]["status"] == "blocked"
        assert by_id[item_id]["override_by"] == "rex"


def test_tampered_ledger_is_shown_and_not_extended(client: TestClient, run: Path) -> None:
    assert sign_in(client, "rex") == 303
    csrf = page_csrf(client)
    assert decide(client, "notes:reserved.txt", "approve", "letter is ours", csrf) == 303
    with sqlite3.connect(ledger_of(run)) as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET reason = 'rewritten'")
    audit = client.get("/audit")
    assert "failed verification" in audit.text and "edited" in audit.text
    assert decide(client, "notes:plain-0.txt", "approve", "fine", csrf) == 400
    assert len(list(Ledger(ledger_of(run)).entries())) == 1


def test_decisions_extend_the_verified_ledger(
    client: TestClient, run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain is walked at load, not again for each decision (review.chain); a change by
    another process is walked again before the next decision is chained onto it."""
    walks: list[str] = []
    verify = Ledger.verify

    def counted(self: Ledger, expect_head: tuple[int, str] | None = None):  # type: ignore[no-untyped-def]
        walks.append(str(self.path))
        return verify(self, expect_head)

    monkeypatch.setattr(Ledger, "verify", counted)
    assert sign_in(client, "rex") == 303
    csrf = page_csrf(client)
    for n in range(3):
        assert decide(client, f"notes:plain-{n}.txt", "approve", "fine", csrf) == 303
    assert len(walks) == 1  # the first decision's check (nothing since changed the file)
    Ledger(ledger_of(run)).append(sha256="ab" * 32, item_id="x", status="review", by="cli",
                                  reason="from `clearance override`")  # fmt: skip
    assert decide(client, "notes:plain-3.txt", "approve", "fine", csrf) == 303
    assert len(walks) == 2
    assert [e.seq for e in Ledger(ledger_of(run)).entries()] == [1, 2, 3, 4, 5]
    assert verify(Ledger(ledger_of(run))).ok


# -- bulk -------------------------------------------------------------------------------------
def test_bulk_confirmation_states_the_count(client: TestClient, run: Path) -> None:
    assert sign_in(client, "rex") == 303
    assert client.get("/bulk", params={"status": "review"}).status_code == 403
    client.cookies.clear()
    assert sign_in(client, "ada") == 303
    confirm = client.get("/bulk", params={"status": "review", "source": "notes"})
    assert confirm.status_code == 200
    count = re.search(r'id="bulk-count">(\d+)<', confirm.text)
    assert count and int(count.group(1)) == total(client, "status=review&source=notes") == 8
    form = {
        "status": "review", "source": "notes", "action": "approve",
        "reason": "in-house notes, cleared by counsel", "csrf": csrf_of(confirm.text),
    }  # fmt: skip
    assert client.post("/bulk", data={**form, "confirmed": "7"}).status_code == 400
    assert client.post("/bulk", data={**form, "csrf": "nope", "confirmed": "8"}).status_code == 403
    assert list(Ledger(ledger_of(run)).entries()) == []
    done = client.post("/bulk", data={**form, "confirmed": "8"})
    assert done.status_code == 303
    entries = list(Ledger(ledger_of(run)).entries())
    assert len(entries) == 8 and {e.status for e in entries} == {"cleared"}
    assert all(e.by == "ada" and "[bulk over 8 items]" in e.reason for e in entries)
    assert Ledger(ledger_of(run)).verify().ok
    assert total(client, "status=review&source=notes") == 0


def test_bulk_over_the_limit_is_refused(run: Path) -> None:
    client = client_for(run, bulk_limit=3)
    assert sign_in(client, "ada") == 303
    confirm = client.get("/bulk", params={"status": "review"})
    assert "over the bulk limit" in confirm.text
    reply = client.post(
        "/bulk",
        data={"status": "review", "action": "approve", "reason": "x", "confirmed": "9",
              "csrf": csrf_of(client.get("/queue").text)},
    )  # fmt: skip
    assert reply.status_code == 400


# -- exports ----------------------------------------------------------------------------------
def test_decisions_export_csv_and_json(client: TestClient, run: Path) -> None:
    assert sign_in(client, "rex") == 303
    csrf = page_csrf(client)
    assert decide(client, "notes:reserved.txt", "approve", '=HYPERLINK("x")', csrf) == 303
    assert decide(client, "notes:field-notes.txt", "review", "ask the author", csrf) == 303
    assert client.get("/audit/decisions.csv").status_code == 403  # admin only
    client.cookies.clear()
    assert sign_in(client, "ada") == 303
    rows = list(csv.DictReader(io.StringIO(client.get("/audit/decisions.csv").text)))
    assert [r["item_id"] for r in rows] == ["notes:reserved.txt", "notes:field-notes.txt"]
    assert rows[0]["reason"] == '\'=HYPERLINK("x")'  # inert in a spreadsheet
    assert rows[1]["by"] == "rex" and rows[1]["status"] == "review" and rows[1]["hash"]
    data = json.loads(client.get("/audit/decisions.json").text)
    assert data["verified"] is True and len(data["entries"]) == 2
    assert data["entries"][0]["reason"] == '=HYPERLINK("x")'
    assert data["entries"][1]["prev_hash"] == data["entries"][0]["hash"]


# -- the queue ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 12),
        ("status=review", 9),
        ("status=cleared", 2),
        ("source=photos", 1),
        ("license=MIT", 2),
        ("license=%28none%29", 8),
        ("rule=non-commercial", 1),
        ("rule=no-license", 8),
        ("kind=copyright", 2),
        ("signal=face%3Aface", 1),
        ("signal=copyright%3AEvil+Corp", 1),
        ("kind=copyright&status=review", 2),
        ("source=notes&rule=attribution", 3),
        ("search=notes%3Aplain", 6),
        ("search=plain", 0),  # a prefix of the item id
        ("status=blocked&license=MIT", 0),
    ],
)
def test_filters_return_the_right_counts(client: TestClient, query: str, expected: int) -> None:
    assert sign_in(client, "vic") == 303
    assert total(client, query) == expected


def test_facet_counts_ignore_their_own_filter(client: TestClient) -> None:
    assert sign_in(client, "vic") == 303
    page = client.get("/queue", params={"status": "review"}).text
    assert ">cleared (2)</option>" in page and ">review (9)</option>" in page
    assert ">notes (8)</option>" in page  # source counts under status=review
    assert '<option value="(none)" >(none) (8)</option>' in page  # listed, not selected


def test_keyset_paging_covers_every_item_once(run: Path) -> None:
    from clearance.review import Filters, RunIndex

    index = RunIndex(run)
    seen: list[str] = []
    page = index.page(Filters(), size=5)
    while True:
        seen += [r.item_id for r in page.rows]
        if page.next_after is None:
            break
        page = index.page(Filters(), after=page.next_after, size=5)
    assert len(seen) == len(set(seen)) == 12 and seen == sorted(seen)
    back = index.page(Filters(), before=page.rows[0].n, size=5)
    assert [r.item_id for r in back.rows] == seen[5:10] and back.first_position == 6


# -- the item page -----------------------------------------------------------------------------
def test_item_page_highlights_spans_and_cites(client: TestClient) -> None:
    assert sign_in(client, "vic") == 303
    page = client.get("/item", params={"id": "notes:field-notes.txt"}).text
    assert re.search(r"<mark title=\"license: CC-BY-NC-4.0\">[^<]*by-nc/4.0", page)
    assert "Legal reference:" in page and "Not legal advice" in page
    code = client.get("/item", params={"id": "notes:wordcount.py"}).text
    assert '<mark title="license: MIT">MIT</mark>' in code
    assert "notes:wordcount_copy.py" in code  # same content elsewhere


def test_image_page_boxes_the_face_and_serves_a_sandboxed_image(client: TestClient) -> None:
    assert sign_in(client, "vic") == 303
    page = client.get("/item", params={"id": "photos:portrait.png"}).text
    assert '<svg viewBox="0 0 320 200"' in page
    assert '<rect class="box face" x="110.0" y="40.0" width="80.0" height="100.0">' in page
    image = client.get("/item/content", params={"id": "photos:portrait.png"})
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert image.headers["content-type"] == "image/png"
    assert "sandbox" in image.headers["content-security-policy"]
    text = client.get("/item/content", params={"id": "notes:wordcount.py"})
    assert text.status_code == 404  # only raster images are served


def test_hostile_text_and_file_names_are_escaped(client: TestClient) -> None:
    assert sign_in(client, "vic") == 303
    item_id = f"notes:{XSS_NAME}"
    queue = client.get("/queue").text
    page = client.get("/item", params={"id": item_id}).text
    for html in (queue, page):
        assert "<img src=x onerror" not in html and "<script>alert" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page
    assert "<mark" in page  # its copyright line is still highlighted


def test_unknown_item_is_404(client: TestClient) -> None:
    assert sign_in(client, "vic") == 303
    assert client.get("/item", params={"id": "nope"}).status_code == 404


def test_users_page_is_admin_only(client: TestClient) -> None:
    assert sign_in(client, "rex") == 303
    assert client.get("/users").status_code == 403
    client.cookies.clear()
    assert sign_in(client, "ada") == 303
    page = client.get("/users").text
    assert "rex" in page and "reviewer" in page and "argon2" not in page


# -- the command ---------------------------------------------------------------------------------
def test_review_command_serves_the_run(run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from clearance.cli import app
    from clearance.model.errors import ConfigError

    served: dict[str, object] = {}

    def fake_run(application: object, host: str, port: int, log_level: str) -> None:
        served.update(app=application, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    cli = CliRunner()
    empty = cli.invoke(app, ["review", str(run), "--users", str(run.parent / "none.sqlite")])
    assert isinstance(empty.exception, ConfigError) and "no accounts" in str(empty.exception)
    result = cli.invoke(app, ["review", str(run), "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8765
    client = TestClient(served["app"], follow_redirects=False)  # type: ignore[arg-type]
    assert sign_in(client, "vic") == 303
    assert total(client) == 12


def test_item_page_links_the_next_item_in_the_filtered_queue(client: TestClient) -> None:
    assert sign_in(client, "rex") == 303
    queue = client.get("/queue", params={"kind": "copyright"}).text
    first = re.search(r'href="(/item\?id=[^"]*queue=[^"]*)"', queue)
    assert first
    link = first.group(1).replace("&amp;", "&")
    page = client.get(link).text
    assert "notes:&lt;img" in page  # the first copyright item (escaped name)
    nxt = re.search(r'id="next-item" href="([^"]+)"', page)
    assert nxt and "reserved.txt" in nxt.group(1)  # the next copyright item, not plain-0
    reply = client.post(
        "/item/decide",
        data={"id": "notes:reserved.txt", "action": "approve", "reason": "ours",
              "csrf": csrf_of(page), "queue": "kind=copyright"},
    )  # fmt: skip
    assert reply.status_code == 303 and "queue=kind%3Dcopyright" in reply.headers["location"]
    last = client.get(reply.headers["location"]).text
    assert 'id="next-item"' not in last  # reserved.txt is the last copyright item
