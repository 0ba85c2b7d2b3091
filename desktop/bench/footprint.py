"""What the window costs the machine: CPU of the main process while idle, RSS with its web engine.

Read from ``/proc`` (Linux, where the bench runs); elsewhere the figures are 0.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from gridcommand.desktop.bench.pump import pump_for

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def idle_cpu_percent(seconds: float) -> float:
    """The main process's CPU (all its threads) over ``seconds`` of a live, idle window.

    The event loop runs meanwhile (the feed, the live thread and the map keep up with
    the simulator); nothing is asked of the window. 100 = one core.
    """
    cpu, wall = time.process_time(), time.perf_counter()
    pump_for(seconds)
    return 100 * (time.process_time() - cpu) / max(time.perf_counter() - wall, 1e-9)


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of the app and its QtWebEngine processes (its descendants), MiB."""
    root = pid or os.getpid()
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
    total, todo = 0, [root]
    while todo:
        pid_ = todo.pop()
        todo.extend(children.get(pid_, ()))
        if pid_ != root and "QtWebEngineProcess" not in names.get(pid_, ""):
            continue  # the simulator and the database server are not the app
        try:
            total += int((Path("/proc") / str(pid_) / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * PAGE_SIZE / 2**20
