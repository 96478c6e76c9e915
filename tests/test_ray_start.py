"""Starting a local Ray cluster: a start that fails part-way leaves no process running.

``ray.init`` keeps the processes of a node that failed to come up (GCS, monitors) alive until
the calling process exits; a retry then competes with them for the CPU. A dashboard port that
is already taken makes the start fail after the GCS and the autoscaler monitor have started.
"""

from __future__ import annotations

import socket

import pytest
import ray

from clearance.executors import ray_engine


def test_failed_local_start_leaves_nothing_running(monkeypatch: pytest.MonkeyPatch) -> None:
    ended: list[set[int]] = []
    real_end = ray_engine._end

    def record(pids: set[int], grace_s: float = 5.0) -> None:
        ended.append(set(pids))
        real_end(pids, grace_s)

    monkeypatch.setattr(ray_engine, "_end", record)
    before = ray_engine._ray_children()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ValueError, match="already occupied"):
            ray_engine.init_local(
                num_cpus=1,
                include_dashboard=True,
                dashboard_host="127.0.0.1",
                dashboard_port=port,
                log_to_driver=False,
            )
    assert not ray.is_initialized()
    assert ended and ended[0]  # the failed start had really left Ray processes behind
    assert ray_engine._ray_children() - before == set()
