"""Per-detector time budgets.

In a process's main thread a SIGALRM timer interrupts a runaway detector (pure-Python loops
and most regex work); elsewhere (threads, some distributed workers) the overrun is measured
after the fact. Either way the item gets an ``error`` finding and goes to review.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class BudgetExceeded(Exception):
    pass


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise BudgetExceeded


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise ``BudgetExceeded`` in the block once ``seconds`` have passed."""
    use_alarm = (
        hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    start = time.perf_counter()
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if time.perf_counter() - start > seconds:
        raise BudgetExceeded
