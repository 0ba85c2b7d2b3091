"""The change feed in a process of its own, against a real PostgreSQL.

The window runs its feed this way (desktop/live.py). What must hold: the same
batches arrive as from the thread feed; a feed process that dies is replaced and
the new one misses nothing and judges rows against the same grid layer; and a
feed process never outlives its console, even one that was killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.desktop.feed_process import FeedProcess
from tests.conftest import conninfo
from tests.db.live.feed_harness import FeedHarness
from tests.db.live.test_feed import _grid_point, _insert_ticket

NOW = datetime.now(UTC)
#: A point far outside the demo district (Beijing): a fix there is refused by the layer.
FAR_AWAY = (116.40, 39.90)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=12, random_seed=2, days=1, now=NOW)
    return engine


def _ended(pid: int) -> bool:
    """Gone, or a zombie nobody has reaped yet (it runs no more either way)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}


def _wait(predicate: object, timeout: float = 20.0) -> None:
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.05)


def _a_worker(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT code FROM workers ORDER BY code LIMIT 1")).scalar())


def _fix(db_url: URL, worker: str, lon: float, lat: float) -> int:
    """A fix of ``worker`` at (``lon``, ``lat``), now; its id."""
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO worker_positions (worker_code, lon, lat) VALUES (%s, %s, %s) RETURNING id",
            (worker, lon, lat),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_the_city_and_each_new_row_arrive_from_a_process_of_its_own(
    seeded: Engine, db_url: URL
) -> None:
    grid, lon, lat = _grid_point(seeded)
    with FeedHarness(db_url, process=True) as h:
        h.wait_until(lambda s: s.loaded)
        assert len(h.store.grids) == 12
        assert h.connected().state == "connected"
        pid = h.feed.pid  # type: ignore[union-attr]
        assert pid is not None and pid != os.getpid() and not _ended(pid)
        # What the console reads of the feed comes across with its messages.
        assert h.feed.mode == "listen"
        assert h.feed.first_load_total >= 12
        assert h.feed.catchups >= 1
        with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
            tid = _insert_ticket(conn, grid, lon, lat, description="垃圾满溢")
        h.wait_until(lambda s: tid in s.tickets)
        assert h.store.tickets[tid].description == "垃圾满溢"
    _wait(lambda: _ended(pid))


def test_a_killed_feed_process_is_replaced_and_nothing_is_missed(
    seeded: Engine, db_url: URL
) -> None:
    grid, lon, lat = _grid_point(seeded)
    worker = _a_worker(seeded)
    with FeedHarness(db_url, process=True) as h:
        h.wait_until(lambda s: s.loaded)
        h.connected()
        first = h.feed.pid  # type: ignore[union-attr]
        assert first is not None
        os.kill(first, signal.SIGKILL)
        # Written while no feed process runs: the next one must still deliver it.
        with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
            during = _insert_ticket(conn, grid, lon, lat, description="停电")
        h.wait_until(lambda s: during in s.tickets, timeout=30)
        assert h.feed.pid not in (None, first)  # type: ignore[union-attr]
        assert h.feed.respawns == 1  # type: ignore[union-attr]
        lost = [s for s in h.states if s.state == "reconnecting"]
        assert lost and "exit code -9" in lost[0].detail
        assert h.connected().state == "connected"
        # The new process judges rows against the grid layer its predecessor learned
        # from the first load: a fix 2,000 km from the district is refused, with its
        # reason, and a good one is applied.
        far = _fix(db_url, worker, *FAR_AWAY)
        near = _fix(db_url, worker, lon, lat)
        refused_refs = lambda s: {r.row_ref for r in s.rejections.values()}  # noqa: E731
        h.wait_until(lambda s: str(far) in refused_refs(s))
        h.wait_until(lambda s: (p := s.workers[worker].position) is not None and p.id == near)
        assert not any(r.row_ref == str(near) for r in h.store.rejections.values())


def _handed(h: FeedHarness, worker: str) -> list[int]:
    return [p.id for b in h.history for p in b.positions if p.worker_code == worker]


def test_a_workers_fixes_come_at_the_pace_the_newest_last(seeded: Engine, db_url: URL) -> None:
    """The console is handed one fix of a worker per pace, the newest (db/live/pacing.py)."""
    _, lon, lat = _grid_point(seeded)
    worker = _a_worker(seeded)
    with FeedHarness(db_url, process=True, pace_s=5.0) as h:
        h.wait_until(lambda s: s.loaded)
        h.connected()
        first = _fix(db_url, worker, lon, lat)
        h.wait_until(lambda s: (p := s.workers[worker].position) is not None and p.id == first)
        # Three more at once, each its own transaction (so its own catch-up, mostly):
        # within the first one's pace, so only the newest goes, when the pace is up.
        more = [_fix(db_url, worker, lon + 0.0001 * n, lat) for n in (1, 2, 3)]
        h.wait_until(lambda s: (p := s.workers[worker].position) is not None and p.id == more[-1])
        assert _handed(h, worker)[-2:] == [first, more[-1]]
        assert not set(more[:-1]) & set(_handed(h, worker))


def test_a_fix_waiting_in_a_killed_feed_process_is_read_again_by_the_next(
    seeded: Engine, db_url: URL
) -> None:
    """The watermark a feed process reports stays before the fixes still waiting in it."""
    _, lon, lat = _grid_point(seeded)
    worker = _a_worker(seeded)
    with FeedHarness(db_url, process=True, pace_s=600.0) as h:
        h.wait_until(lambda s: s.loaded)
        h.connected()
        # A phone heard again after a silence goes at once; its next fix waits.
        heard = _fix(db_url, worker, lon, lat)
        h.wait_until(lambda s: (p := s.workers[worker].position) is not None and p.id == heard)
        waiting = _fix(db_url, worker, lon + 0.0001, lat)
        # Two cases after it, each waited for: the second is read by a later catch-up
        # than the fix, and its message brings the console a watermark past the fix's
        # read, were it not held back.
        for source in ("hotline", "wechat"):  # not one report twice (a duplicate)
            ticket = _insert_ticket_now(db_url, seeded, source)
            h.wait_until(lambda s, t=ticket: t in s.tickets)  # type: ignore[misc]
        assert waiting not in _handed(h, worker)  # it waits for the pace of ten minutes
        killed = h.feed.pid  # type: ignore[union-attr]
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        # The successor's pace starts afresh: the fix it reads again goes at once.
        h.wait_until(
            lambda s: (p := s.workers[worker].position) is not None and p.id == waiting,
            timeout=30,
        )
        assert h.feed.respawns == 1  # type: ignore[union-attr]


def _dot(h: FeedHarness, worker: str, since: int = 0) -> list[dict[str, Any]]:
    """``worker``'s dots in the texts the feed's process sent, from the ``since``-th on."""
    return [
        f
        for texts, _ in h.dot_texts[since:]
        for text in texts
        for diff in json.loads(text)
        for f in diff["upsert"]
        if f["id"] == worker
    ]


def _wait_dot(h: FeedHarness, worker: str, lon: float, since: int = 0) -> None:
    _wait(lambda: any(f["lng"] == round(lon, 6) for f in _dot(h, worker, since)))


def test_the_dots_are_built_in_the_feed_process_and_the_store_takes_fixes_slower(
    seeded: Engine, db_url: URL
) -> None:
    """The window's feed process builds the worker dots (maps/worker_dots.py); the
    console's store gets a worker's fixes at its slower pace, the followed worker's at
    the dots' pace."""
    _, lon, lat = _grid_point(seeded)
    worker = _a_worker(seeded)
    with FeedHarness(db_url, process=True, dots=True, pace_s=2.0, store_pace_s=600.0) as h:
        h.wait_until(lambda s: s.loaded)
        h.connected()
        feed = h.feed
        assert isinstance(feed, FeedProcess)
        # Every dot, when asked: the answer carries the request's serial.
        serial = feed.whole("WGS84")
        _wait(lambda: any(n == serial for _, n in h.dot_texts))
        (answer,) = [texts for texts, n in h.dot_texts if n == serial]
        shown = {f["id"] for text in answer for d in json.loads(text) for f in d["upsert"]}
        assert shown == {c for c, s in h.store.workers.items() if s.position is not None}
        # A worker walks: each fix moves the dot within the dots' pace; the store is
        # handed the first (or none: the first load's pace) and then waits.
        for step in range(1, 4):
            at = lon + 0.0002 * step
            _fix(db_url, worker, at, lat)
            _wait_dot(h, worker, at)
        h.drain()
        position = h.store.workers[worker].position
        assert position is not None and position.lon != lon + 0.0006
        # Followed (their track shown), the worker's fixes reach the store at the dots' pace.
        feed.follow(worker)
        time.sleep(0.5)  # the request and a fix travel different ways: let it land first
        followed = _fix(db_url, worker, lon + 0.001, lat)
        h.wait_until(lambda s: (p := s.workers[worker].position) is not None and p.id == followed)


def test_a_successor_feed_process_moves_the_dots_of_the_workers_it_was_given(
    seeded: Engine, db_url: URL
) -> None:
    """Its dots start from the console's workers: it learns no worker from its catch-ups
    (they read only what changed), and a fix of a worker it does not know is skipped."""
    _, lon, lat = _grid_point(seeded)
    worker = _a_worker(seeded)
    with FeedHarness(db_url, process=True, dots=True, pace_s=2.0) as h:
        h.wait_until(lambda s: s.loaded)
        h.connected()
        feed = h.feed
        assert isinstance(feed, FeedProcess)
        killed = feed.pid
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        _wait(lambda: feed.pid not in (None, killed) and feed.is_alive(), timeout=30)
        since = len(h.dot_texts)
        _fix(db_url, worker, lon + 0.0003, lat)
        _wait_dot(h, worker, lon + 0.0003, since)
        assert feed.respawns == 1


def _insert_ticket_now(db_url: URL, engine: Engine, source: str) -> int:
    grid, lon, lat = _grid_point(engine)
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        return _insert_ticket(conn, grid, lon, lat, description="路灯不亮", source=source)


CONSOLE = """
import sys, threading
from sqlalchemy.engine import make_url
from gridcommand.desktop.feed_process import FeedProcess
arrived = threading.Event()
feed = FeedProcess(make_url(sys.argv[1]), lambda batch: arrived.set())
feed.start()
arrived.wait(30)
print(feed.pid, flush=True)
threading.Event().wait()
"""


def test_the_feed_process_ends_with_a_console_that_was_killed(seeded: Engine, db_url: URL) -> None:
    console = subprocess.Popen(
        [sys.executable, "-c", CONSOLE, db_url.render_as_string(hide_password=False)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,  # the feed process writes here too
        text=True,
    )
    try:
        assert console.stdout is not None
        pid = int(console.stdout.readline())
        assert not _ended(pid)
        console.kill()  # no stop, no atexit: only the pipe's end tells the child
        console.wait(10)
        _wait(lambda: _ended(pid))
        assert console.stderr is not None
        assert "Traceback" not in console.stderr.read()  # it ended quietly, not by a crash
    finally:
        if console.poll() is None:
            console.kill()
