"""Where the GUI thread's time goes while the city is live, for the report.

Run after the measurements, in a phase of its own, because a profiler slows the
Python it watches: the figures above it are taken without one.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from dataclasses import dataclass, field
from pathlib import Path

from gridcommand.db.live.store import COLLECTIONS, StoreChanges
from gridcommand.desktop.bench.pump import pump_for
from gridcommand.desktop.wiring import WindowSession

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
TOP = 12


@dataclass
class Profile:
    wall_s: float = 0.0
    flushes: int = 0
    changed: dict[str, int] = field(default_factory=dict)
    #: (``module:function``, seconds inside it and what it called, calls)
    hot: list[tuple[str, float, int]] = field(default_factory=list)


def profile_live(session: WindowSession, seconds: float) -> Profile:
    result = Profile()

    def count(changes: StoreChanges) -> None:  # on the live thread
        result.flushes += 1
        for name in COLLECTIONS:
            c = getattr(changes, name)
            n = len(c.added) + len(c.changed) + len(c.removed)
            result.changed[name] = result.changed.get(name, 0) + n

    unsubscribe = session.store.subscribe(count)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        pump_for(seconds)
    finally:
        profiler.disable()
        unsubscribe()
    result.wall_s = time.perf_counter() - started
    result.hot = hottest(pstats.Stats(profiler))
    return result


def hottest(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    """Our own functions (not the benchmark's) by cumulative time."""
    rows = []
    table = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, name), (_cc, calls, _tt, cumulative, _callers) in table.items():
        path = Path(filename)
        if PACKAGE_ROOT not in path.parents or "bench" in path.parts:
            continue
        label = f"{path.parent.name}/{path.stem}.{name}"
        rows.append((label, round(cumulative, 2), int(calls)))
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows[:TOP]
