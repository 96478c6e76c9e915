"""A stop request that survives a lost KeyboardInterrupt.

The command line's SIGINT/SIGTERM handler sets ``STOP_REQUESTED`` and raises
KeyboardInterrupt. That exception can be lost: one raised while Python runs a ``__del__`` method
or a garbage-collector callback is printed and dropped. Executors call ``check_stop`` between
shards, so the scan still stops at the next shard boundary. Light on purpose: the command line
imports it at start-up.
"""

from __future__ import annotations

import threading

STOP_REQUESTED = threading.Event()


def check_stop() -> None:
    """Raise KeyboardInterrupt if a stop was requested."""
    if STOP_REQUESTED.is_set():
        raise KeyboardInterrupt
