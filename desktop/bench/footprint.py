"""What the window costs the machine: CPU while idle, and the app's resident memory.

Read from ``/proc`` (Linux, where the bench runs); elsewhere the figures are 0.

The app is the main process and every process it started for itself: the change
feed's process, the worker processes that compute outlines and learn, and the
QtWebEngine processes. The field simulator and the database server are not the
app (the bench starts them, and a console on a shared server has neither).
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection
from pathlib import Path

from gridcommand.desktop.bench.pump import pump_for

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: Programs that are never the app, wherever they sit in the tree (the embedded server).
NOT_THE_APP = ("postgres", "pg_ctl")


def idle_cpu_percent(seconds: float, others: Collection[int] = ()) -> tuple[float, float]:
    """The main process's CPU (all its threads) over ``seconds`` of a live, idle window,
    and that of ``others`` (the app's other processes) over the same seconds.

    The event loop runs meanwhile (the feed, the live thread and the map keep up with
    the simulator); nothing is asked of the window. 100 = one core.
    """
    cpu, others_cpu, wall = time.process_time(), cpu_seconds(others), time.perf_counter()
    pump_for(seconds)
    wall = max(time.perf_counter() - wall, 1e-9)
    return 100 * (time.process_time() - cpu) / wall, 100 * (cpu_seconds(others) - others_cpu) / wall


def app_pids(root: int | None = None, exclude: Collection[int] = ()) -> list[int]:
    """The app's processes: ``root`` (this one) and its descendants, without the
    processes in ``exclude`` (with theirs) and without the database server."""
    root = root or os.getpid()
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            names[int(entry.name)] = (entry / "cmdline").read_bytes().split(b"\0")[0].decode()
        except (OSError, IndexError, UnicodeDecodeError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        program = os.path.basename(names.get(pid, ""))
        if pid in exclude or program.startswith(NOT_THE_APP):
            continue
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def rss_mb(root: int | None = None, exclude: Collection[int] = ()) -> float:
    """Resident memory of the app's processes (see ``app_pids``), MiB."""
    total = 0
    for pid in app_pids(root, exclude):
        try:
            total += int((Path("/proc") / str(pid) / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # it ended meanwhile
    return total * PAGE_SIZE / 2**20


def cpu_seconds(pids: Collection[int]) -> float:
    """User and system CPU time used so far by ``pids`` (those still running)."""
    total = 0
    for pid in pids:
        try:
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / CLOCK_TICKS
