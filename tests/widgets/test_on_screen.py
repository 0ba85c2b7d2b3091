"""ScreenFit: a big table's columns are sized from a screenful of rows, never from all."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from gridcommand.widgets.on_screen import ScreenFit

_Index = QModelIndex | QPersistentModelIndex


class CountingModel(QAbstractTableModel):
    """Rows of text; counts how often a cell is asked for its text (what measuring costs)."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows
        self.asked = 0

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        self.asked += 1
        return self.rows[index.row()][index.column()]

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()


def test_a_hidden_table_measures_nothing_and_a_shown_one_a_screenful(qtbot: QtBot) -> None:
    model = CountingModel([])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    fit = ScreenFit(view)

    model.set_rows([(f"第{n}网格", "巡查", "—") for n in range(20_000)])
    fit()
    qtbot.wait(50)
    assert model.asked == 0  # hidden (a tab not shown): nothing measured

    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.columnWidth(0) >= view.sizeHintForColumn(0), timeout=3000)
    assert 0 < model.asked < 2_000  # a screenful of rows, measured and painted

    # A longer text arriving on screen widens its column, within the throttle's second.
    long_name = "一个名字很长很长很长的网格第十二网格"
    model.rows[0] = (long_name, "巡查", "—")
    model.dataChanged.emit(model.index(0, 0), model.index(0, 2))
    fit()
    qtbot.waitUntil(lambda: view.columnWidth(0) >= view.fontMetrics().horizontalAdvance(long_name))
