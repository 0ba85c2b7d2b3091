"""A live worker's track: the database's last hour when chosen, then each new fix.

The store keeps each worker's latest fix only (``db/live/track.py``); these tests
choose a worker with a real click on their row and read the track off the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import psycopg
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL

from gridcommand.db.live.records import PositionRecord
from gridcommand.db.live.track import TRACK_SPACING, TRACK_WINDOW
from gridcommand.desktop.wiring import WindowSession
from gridcommand.widgets.record_table import RecordRole
from tests.conftest import conninfo
from tests.desktop.conftest import add_fix
from tests.maps.mouse import click, pixel, run_js


def _hour_of_fixes(db_url: URL, code: str, now: datetime) -> list[datetime]:
    """What the track must show: the hour's fixes, one every 20 s at most (the rule
    written out here, not the app's)."""
    with psycopg.connect(conninfo(db_url)) as conn:
        times = [
            r[0]
            for r in conn.execute(
                "SELECT recorded_at FROM worker_positions WHERE worker_code = %s"
                " AND recorded_at > %s AND recorded_at <= %s ORDER BY recorded_at, id",
                (code, now - TRACK_WINDOW, now),
            )
        ]
    kept: list[datetime] = []
    for at in times:
        if not kept or at - kept[-1] >= TRACK_SPACING:
            kept.append(at)
    return kept


def _click_row(session: WindowSession, code: str) -> None:
    """A real click on the worker's row in the workers dock."""
    workers = session.workers
    row = workers.model.row_of(code)
    assert row is not None
    index = workers.proxy.mapFromSource(workers.model.index(row, 1))
    workers.view.scrollTo(index)
    QTest.mouseClick(
        workers.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=workers.view.visualRect(index).center(),
    )


def _track_points(qtbot: QtBot, session: WindowSession) -> object:
    assert session.map is not None
    return run_js(qtbot, session.map, "gridmap.counts().track_points")


def test_a_chosen_worker_shows_the_hour_from_the_database_then_each_new_fix(
    qtbot: QtBot, session: WindowSession, db_url: URL
) -> None:
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    # A worker with no fix in the last quarter hour, then a walk in it, written before
    # the worker is chosen and newest first (as a tablet sends a backlog after its
    # newest fix): the store keeps only the newest, the database has every one.
    now = datetime.now(UTC)
    code, other = [
        c
        for c, s in sorted(session.store.workers.items())
        if s.position is not None and s.position.recorded_at < now - timedelta(minutes=15)
    ][:2]
    newest = add_fix(db_url, code, now - timedelta(minutes=3), 0.0002)
    for n in range(2, 6):
        add_fix(db_url, code, now - timedelta(minutes=3 * n), -0.0002 * n)
    qtbot.waitUntil(
        lambda: (s := session.store.workers[code]).position is not None and s.position.id == newest,
        timeout=20_000,
    )
    expected = _hour_of_fixes(db_url, code, datetime.now(UTC))
    assert len(expected) >= 5

    _click_row(session, code)
    qtbot.waitUntil(lambda: _track_points(qtbot, session) == len(expected), timeout=20_000)

    # A fix that arrives while the worker is chosen joins the track.
    add_fix(db_url, code, datetime.now(UTC), 0.0002)
    qtbot.waitUntil(lambda: _track_points(qtbot, session) == len(expected) + 1, timeout=20_000)

    # Another worker's fix leaves it as it is; choosing nobody clears it.
    moved = add_fix(db_url, other, datetime.now(UTC), 0.0001)
    qtbot.waitUntil(
        lambda: (s := session.store.workers[other]).position is not None and s.position.id == moved,
        timeout=20_000,
    )
    assert _track_points(qtbot, session) == len(expected) + 1
    panel.show_track(None)
    qtbot.waitUntil(lambda: _track_points(qtbot, session) == 0, timeout=20_000)


def test_a_worker_chosen_in_the_dock_is_brought_into_view(
    qtbot: QtBot, session: WindowSession
) -> None:
    """At the district's zoom a worker is a count in a badge and their track a few
    pixels under it: choosing them in the dock zooms the map in to their dot."""
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    code = next(c for c, s in sorted(session.store.workers.items()) if s.position is not None)
    position = session.store.workers[code].position
    assert position is not None
    # The dots reach the page a canvas at a time, within seconds of the load.
    qtbot.waitUntil(
        lambda: run_js(qtbot, panel, f"gridmap.workers.people().has({code!r})") is True,
        timeout=10_000,
    )
    dots_from = run_js(qtbot, panel, "gridmap.workers.DOTS_FROM")
    assert isinstance(dots_from, int)
    # Zoomed out far (the wall's district view): the worker is in no dot.
    run_js(
        qtbot,
        panel,
        f"gridmap.map().setView([{position.lat!r}, {position.lon!r}], 11, {{animate: false}}) && 1",
    )
    qtbot.waitUntil(
        lambda: run_js(qtbot, panel, "gridmap.workers.showing()") == "cells", timeout=5000
    )

    reads: list[str] = []
    read = panel._read_track
    assert read is not None

    def counted(worker: str) -> Sequence[PositionRecord]:
        reads.append(worker)
        return read(worker)

    panel._read_track = counted
    _click_row(session, code)
    in_view = (
        f"gridmap.map().getZoom() >= {dots_from} && gridmap.map().getBounds()"
        f".contains([{position.lat!r}, {position.lon!r}])"
    )
    qtbot.waitUntil(lambda: run_js(qtbot, panel, in_view) is True, timeout=10_000)
    qtbot.waitUntil(
        lambda: run_js(qtbot, panel, "gridmap.workers.showing()") == "dots", timeout=5000
    )
    qtbot.waitUntil(lambda: _track_points(qtbot, session) not in (0, None), timeout=10_000)
    assert reads == [code]  # the dock's choice, read once

    # A real click on the dot now drawn: the map and the dock agree on the worker, and
    # their hour is not read again.
    with qtbot.waitSignal(panel.worker_clicked, timeout=5000) as clicked:
        click(qtbot, panel, pixel(qtbot, panel, position.lat, position.lon))
    assert clicked.args == [code]
    assert session.workers.view.currentIndex().data(RecordRole).record.code == code
    qtbot.wait(500)  # a second read, if one were asked, would land within this
    assert reads == [code]
