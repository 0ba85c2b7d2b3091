"""The KPI board: real figures in, drill-down by a real click, period choice, comparison."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.reports.kpi import Period
from gridcommand.db.reports.monthly import load_report
from gridcommand.widgets.kpi_board import FIGURES, BoardQuery, KpiBoard
from gridcommand.widgets.table_export import ExportRole

NOW = datetime.now(UTC)


def _board(qtbot: QtBot) -> KpiBoard:
    board = KpiBoard(lambda: NOW)
    qtbot.addWidget(board)
    board.resize(1600, 600)
    board.show()
    return board


def _click_row(board: KpiBoard, row: int) -> None:
    view = board.ranking_view
    rect = view.visualRect(board.ranking_proxy.index(row, 1))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))


def test_the_board_shows_figures_and_drills_by_a_click(qtbot: QtBot, engine: Engine) -> None:
    seed_demo(engine, grids=12, random_seed=6, days=12, now=NOW)
    board = _board(qtbot)
    with qtbot.waitSignal(board.query_requested) as asked:
        board.refresh()
    query = asked.args[0]
    assert isinstance(query, BoardQuery) and query.region is None
    assert query.period == Period.this_month(NOW)
    data = load_report(engine, query.period, query.region, NOW)
    board.show_data(data)

    assert board.comparison.rowCount() == len(FIGURES)
    registered = board.comparison.index(1, 1)
    assert board.comparison.data(registered, ExportRole) == data.summary.registered
    assert board.ranking.rowCount() == len(data.ranking) > 0
    first = board.ranking.rows[0]
    with qtbot.waitSignal(board.query_requested) as asked:
        _click_row(board, 0)
    assert asked.args[0].region == first.code
    assert board.path[-1] == (first.code, first.name) and board.up_button.isEnabled()

    board.show_data(load_report(engine, query.period, first.code, NOW))
    assert board.data is not None and board.data.ranking_by == "community"
    with qtbot.waitSignal(board.query_requested) as asked:
        QTest.mouseClick(board.up_button, Qt.MouseButton.LeftButton)
    assert asked.args[0].region is None and not board.up_button.isEnabled()


def test_period_choice_asks_again(qtbot: QtBot) -> None:
    board = _board(qtbot)
    with qtbot.waitSignal(board.query_requested) as asked:
        board.period_choice.setCurrentIndex(board.period_choice.findData("week"))
    assert asked.args[0].period == Period.this_week(NOW)
    with qtbot.waitSignal(board.query_requested) as asked:
        board.period_choice.setCurrentIndex(board.period_choice.findData("custom"))
    period = asked.args[0].period
    assert board.first.isEnabled() and period.end > period.start
