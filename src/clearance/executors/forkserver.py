"""Worker processes that start without importing clearance, pyarrow and numpy again.

Spawned workers (the previous start method) are fresh interpreters: each imported the readers,
pyarrow, numpy and fsspec again, 0.35-0.55 CPU-s per worker, which made ``--workers 2`` slower
than ``--workers 1`` on a 200 MB scan. Forking the scanning process itself would import nothing,
but is not safe here: when the pool starts the parent runs other threads (Rich's refresh thread,
the progress drainer, pyarrow's pools, whatever a library caller runs), and a fork copies their
locks in whatever state they are in; a child that then takes one (stdout's, logging's) hangs.
That is why Python 3.14 made ``forkserver`` the default on Linux.

A forkserver is one fresh interpreter per scanning process, started on first use: it imports
the worker's modules (and the chosen detectors') once, then forks one worker per request. It
runs no Python thread (its only other threads are native ones of OpenBLAS and jemalloc, which
register fork handlers), so a fork from it is safe, and each worker starts with the imports done.

What a worker does not get from the server as a spawned one got from the parent is the
environment as it is now (the server keeps the one it started with): ``worker_environment``
sends it. The working directory and ``sys.path`` travel with every request already.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Iterable, Mapping
from multiprocessing.context import BaseContext
from types import FunctionType

#: the module a worker runs (it imports the batch function, the readers and the run store)
WORKER_MODULE = "clearance.executors.local"


def worker_context(modules: Iterable[str] = ()) -> BaseContext:
    """The context pools start workers with; a forkserver preloading the worker module,
    ``modules`` and those the main script's functions come from. The preload list only applies
    when the server starts (the first pool of this process); later workers import what it lacks.
    """
    if "forkserver" not in mp.get_all_start_methods():  # Windows: no fork at all
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    preload = ["__main__", WORKER_MODULE, *modules, *main_script_modules()]
    context.set_forkserver_preload(list(dict.fromkeys(preload)))
    return context


def main_script_modules() -> list[str]:
    """The modules of the functions and classes the main script holds.

    Every worker runs the main script again (as ``__mp_main__``, so that what it defines
    unpickles); a console script such as ``clearance`` imports the whole CLI that way. Python
    3.11's forkserver drops the script's path it should preload (``__main__`` in the preload
    list does nothing there), so the modules that script pulls in are preloaded by name instead.
    None when no worker runs the main again: an interactive session or a notebook (no file) and
    ``python -m package`` (its ``__main__`` is skipped).
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__file__", None) is None:
        return []
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None and (name == "__main__" or name.endswith(".__main__")):
        return []
    found = {
        value.__module__ for value in vars(main).values() if isinstance(value, FunctionType | type)
    }
    return sorted(name for name in found if name not in ("__main__", "builtins"))


def worker_environment() -> dict[str, str]:
    """The environment to hand a worker (``CLEARANCE_CACHE_DIR`` and the like are read there)."""
    return dict(os.environ)


def adopt_environment(environment: Mapping[str, str]) -> None:
    """In a worker: take the parent's environment in place of the server's."""
    if os.environ != environment:
        os.environ.clear()
        os.environ.update(environment)
