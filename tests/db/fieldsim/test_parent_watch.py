"""A demo's simulator does not outlive the demo that started it."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def _running(pid: int) -> bool:
    """Alive and not a zombie (an adopted child that exited may wait to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def test_the_simulator_stops_when_its_parent_is_gone(seeded: str) -> None:
    # The parent starts the simulator and exits at once, as a crashed window would.
    parent = (
        "import os, subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-m', 'gridcommand.desktop', '--db', sys.argv[1],"
        " 'simulate', '--parent-pid', str(os.getpid()), '--tickets-per-minute', '0'],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(p.pid, flush=True)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", parent, seeded],
        capture_output=True,
        text=True,
        timeout=30,
        env=os.environ.copy(),
    )
    child = int(out.stdout.split()[0])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not _running(child):
            return
        time.sleep(0.2)
    os.kill(child, 9)
    raise AssertionError("the orphaned simulator was still running after 20 s")
