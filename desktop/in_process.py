"""Heavy pure-Python work in a process of its own, so it never holds the GUI's lock.

Every thread of the console shares one interpreter lock: learning the category model
and the overdue forecast from a city's history is tens of seconds of Python, and run
on a thread it slowed every other thread, the GUI thread with them (measured at
10,000 grids: about 40 s of lock held over the first load). Here the work runs in a
fresh interpreter (``spawn``: forking a process that runs Qt and threads is unsafe),
the calling thread waits on a pipe without the lock, and only the result comes back.

The child is a daemon: it ends with the console, and a stop never waits for it
(``end_children``, when the window closes, ends those still working).

Arguments and answers cross the pipe in slices: a list longer than ``SLICE`` items
(a city's grids, say) is sent a slice at a time, because pickling runs in C and
holds the interpreter lock for the whole call. Pickling 10,000 grids at once held
it for 85 ms; slice by slice the GUI thread gets in between.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
#: How much lower the child's CPU priority is than the console's (on a command centre's
#: two cores the live map, the database and the web engine share them with it).
NICENESS = 10
#: Items of a list pickled in one call, each way.
SLICE = 500
_running: set[multiprocessing.process.BaseProcess] = set()
_lock = threading.Lock()


def run_in_process(
    fn: Callable[..., T], *args: Any, niceness: int = NICENESS, name: str = "gridcommand-learn"
) -> T:
    """``fn(*args)`` in a child process; ``fn`` and ``args`` must pickle (top-level).

    Raises ``RuntimeError`` with the child's own error, or with its exit code when it
    ended without an answer (killed, out of memory).
    """
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(
        target=_serve, args=(theirs, fn, len(args), niceness), daemon=True, name=name
    )
    child.start()
    theirs.close()  # the child holds the only other end: its death ends our wait
    with _lock:
        _running.add(child)
    try:
        for arg in args:
            _send(ours, arg)
        ok = ours.recv()
        value = _receive(ours)
    except (EOFError, OSError):  # the pipe closed, reset or broken: the child is gone
        child.join()
        raise RuntimeError(
            f"the worker process ended without an answer (exit code {child.exitcode})"
        ) from None
    finally:
        ours.close()
        with _lock:
            _running.discard(child)
    child.join()
    if not ok:
        raise RuntimeError(str(value))
    return value


def end_children() -> int:
    """End the children still working (the window is closing; nobody wants their answer).

    Their callers' waits end with a ``RuntimeError``, so no thread holds the exit up
    while a child finishes a minute's work. Returns how many were ended.
    """
    with _lock:
        children = list(_running)
    for child in children:
        child.terminate()
    return len(children)


def _serve(pipe: Connection, fn: Callable[..., Any], count: int, niceness: int) -> None:
    if niceness and hasattr(os, "nice"):  # background work: the console's threads first
        os.nice(niceness)
    args = [_receive(pipe) for _ in range(count)]
    try:
        ok, value = True, fn(*args)
    except Exception as exc:  # sent back and raised in the parent, not lost
        ok, value = False, f"{type(exc).__name__}: {exc}"
    pipe.send(ok)
    _send(pipe, value)
    pipe.close()


def _send(pipe: Connection, value: Any) -> None:
    """A value whole, or a long list (also one inside a tuple) a slice at a time."""
    if isinstance(value, tuple) and any(_long(v) for v in value):
        pipe.send(("tuple", len(value)))
        for item in value:
            _send(pipe, item)
    elif _long(value):
        pipe.send(("list", len(value)))
        for start in range(0, len(value), SLICE):
            pipe.send(value[start : start + SLICE])
    else:
        pipe.send(("whole", value))


def _receive(pipe: Connection) -> Any:
    kind, value = pipe.recv()
    if kind == "tuple":
        return tuple(_receive(pipe) for _ in range(value))
    if kind == "list":
        items: list[Any] = []
        while len(items) < value:
            items += pipe.recv()
        return items
    return value


def _long(value: Any) -> bool:
    return type(value) is list and len(value) > SLICE


__all__ = ["end_children", "run_in_process"]
