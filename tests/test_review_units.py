"""Review app parts without HTTP: highlighting offsets (property-tested), the users store,
the login throttle, CSV export safety, and the `clearance users` / `clearance review` CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from clearance.cli import app
from clearance.review.content import CONTEXT, TEXT_SHOWN, Segment, boxes, segments
from clearance.review.security import LoginThrottle, Signer, same_token
from clearance.review.users import Role, UserStore

PASSWORD = "a long enough password"


def finding(start: int | None, end: int | None, kind: str = "pii") -> dict[str, Any]:
    return {"kind": kind, "value": "email", "rule": "r", "start": start, "end": end}


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(st.text(min_size=0, max_size=300))
    n = len(text)
    spans = draw(st.lists(st.tuples(st.integers(-5, n + 5), st.integers(-5, n + 5)), max_size=8))
    return text, spans


@given(text_and_spans())
def test_segments_cover_the_text_and_mark_exactly_the_spans(
    case: tuple[str, list[tuple[int, int]]],
) -> None:
    text, spans = case
    segs = segments(text, [finding(a, b) for a, b in spans])
    assert "".join(s.text for s in segs) == text  # nothing lost, nothing added
    valid = [(a, min(b, len(text))) for a, b in spans if 0 <= a < b and a < len(text)]
    covered = {i for a, b in valid for i in range(a, b)}
    pos = 0
    for seg in segs:
        for i in range(pos, pos + len(seg.text)):
            assert (i in covered) == bool(seg.marks)
        pos += len(seg.text)


def test_segments_skip_findings_without_offsets() -> None:
    assert segments("abc", [finding(None, None)]) == [Segment("abc")]


def test_long_text_keeps_context_around_spans() -> None:
    text = "x" * (TEXT_SHOWN * 2) + "SECRET" + "y" * (TEXT_SHOWN * 2)
    at = TEXT_SHOWN * 2
    segs = segments(text, [finding(at, at + 6)])
    marked = [s for s in segs if s.marks]
    assert [s.text for s in marked] == ["SECRET"]
    assert any(s.gap for s in segs)
    shown = sum(len(s.text) for s in segs)
    assert shown == 6 + 2 * CONTEXT


def test_boxes_need_four_numbers() -> None:
    found = boxes([{"kind": "face", "value": "", "rule": "r", "bbox": [1, 2, 3, 4]},
                   {"kind": "face", "value": "", "rule": "r", "bbox": None},
                   {"kind": "logo", "value": "", "rule": "r", "bbox": [1, 2]}])  # fmt: skip
    assert found == [{"x": 1.0, "y": 2.0, "w": 3.0, "h": 4.0, "kind": "face", "label": "face: r"}]


def test_users_store_hashes_and_checks(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "u.sqlite")
    store.add("ada", "admin", PASSWORD)
    raw = (tmp_path / "u.sqlite").read_bytes()
    assert PASSWORD.encode() not in raw and b"$argon2id$" in raw
    user = store.authenticate("ada", PASSWORD)
    assert user is not None and user.role is Role.ADMIN
    assert store.authenticate("ada", PASSWORD + "x") is None
    assert store.authenticate("eve", PASSWORD) is None
    with pytest.raises(Exception, match="exists"):
        store.add("ada", "viewer", PASSWORD)
    with pytest.raises(Exception, match="role"):
        store.add("bob", "owner", PASSWORD)
    with pytest.raises(Exception, match="at least"):
        store.add("bob", "viewer", "short")
    with pytest.raises(Exception, match="user name"):
        store.add("<b>", "viewer", PASSWORD)


def test_sessions_are_stored_hashed(tmp_path: Path) -> None:
    from datetime import timedelta

    store = UserStore(tmp_path / "u.sqlite")
    user = store.add("ada", "admin", PASSWORD)
    token, session = store.start_session(user, timedelta(hours=1))
    assert token.encode() not in (tmp_path / "u.sqlite").read_bytes()
    live = store.session(token)
    assert live is not None and live.csrf == session.csrf
    store.end_session(token)
    assert store.session(token) is None


def test_signer_refuses_tampering() -> None:
    signer = Signer("k" * 64)
    value = signer.sign("token")
    assert signer.unsign(value) == "token"
    assert signer.unsign(value[:-2] + "xx") is None
    assert Signer("other" * 13).unsign(value) is None
    assert not same_token("", "") and not same_token("a", None) and same_token("a", "a")


def test_throttle_counts_failures_per_key() -> None:
    throttle = LoginThrottle(limit=2, window_s=60)
    throttle.failed("user:a", "addr:1")
    assert not throttle.blocked("user:a")
    throttle.failed("user:a", "addr:1")
    assert throttle.blocked("user:a") and throttle.blocked("addr:1")
    assert not throttle.blocked("user:b", "addr:2")
    throttle.succeeded("user:a", "addr:1")
    assert not throttle.blocked("user:a", "addr:1")


def test_cli_users_add_list_remove(tmp_path: Path) -> None:
    users = str(tmp_path / "users.sqlite")
    cli = CliRunner()
    added = cli.invoke(app, ["users", "add", "rex", "--role", "reviewer", "--password",
                             PASSWORD, "--users", users])  # fmt: skip
    assert added.exit_code == 0, added.output
    prompted = cli.invoke(
        app, ["users", "add", "vic", "--role", "viewer", "--users", users],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    listed = cli.invoke(app, ["users", "list", "--users", users])
    assert "rex" in listed.output and "reviewer" in listed.output and "vic" in listed.output
    assert PASSWORD not in listed.output
    assert cli.invoke(app, ["users", "remove", "vic", "--users", users]).exit_code == 0
    assert "vic" not in cli.invoke(app, ["users", "list", "--users", users]).output
    assert cli.invoke(app, ["users", "remove", "vic", "--users", users]).exit_code != 0
    bad = cli.invoke(app, ["users", "add", "x", "--role", "root", "--password", PASSWORD,
                           "--users", users])  # fmt: skip
    assert bad.exit_code != 0


def test_cli_users_default_to_the_file_beside_the_run(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "demo"
    run.mkdir(parents=True)
    cli = CliRunner()
    result = cli.invoke(app, ["users", "add", "ada", "--role", "admin", "--password", PASSWORD,
                              "--run", str(run)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "runs" / "clearance-users.sqlite").exists()


def test_ledger_append_many_chains_like_append(tmp_path: Path) -> None:
    from clearance.policy.ledger import Ledger

    book = Ledger(tmp_path / "l.sqlite")
    book.append(sha256="a" * 64, item_id="s:a", status="blocked", by="rex", reason="one")
    many = book.append_many(
        [("b" * 64, "s:b"), ("c" * 64, "s:c")], status="cleared", by="ada", reason="bulk",
        purpose="commercial-training",
    )  # fmt: skip
    assert [e.seq for e in many] == [2, 3]
    assert many[1].prev_hash == many[0].hash
    check = book.verify()
    assert check.ok and check.entries == 3 and check.head == many[-1].hash
    assert set(book.overrides("commercial-training")) == {"a" * 64, "b" * 64, "c" * 64}
    with pytest.raises(Exception, match="reason"):
        book.append_many([("d" * 64, "s:d")], status="cleared", by="ada", reason=" ")
    assert book.verify().entries == 3


def test_review_refuses_an_object_storage_run_with_a_way_out() -> None:
    """The app queries local Parquet parts; an s3:// run is refused before anything is read."""
    from clearance.model.errors import RunError
    from clearance.review.queries import RunIndex

    with pytest.raises(RunError, match=r"local run folder.*aws s3 sync"):
        RunIndex("s3://bucket/runs/cc")
