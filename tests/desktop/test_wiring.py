"""The whole window against a real database: data flows in, alarms sound, the GUI never waits."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.desktop.gil_policy import SWITCH_INTERVAL_S
from gridcommand.desktop.wiring import WindowSession
from tests.conftest import conninfo
from tests.desktop.conftest import add_fix, grid_point, insert_ticket
from tests.maps.conftest import counts
from tests.maps.mouse import run_js


def test_the_window_fills_from_the_database(qtbot: QtBot, session: WindowSession) -> None:
    # Worker threads let the GUI thread's paints in after 1 ms, not 5 (desktop/gil_policy).
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S)
    qtbot.waitUntil(lambda: len(session.queues.tickets) > 0, timeout=10_000)
    open_tickets = sum(1 for _ in session.store.open_tickets())
    assert len(session.queues.tickets) == len(session.store.tickets) >= open_tickets > 0
    assert session.workers.model.rowCount() == sum(
        1 for s in session.store.workers.values() if s.record.active
    )
    assert "Live" in session.window.connection_text()
    session.refresh_charts()  # counted off the GUI thread; the charts follow shortly

    def charted() -> bool:
        f = session.charts.figures
        return f is not None and f.on_time + f.due_soon + f.overdue == open_tickets

    qtbot.waitUntil(charted, timeout=5000)


def test_an_emergency_sounds_and_flashes_until_acknowledged(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 1, emergency=True)
    qtbot.waitUntil(lambda: tid in session.alarm.pending, timeout=10_000)
    assert tid in session.queues.unacknowledged
    assert tid in session.queues.tickets
    # Another console acknowledges it: the trace row reaches this one and the alarm stops.
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO ticket_actions (ticket_id, action, actor, actor_role, note)"
            " VALUES (%s, 'acknowledge', 'duty2', 'dispatcher', '')",
            (tid,),
        )
    qtbot.waitUntil(lambda: tid not in session.alarm.pending, timeout=10_000)
    assert tid not in session.queues.unacknowledged


def test_selecting_a_ticket_loads_its_detail_off_the_gui_thread(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 2)
    qtbot.waitUntil(lambda: tid in session.queues.tickets, timeout=10_000)
    assert session.queues.select_ticket(tid)
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)


def test_the_gui_thread_never_touches_the_database_while_the_feed_works_under_load(
    qtbot: QtBot,
    session: WindowSession,
    engine: Engine,
    db_url: URL,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Thousands of rows arrive; every connect and query of the window runs off the GUI thread.

    How long the GUI thread may stall is measured by ``gridcommand bench``
    (``gui_max_stall_steady_ms``), not asserted here: a busy test machine would make a
    timed assertion flaky. What must hold on any machine is that the GUI thread never
    waits on the database, so it is never the thread that connects or executes.
    """
    grid, lon, lat = grid_point(engine)
    gui = threading.current_thread()
    on_gui: list[str] = []
    original_execute: Any = psycopg.Cursor.execute
    original_connect: Any = psycopg.connect

    def execute(self: psycopg.Cursor, query: object, *args: object, **kwargs: object) -> object:
        if threading.current_thread() is gui:
            on_gui.append(str(query)[:80])
        return original_execute(self, query, *args, **kwargs)

    def connect(*args: object, **kwargs: object) -> object:
        if threading.current_thread() is gui:
            on_gui.append("connect")
        return original_connect(*args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    monkeypatch.setattr(psycopg, "connect", connect)  # what SQLAlchemy's dialect calls

    done = threading.Event()
    written: list[int] = []

    def writer() -> None:
        with psycopg.connect(conninfo(db_url)) as conn:
            for burst in range(20):
                with conn.transaction():
                    for i in range(100):
                        row = conn.execute(
                            "INSERT INTO tickets (source, category_code, grid_code, lon, lat,"
                            " description, reporter) VALUES ('patrol', '0201', %s, %s, %s,"
                            " '路灯不亮', %s) RETURNING id",
                            (grid, lon + i * 1e-5, lat + burst * 1e-5, f"load-{burst}-{i}"),
                        ).fetchone()
                        assert row is not None
                        written.append(int(row[0]))
                time.sleep(0.05)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    qtbot.waitUntil(done.is_set, timeout=60_000)
    qtbot.waitUntil(lambda: all(t in session.queues.tickets for t in written), timeout=30_000)
    # The officer opens one of them meanwhile: its detail is read off the GUI thread too.
    session.show_detail(written[-1])
    qtbot.waitUntil(lambda: session.detail.ticket_id == written[-1], timeout=10_000)
    thread.join()
    assert len(written) == 2000
    assert on_gui == [], f"the GUI thread waited on the database: {on_gui[:5]}"


def test_a_citizen_report_shows_the_grid_its_point_lies_in(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, None, lon, lat, 9)  # type: ignore[arg-type]  # no grid named
    qtbot.waitUntil(lambda: tid in session.queues.tickets, timeout=10_000)
    session.show_detail(tid)
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)
    assert session.detail.detail is not None
    assert session.store.grids[grid].name in session.detail.detail.grid_name


