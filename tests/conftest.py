"""Fixtures shared by the suite (helpers live in helpers.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import EXAMPLES, S3_ENV


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The license index, site-file indexes and fetched robots.txt go to a per-session
    folder, not ~/.cache (session-wide, so module fixtures that scan see it too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        yield


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible store (moto's server) on loopback, one for the session: s3fs caches
    its clients per process, so every test must see the same endpoint. The AWS_* variables
    (credentials and AWS_ENDPOINT_URL) are set for the rest of the session, as a user sets
    them for a real store."""
    import logging
    import socket

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {**S3_ENV, "AWS_ENDPOINT_URL": endpoint}.items():
            patch.setenv(key, value)
        yield endpoint
    server.stop()
