"""SIGTERM and Ctrl+C close a real ``gridcommand app`` cleanly: layout saved, no server left.

Each test runs the installed command as a user would, in its own data directory
(its own embedded PostgreSQL) and its own settings directory, on the offscreen
platform, and signals it once the window is open.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

STARTUP_S = 120


def _postgres_pids(data_dir: Path) -> list[int]:
    """Running ``postgres`` processes serving ``data_dir`` (their command line names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm == "postgres" and str(data_dir) in cmdline:
            found.append(int(entry.name))
    return found


def _start(home: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GRIDCOMMAND_DATA_DIR": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
    }
    command = [sys.executable, "-m", "gridcommand.desktop", "app", "--lang", "en"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + STARTUP_S
    while b"window open" not in log.read_bytes():
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, "the window did not open"
        time.sleep(0.5)
    time.sleep(1.0)  # the event loop is running
    return process


def _settings_file(home: Path) -> Path:
    return home / "config" / "gridcommand" / "gridcommand.conf"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("exit").resolve()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_saves_the_layout_and_stops_the_server(home: Path, signum: signal.Signals) -> None:
    settings = _settings_file(home)
    settings.unlink(missing_ok=True)
    log = home / f"{signum.name}.log"
    process = _start(home, log)
    data = home / "data" / "pgdata"
    assert _postgres_pids(data), "the embedded server should be running"
    process.send_signal(signum)
    assert process.wait(timeout=60) == 0
    stderr = log.read_text(errors="replace")
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert f"{signum.name} received" in stderr
    assert "layout" in settings.read_text(errors="replace")
    assert "window" in settings.read_text(errors="replace")
    deadline = time.monotonic() + 20
    while _postgres_pids(data) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _postgres_pids(data) == []


def test_a_server_left_by_a_crashed_run_is_reused_then_stopped(home: Path) -> None:
    data = home / "data" / "pgdata"
    crashed = _start(home, home / "crash.log")
    crashed.kill()  # SIGKILL: no handler, no cleanup; the server stays with a dead pid
    crashed.wait(timeout=30)
    left = _postgres_pids(data)
    assert left, "a killed run leaves its server running"
    assert crashed.pid in json.loads((data / ".handle_pids.json").read_text())

    log = home / "after-crash.log"
    process = _start(home, log)
    assert "reusing it" in log.read_text()
    assert set(_postgres_pids(data)) & set(left), "the running server was reused"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    deadline = time.monotonic() + 20
    while _postgres_pids(data) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _postgres_pids(data) == []