def test_the_map_gets_its_diff_as_text_built_on_the_live_thread(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    sent: list[tuple[str, bool]] = []
    panel.bridge.diffs_sent.connect(
        lambda text: sent.append((text, threading.current_thread() is threading.main_thread()))
    )
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 2)
    qtbot.waitUntil(lambda: any(f'"id":{tid}' in text for text, _ in sent), timeout=10_000)
    # Built where the store is applied, never on the GUI thread; sent from the GUI thread.
    assert panel.diffs.built_on.startswith("gridcommand-live")
    assert all(on_gui for _, on_gui in sent)
    assert tid in session.store.tickets


def test_a_workers_dot_moves_on_the_page_built_in_the_feeds_process(
    qtbot: QtBot, session: WindowSession, db_url: URL
) -> None:
    """A fix written by a tablet moves the worker's dot; the console's process builds no
    dot (desktop/feed_serve.py builds them beside the feed) and only passes the text."""
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    code, state = next((c, s) for c, s in sorted(session.store.workers.items()) if s.position)
    assert state.position is not None
    qtbot.waitUntil(lambda: run_js(qtbot, panel, f"gridmap.worker({code!r})") is not None)
    add_fix(db_url, code, datetime.now(UTC), 0.0004)
    moved_to = round(state.position.lon + 0.0004, 6)

    def drawn_at() -> object:
        dot = run_js(qtbot, panel, f"gridmap.worker({code!r})")
        return dot["props"]["lng"] if isinstance(dot, dict) else None

    qtbot.waitUntil(lambda: drawn_at() == moved_to, timeout=20_000)
    assert not panel.diffs.builder.workers
    assert len(panel.diffs.held) == 0


def test_the_map_s_outlines_are_computed_in_a_process_of_their_own(
    qtbot: QtBot, session: WindowSession
) -> None:
    """A city's union of grids and label spots is a minute of Python at 50,000 grids:
    computed in the window's process it took the interpreter from the GUI thread."""
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    qtbot.waitUntil(lambda: counts(qtbot, panel)["outlines"] > 0, timeout=30_000)
    assert panel.outlines_built_in is not None
    assert panel.outlines_built_in != os.getpid()
    # The child answered and ended: nothing is left running for the next run.
    children = [c.name for c in multiprocessing.active_children()]
    assert "gridcommand-outlines" not in children


def test_the_workers_summary_shows_the_counts_the_store_keeps(
    qtbot: QtBot, session: WindowSession
) -> None:
    counts = session.store.worker_counts()
    assert sum(counts.values()) == sum(1 for s in session.store.workers.values() if s.record.active)
    expected = (
        session.workers.tr("● %1 online   ◐ %2 stale   ○ %3 offline")
        .replace("%1", str(counts["online"]))
        .replace("%2", str(counts["stale"]))
        .replace("%3", str(counts["offline"]))
    )
    qtbot.waitUntil(lambda: session.workers.summary.text() == expected, timeout=10_000)
