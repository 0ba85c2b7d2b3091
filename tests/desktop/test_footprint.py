"""The bench's footprint counts the app's own processes and leaves the simulator out.

Real processes: a child that holds memory (as the feed's process does) is counted, a
child named as the simulator is not, and neither are the children of that one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from gridcommand.desktop.bench.footprint import app_pids, cpu_seconds, rss_mb

HOLD_MB = 64
#: A child that touches ``HOLD_MB`` of memory, says so, and then sleeps.
HOLDER = (
    f"import sys, time; b = bytearray({HOLD_MB} * 2**20); b[::4096] = b'x' * len(b[::4096]);"
    " print('ready', flush=True); time.sleep(600)"
)
#: A child that burns CPU for a while, then sleeps.
SPINNER = (
    "import time; end = time.process_time() + 0.5\n"
    "while time.process_time() < end: pass\n"
    "print('ready', flush=True); time.sleep(600)"
)


def _start(code: str) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for child in started:
        child.kill()
        child.wait()


def test_the_apps_own_processes_are_counted_and_the_simulators_not(
    children: list[subprocess.Popen[str]],
) -> None:
    feed = _start(HOLDER)
    simulator = _start(HOLDER)
    children += [feed, simulator]

    pids = app_pids(exclude=[simulator.pid])
    assert feed.pid in pids
    assert simulator.pid not in pids

    with_feed = rss_mb(exclude=[simulator.pid])
    without_feed = rss_mb(exclude=[simulator.pid, feed.pid])
    assert with_feed - without_feed >= HOLD_MB * 0.9
    # The simulator's memory is not the app's.
    assert rss_mb() - with_feed >= HOLD_MB * 0.9


def test_a_childs_cpu_time_is_read_from_proc(children: list[subprocess.Popen[str]]) -> None:
    spinner = _start(SPINNER)
    children.append(spinner)
    used = cpu_seconds([spinner.pid])
    assert used >= 0.4  # it spun for 0.5 s of CPU time before it said so
    time.sleep(0.2)
    assert cpu_seconds([spinner.pid]) - used < 0.1  # and sleeps since
    assert cpu_seconds([]) == 0
