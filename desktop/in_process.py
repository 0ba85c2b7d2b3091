"""Heavy pure-Python work in a process of its own, so it never holds the GUI's lock.

Every thread of the console shares one interpreter lock: learning the category model
and the overdue forecast from a city's history is tens of seconds of Python, and run
on a thread it slowed every other thread, the GUI thread with them (measured at
10,000 grids: about 40 s of lock held over the first load). Here the work runs in a
fresh interpreter (``spawn``: forking a process that runs Qt and threads is unsafe),
the calling thread waits on a pipe without the lock, and only the result comes back.

The child is a daemon: it ends with the console, and a stop never waits for it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
#: How much lower the child's CPU priority is than the console's (on a command centre's
#: two cores the live map, the database and the web engine share them with it).
NICENESS = 10


def run_in_process(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a child process; ``fn`` and ``args`` must pickle (top-level).

    Raises ``RuntimeError`` with the child's own error, or with its exit code when it
    ended without an answer (killed, out of memory).
    """
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_serve, args=(send, fn, args), daemon=True, name="gridcommand-learn"
    )
    child.start()
    send.close()  # the child holds the only sending end: its death ends our wait
    try:
        ok, value = receive.recv()
    except EOFError:
        child.join()
        raise RuntimeError(
            f"the worker process ended without an answer (exit code {child.exitcode})"
        ) from None
    finally:
        receive.close()
    child.join()
    if not ok:
        raise RuntimeError(str(value))
    return value


def _serve(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    if hasattr(os, "nice"):  # background work: the console's own threads come first
        os.nice(NICENESS)
    try:
        answer: tuple[bool, Any] = (True, fn(*args))
    except Exception as exc:  # sent back and raised in the parent, not lost
        answer = (False, f"{type(exc).__name__}: {exc}")
    send.send(answer)
    send.close()


__all__ = ["run_in_process"]
