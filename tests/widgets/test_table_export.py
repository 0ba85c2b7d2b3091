"""Tables to CSV and XLSX: what the operator sees, in its order, with typed cells."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QMenu, QTableView
from pytestqt.qtbot import QtBot

from gridcommand.widgets.table_export import export_actions, export_table, parse_cell
from tests.widgets.test_queues import T0, Clock, T, _panel


def test_displayed_text_becomes_a_typed_value() -> None:
    assert parse_cell("42") == 42 and isinstance(parse_cell("42"), int)
    assert parse_cell("-3.25") == -3.25
    assert parse_cell("2026-11-24 10:30") == datetime(2026, 11, 24, 10, 30)
    assert parse_cell("一网格") == "一网格"
    assert parse_cell("T20261124-7") == "T20261124-7"


def test_a_queue_exports_in_the_order_the_operator_sees(qtbot: QtBot, tmp_path: Path) -> None:
    panel = _panel(qtbot, Clock())
    panel.upsert(
        [
            T(1, "T-1", "reported", T0 + timedelta(hours=5)),
            T(2, "T-2", "reported", T0 + timedelta(hours=1), grid_code="G2"),
        ]
    )
    view = panel.views["new"]
    xlsx, csv = tmp_path / "queue.xlsx", tmp_path / "queue.csv"
    export_table(view.model(), xlsx, "queue")
    export_table(view.model(), csv, "queue")

    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == [
        view.model().headerData(c, view.horizontalHeader().orientation())
        for c in range(view.model().columnCount())
    ]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["T-2", "T-1"]  # by deadline, as the view sorts
    lines = csv.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",") == header and len(lines) == 3
    assert lines[1].split(",")[3] == "二网格" and lines[2].split(",")[3] == "一网格"


def test_typed_numbers_and_the_menu(qtbot: QtBot, tmp_path: Path) -> None:
    model = QStandardItemModel(0, 2)
    model.setHorizontalHeaderLabels(["网格", "立案数"])
    for name, count in (("一网格", "12"), ("二网格", "7")):
        model.appendRow([QStandardItem(name), QStandardItem(count)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    out = tmp_path / "t.xlsx"
    export_table(model, out, "ranking")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert rows == [("一网格", 12), ("二网格", 7)]
    menu = QMenu()
    export_actions(view, "ranking", menu)
    assert [a.objectName() for a in menu.actions()] == ["export.xlsx", "export.csv"]
