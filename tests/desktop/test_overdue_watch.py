"""The at-risk queue and the count on the wall, from the forecast learnt off the GUI thread."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.schema.engine import Database
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.wiring import WindowSession, wire_window
from tests.conftest import conninfo
from tests.desktop.conftest import grid_point
from tests.maps.mouse import run_js


@pytest.fixture
def session(qtbot: QtBot, engine: Engine, db_url: URL, tmp_path: Path) -> Iterator[WindowSession]:
    seed_demo(engine, grids=120, random_seed=8, days=30, now=datetime.now(UTC))
    window = MainWindow(QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat), "test")
    qtbot.addWidget(window)
    running = wire_window(window, Database(url=db_url), poll_interval=0.3, map_probes=True)
    window.show()
    qtbot.waitUntil(lambda: running.store.loaded, timeout=30_000)
    yield running
    running.stop()


def _report(url: URL, grid: str, lon: float, lat: float, minutes_ago: int) -> int:
    """A small matter (12 h limit) reported ``minutes_ago`` and still waiting."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO tickets (source, category_code, grid_code, lon, lat, description,"
            " reporter, reported_at) VALUES ('hotline', '0101', %s, %s, %s, '井盖没了',"
            " 'caller', now() - make_interval(mins => %s)) RETURNING id",
            (grid, lon, lat, minutes_ago),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_cases_about_to_go_red_are_queued_and_counted(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    soon = _report(db_url, grid, lon, lat, 12 * 60 - 30)  # deadline in half an hour
    later = _report(db_url, grid, lon, lat, 8 * 60)  # deadline in four hours
    qtbot.waitUntil(
        lambda: soon in session.store.tickets and later in session.store.tickets, timeout=10_000
    )
    qtbot.waitUntil(lambda: session.overdue.model is not None, timeout=60_000)
    session.overdue.score()
    risks = session.overdue.risks
    assert soon in risks and later not in risks
    now = datetime.now(UTC)
    for ticket_id, risk in risks.items():
        assert 0.5 <= risk <= 1
        assert now < session.store.tickets[ticket_id].deadline <= now + timedelta(hours=1)
    assert set(session.queues.visible_ids("at_risk")) == set(risks)
    # The map rings the same cases (the located ones), wired from the start.
    located = [i for i in risks if session.store.tickets[i].lon is not None]
    assert soon in located
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(
        lambda: run_js(qtbot, panel, "gridmap.counts().at_risk") == len(located), timeout=10_000
    )
    assert session.window.at_risk_text().endswith(f"：{len(risks)}") or (
        session.window.at_risk_text().endswith(f": {len(risks)}")
    )
