"""Per-detector time budgets.

In a process's main thread a SIGALRM timer interrupts a runaway detector (pure-Python loops
and most regex work); elsewhere (threads, some distributed workers) the overrun is measured
after the fact. Either way the item gets an ``error`` finding and goes to review.

Two ways to arm the timer. ``run_with_budget`` alone arms and disarms it around each call
(two ``setitimer`` system calls). Inside ``budget_clock`` (a shard's detector loop) one
periodic timer ticks for the whole batch and each call only records its deadline; the
handler raises when a tick finds the deadline passed. That is ~10x cheaper per call, for an
overrun noticed up to one tick late (a tenth of the shortest budget, at most 0.1 s).
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

T = TypeVar("T")

MAX_TICK_S = 0.1
MIN_TICK_S = 0.001


class BudgetExceeded(Exception):
    pass


_tick = 0.0  # the periodic timer's interval while a budget_clock runs, else 0
_deadline = math.inf  # perf_counter time the running call must finish by


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if not _tick or time.perf_counter() >= _deadline:
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
def budget_clock(shortest_budget_s: float) -> Iterator[None]:
    """One periodic timer for the ``run_with_budget`` calls made inside; a no-op where no
    alarm is available (they then measure after the fact)."""
    global _tick, _deadline
    if _tick or not _alarm_available():  # nested, or not in the main thread
        yield
        return
    tick = min(MAX_TICK_S, max(MIN_TICK_S, shortest_budget_s / 10))
    _tick, _deadline = tick, math.inf
    signal.setitimer(signal.ITIMER_REAL, tick, tick)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _tick, _deadline = 0.0, math.inf


def run_with_budget(seconds: float, call: Callable[[], T]) -> T:
    """``call()``, raising ``BudgetExceeded`` once ``seconds`` have passed. This runs once per
    detector per item: a plain call costs ~1 µs here, a ``with`` context manager ~5 µs."""
    global _deadline
    start = time.perf_counter()
    if _tick:
        _deadline = start + seconds
        try:
            result = call()
        finally:
            _deadline = math.inf
    else:
        use_alarm = _alarm_available()
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            result = call()
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
    if time.perf_counter() - start > seconds:
        raise BudgetExceeded
    return result
