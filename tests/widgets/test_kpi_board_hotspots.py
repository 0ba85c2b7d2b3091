"""The board's hot-spot switch and category: what it asks of the map."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from gridcommand.db.reports.kpi import Period
from gridcommand.widgets.kpi_board import HotspotQuery, KpiBoard

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def test_the_switch_and_the_category_ask_for_the_boards_period_and_region(qtbot: QtBot) -> None:
    board = KpiBoard(lambda: NOW)
    qtbot.addWidget(board)
    board.show()
    asked: list[HotspotQuery | None] = []
    board.hotspots_requested.connect(asked.append)
    board.set_classes([("01", "基础设施"), ("02", "城市管理")])
    assert board.hotspot_query() is None and asked == []  # off until switched on

    QTest.mouseClick(
        board.hotspots_box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(8, 8)
    )
    first = asked[-1]
    assert first is not None
    assert first.period == Period.this_month(NOW) and first.region is None
    assert first.class_code is None and first.class_name == board.category_choice.itemText(0)

    board.category_choice.setFocus()
    QTest.keyClick(board.category_choice, Qt.Key.Key_Down)
    QTest.keyClick(board.category_choice, Qt.Key.Key_Down)
    chosen = asked[-1]
    assert chosen is not None and (chosen.class_code, chosen.class_name) == ("02", "城市管理")

    board.drill_into("S01", "东城街道")  # the ranking's drill: the layer follows the region
    drilled = asked[-1]
    assert drilled is not None and (drilled.region, drilled.region_name) == ("S01", "东城街道")
    assert drilled.class_code == "02"

    # The classes read again keep the choice; a class that is gone falls back to all.
    board.set_classes([("02", "城市管理"), ("03", "环境卫生")])
    assert board.category_choice.currentData() == "02"
    board.set_classes([("03", "环境卫生")])
    assert board.category_choice.currentData() is None
    widened = asked[-1]
    assert widened is not None and widened.class_code is None

    QTest.mouseClick(
        board.hotspots_box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(8, 8)
    )
    assert asked[-1] is None and board.hotspot_query() is None
