"""Any table of the window to CSV or XLSX, with its cells' real types.

A model may answer :data:`ExportRole` with the exact value to write (the KPI board
gives its rates as fractions). Otherwise the displayed text is written as what it
shows: a number, a time, or text. Rows are written in the order and filter the
operator sees.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QTableView

from gridcommand.db.reports.export import Column, Sheet, write_csv, write_xlsx

#: The exact value a cell is exported as, when a model knows better than its text.
ExportRole = int(Qt.ItemDataRole.UserRole) + 7
_INT = re.compile(r"-?\d{1,15}")
_NUMBER = re.compile(r"-?\d+\.\d+")
#: The kind of a column (``int``, ``rate``, …; see ``db/reports/export.py``), asked of
#: the horizontal header with this role.
ExportKindRole = int(Qt.ItemDataRole.UserRole) + 8


def _typed(model: QAbstractItemModel, index: QModelIndex) -> Any:
    exact = model.data(index, ExportRole)
    if exact is not None:
        return exact
    text = model.data(index, Qt.ItemDataRole.DisplayRole)
    return parse_cell("" if text is None else str(text))


def parse_cell(text: str) -> Any:
    """A displayed text as the value it shows: a whole number, a number, a time, or text.

    Sort keys are no guide (a queue sorts its newest first by a negative timestamp),
    so the text the operator reads is what is typed.
    """
    plain = text.strip()
    if _INT.fullmatch(plain):
        return int(plain)
    if _NUMBER.fullmatch(plain):
        return float(plain)
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(plain, pattern)
        except ValueError:
            continue
    return text


def _kind(model: QAbstractItemModel, column: int, values: list[Any]) -> str:
    declared = model.headerData(column, Qt.Orientation.Horizontal, ExportKindRole)
    if isinstance(declared, str):
        return declared
    present = [v for v in values if v not in ("", None)]
    if present and all(isinstance(v, int) for v in present):
        return "int"
    if present and all(isinstance(v, int | float) for v in present):
        return "number"
    if present and all(isinstance(v, datetime) for v in present):
        return "datetime"
    return "text"


def table_sheet(model: QAbstractItemModel, title: str) -> Sheet:
    rows_n, cols_n = model.rowCount(), model.columnCount()
    values = [[_typed(model, model.index(r, c)) for c in range(cols_n)] for r in range(rows_n)]
    columns = []
    for c in range(cols_n):
        header = model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        columns.append(Column(f"c{c}", str(header or ""), _kind(model, c, [v[c] for v in values])))
    rows = [{f"c{c}": (None if v == "" else v) for c, v in enumerate(line)} for line in values]
    return Sheet(title, columns, rows)


def export_table(model: QAbstractItemModel, path: Path, title: str) -> None:
    """Write the table to ``path``: ``.xlsx`` typed, anything else as CSV."""
    sheet = table_sheet(model, title)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, [sheet])
    else:
        named = [Column(c.header, c.header, c.kind) for c in sheet.columns]
        rows = [{c.header: row[c.key] for c in sheet.columns} for row in sheet.rows]
        write_csv(path, named, rows)


def export_actions(view: QTableView, title: str, menu: QMenu) -> None:
    """Add "Export to XLSX…" and "Export to CSV…" for ``view`` to ``menu``."""
    labels = (
        (QCoreApplication.translate("TableExport", "Export to XLSX…"), ".xlsx"),
        (QCoreApplication.translate("TableExport", "Export to CSV…"), ".csv"),
    )
    for label, suffix in labels:
        action = menu.addAction(label)
        action.setObjectName(f"export{suffix}")
        action.triggered.connect(lambda _=False, s=suffix: _ask_and_export(view, title, s))


def add_export_menu(view: QTableView, title: str) -> None:
    """A context menu on ``view`` that exports the table as the operator sees it."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(at: QPoint) -> None:
        menu = QMenu(view)
        export_actions(view, title, menu)
        menu.exec(view.viewport().mapToGlobal(at))

    view.customContextMenuRequested.connect(show)


def _ask_and_export(view: QTableView, title: str, suffix: str) -> None:
    caption = QCoreApplication.translate("TableExport", "Export table")
    name, _ = QFileDialog.getSaveFileName(view, caption, f"{title}{suffix}", f"*{suffix}")
    if not name:
        return
    path = Path(name if name.lower().endswith(suffix) else name + suffix)
    try:
        export_table(view.model(), path, title)
    except OSError as exc:
        message = QCoreApplication.translate("TableExport", "Could not write {0}: {1}")
        QMessageBox.warning(view, caption, message.format(path, exc.strerror))
