"""Per-detector time budgets.

In a process's main thread a SIGALRM timer interrupts a runaway detector (pure-Python loops
and most regex work); elsewhere (threads, some distributed workers) the overrun is measured
after the fact. Either way the item gets an ``error`` finding and goes to review.
The handler is installed once per process; each call only arms and disarms the timer.
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


_handler_installed = False


def _alarm_available() -> bool:
    global _handler_installed
    if not hasattr(signal, "setitimer"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    if not _handler_installed:
        signal.signal(signal.SIGALRM, _on_alarm)
        _handler_installed = True
    return True


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise ``BudgetExceeded`` in the block once ``seconds`` have passed."""
    use_alarm = _alarm_available()
    start = time.perf_counter()
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
    if time.perf_counter() - start > seconds:
        raise BudgetExceeded
