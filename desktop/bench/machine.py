"""The machine a benchmark ran on: figures mean nothing without it."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def load_average() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return -1.0


def describe_machine(postgres_version: str, load_before: float) -> dict[str, Any]:
    import PySide6
    from PySide6.QtCore import qVersion
    from PySide6.QtWebEngineCore import qWebEngineChromiumVersion, qWebEngineVersion

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "qt": qVersion(),
        "pyside6": PySide6.__version__,
        "qtwebengine": qWebEngineVersion(),
        "chromium": qWebEngineChromiumVersion(),
        "postgresql": postgres_version,
        "load_before": load_before,
        "load_after": load_average(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def code_version() -> str:
    """A short hash of the application's own files (not docs or tests), to tell code apart.

    Two bench runs compare only when this is the same: a commit of the reports between
    them does not change it, an edit to the code does.
    """
    import hashlib

    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha1(usedforsecurity=False)
    for package in ("db", "desktop", "maps", "widgets", "resources"):
        files = sorted(p for p in (root / package).rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


#: How long ``bench --runs N`` waits between runs for the machine to be quiet again.
QUIET_WAIT_S = 300.0


def wait_until_quiet(most_s: float, say: Callable[[str], None]) -> float:
    """Wait until the 1-minute load average is quiet, or ``most_s``; the load then.

    A run leaves the load high for a minute or two (its server, its simulator, its
    window); the next run's "load before" would otherwise be this run's tail.
    """
    from gridcommand.desktop.bench.history import QUIET_LOAD_PER_CORE

    quiet = QUIET_LOAD_PER_CORE * (os.cpu_count() or 1)
    deadline = time.monotonic() + most_s
    load = load_average()
    if load > quiet:
        say(f"bench: waiting for the load average ({load:g}) to fall to {quiet:g}…")
    while load > quiet and time.monotonic() < deadline:
        time.sleep(5)
        load = load_average()
    if load > quiet:
        say(f"bench: the load is still {load:g} after {most_s:.0f} s; measuring anyway")
    return load
