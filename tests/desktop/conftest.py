"""A running window against a real, seeded database, for the desktop tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.schema.engine import Database
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.wiring import WindowSession, wire_window
from gridcommand.maps.tiles import register_scheme
from tests.conftest import conninfo

# The map page's own scheme and the tiles' must be declared before pytest-qt makes the app.
register_scheme()

NOW = datetime.now(UTC)


@pytest.fixture
def session(qtbot: QtBot, engine: Engine, db_url: URL, tmp_path: Path) -> Iterator[WindowSession]:
    """The whole window, map included, live on a seeded district of 12 grids."""
    seed_demo(engine, grids=12, random_seed=3, days=2, now=NOW)
    window = MainWindow(QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat), "test")
    qtbot.addWidget(window)
    running = wire_window(
        window,
        Database(url=db_url),
        poll_interval=0.3,
        operator_login="duty1",
        operator_role="supervisor",
        map_probes=True,  # the tests ask the page where an item is drawn, then click there
    )
    window.show()
    qtbot.waitUntil(lambda: running.store.loaded, timeout=20_000)
    yield running
    running.stop()


def grid_point(engine: Engine) -> tuple[str, float, float]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT grid_code, lon, lat FROM tickets WHERE grid_code IS NOT NULL LIMIT 1")
        ).one()
    return row.grid_code, row.lon, row.lat


def insert_ticket(
    url: URL, grid: str, lon: float, lat: float, n: int, emergency: bool = False
) -> int:
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO tickets (source, category_code, grid_code, lon, lat, description,"
            " reporter, is_emergency) VALUES ('hotline', '0201', %s, %s, %s, %s, %s, %s)"
            " RETURNING id",
            (grid, lon, lat, f"燃气泄漏 {n}", f"caller-{n}", emergency),
        ).fetchone()
    assert row is not None
    return int(row[0])


def add_fix(db_url: URL, code: str, at: datetime, east: float) -> int:
    """A fix of ``code`` at ``at``, ``east`` degrees east of their newest one; its id."""
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO worker_positions (worker_code, lon, lat, recorded_at, accuracy_m,"
            " source) SELECT %s, lon + %s, lat, %s, 5, 'pad' FROM worker_positions"
            " WHERE worker_code = %s ORDER BY recorded_at DESC LIMIT 1 RETURNING id",
            (code, east, at, code),
        ).fetchone()
    assert row is not None
    return int(row[0])


def register_behind_the_console(db_url: URL, ticket_id: int, actor: str) -> None:
    """Another dispatcher registers the ticket, as an UPDATE this console has not seen."""
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        conn.execute("SELECT set_config('gridcommand.actor', %s, false)", (actor,))
        conn.execute("SELECT set_config('gridcommand.actor_role', 'dispatcher', false)")
        conn.execute(
            "UPDATE tickets SET status = 'registered', registered_at = now() WHERE id = %s",
            (ticket_id,),
        )
