"""The running window's KPI board is answered by the database, off the GUI thread."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gridcommand.desktop.wiring import WindowSession


def test_the_board_in_the_window_gets_its_figures(qtbot: QtBot, session: WindowSession) -> None:
    board = session.kpi_board
    assert session.window.docks["kpi"].widget() is board
    qtbot.waitUntil(lambda: board.data is not None, timeout=20_000)
    assert board.data is not None and board.data.summary.registered > 0
    assert board.data.ranking_by == "street" and board.ranking.rowCount() > 0
    first = board.ranking.rows[0]
    board.drill_into(first.code, first.name)
    qtbot.waitUntil(
        lambda: board.data is not None and board.data.ranking_by == "community", timeout=20_000
    )
