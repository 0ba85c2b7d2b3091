"""The suggested category in the ticket detail, taken with K then 1, and its trace."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.schema.engine import Database
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.wiring import WindowSession, wire_window
from tests.conftest import conninfo
from tests.desktop.conftest import grid_point

OTHER = "0248"  # 其他城市管理问题: the vague item a hotline report often arrives under


@pytest.fixture
def session(qtbot: QtBot, engine: Engine, db_url: URL, tmp_path: Path) -> Iterator[WindowSession]:
    """A district with a month of closed cases to learn from; no map (not under test)."""
    seed_demo(engine, grids=120, random_seed=4, days=30, now=datetime.now(UTC))
    window = MainWindow(QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat), "test")
    qtbot.addWidget(window)
    running = wire_window(
        window,
        Database(url=db_url),
        poll_interval=0.3,
        with_map=False,
        operator_login="duty1",
        operator_role="dispatcher",
    )
    window.show()
    qtbot.waitUntil(lambda: running.store.loaded, timeout=30_000)
    yield running
    running.stop()


def test_a_suggested_category_is_taken_with_k_and_its_number_and_traced(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO tickets (source, category_code, grid_code, lon, lat, description,"
            " reporter) VALUES ('hotline', %s, %s, %s, %s, %s, 'caller') RETURNING id",
            (OTHER, grid, lon, lat, "市民来电反映东环路12号附近路灯坏了，晚上一片漆黑"),
        ).fetchone()
    assert row is not None
    tid = int(row[0])
    qtbot.waitUntil(lambda: tid in session.store.tickets, timeout=10_000)
    qtbot.waitUntil(lambda: session.categories.suggester is not None, timeout=60_000)
    session.actions.choose(tid)
    session.show_detail(tid)
    qtbot.waitUntil(lambda: len(session.detail.suggested) == 3, timeout=10_000)
    with engine.connect() as conn:
        lamp = conn.execute(
            text("SELECT code FROM categories WHERE name = '路灯不亮'")
        ).scalar_one()
    codes = [code for code, _, _ in session.detail.suggested]
    assert lamp in codes  # among the three the officer is offered
    n = codes.index(lamp)
    assert "路灯不亮" in session.detail.suggestion_buttons[n].text()
    assert session.detail.suggestion_buttons[n].isEnabled()

    session.window.activateWindow()
    QTest.keyClick(session.window, "K")  # type: ignore[call-overload]
    QTest.keyClick(session.window, str(n + 1))  # type: ignore[call-overload]
    qtbot.waitUntil(lambda: session.store.tickets[tid].category_code == lamp, timeout=10_000)
    with engine.connect() as conn:
        trace = conn.execute(
            text(
                "SELECT action, actor, note FROM ticket_actions WHERE ticket_id = :t"
                " ORDER BY id DESC LIMIT 1"
            ),
            {"t": tid},
        ).one()
    assert trace.action == "recategorize" and "duty1" in trace.actor
    assert trace.note.endswith(f"→ 路灯不亮 ({lamp})")
    # The detail follows: the taken item is marked and can no longer be taken again.
    qtbot.waitUntil(lambda: "✓" in session.detail.suggestion_buttons[n].text(), timeout=10_000)
    assert not session.detail.suggestion_buttons[n].isEnabled()
