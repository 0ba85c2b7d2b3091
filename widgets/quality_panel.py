"""The data-quality view: every row a field system wrote that was refused, and why.

Bad input never vanishes: operators see here what the validation skipped, so a
broken tablet app or a swapped coordinate order is noticed on the wall, not
discovered weeks later in a report.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridcommand.resources.palette import REJECTED_TEXT
from gridcommand.widgets.on_screen import ScreenFit
from gridcommand.widgets.plain import plain
from gridcommand.widgets.record_table import Column, RecordTableModel, SortRole


class Rejection(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def detected_at(self) -> datetime: ...
    @property
    def source_table(self) -> str: ...
    @property
    def row_ref(self) -> str: ...
    @property
    def reason_code(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any] | None: ...


def _payload_preview(record: Rejection) -> str:
    text = json.dumps(record.payload, ensure_ascii=False) if record.payload else ""
    return text if len(text) <= 300 else text[:300] + "…"


PROBLEMS = {
    "swapped_lat_lon": QT_TRANSLATE_NOOP("QualityPanel", "latitude and longitude swapped"),
    "outside_district": QT_TRANSLATE_NOOP("QualityPanel", "outside the district"),
    "bad_coordinates": QT_TRANSLATE_NOOP("QualityPanel", "coordinates not a number"),
    "no_location": QT_TRANSLATE_NOOP("QualityPanel", "no point and no grid"),
    "unknown_grid": QT_TRANSLATE_NOOP("QualityPanel", "unknown grid"),
    "unknown_category": QT_TRANSLATE_NOOP("QualityPanel", "unknown category"),
    "empty_description": QT_TRANSLATE_NOOP("QualityPanel", "empty description"),
    "description_too_long": QT_TRANSLATE_NOOP("QualityPanel", "description too long"),
    "duplicate_report": QT_TRANSLATE_NOOP("QualityPanel", "duplicate report"),
    "broken_geojson": QT_TRANSLATE_NOOP("QualityPanel", "broken grid boundary"),
}
#: What the field system should check, per problem: the sentence the Reason column shows.
#: (The database keeps its own English detail in ``rejected_input.reason`` for auditors;
#: the view says it in the operator's language, with the row as written in the tooltip.)
HINTS = {
    "swapped_lat_lon": QT_TRANSLATE_NOOP(
        "QualityPanel", "The point lies in the district only with the two numbers swapped."
    ),
    "outside_district": QT_TRANSLATE_NOOP(
        "QualityPanel", "The point is far outside the district: check the device's position."
    ),
    "bad_coordinates": QT_TRANSLATE_NOOP(
        "QualityPanel", "A coordinate is missing, not a number or out of range."
    ),
    "no_location": QT_TRANSLATE_NOOP(
        "QualityPanel", "The report has neither a point nor a grid: it cannot be placed."
    ),
    "unknown_grid": QT_TRANSLATE_NOOP("QualityPanel", "The grid code is not in the grid layer."),
    "unknown_category": QT_TRANSLATE_NOOP(
        "QualityPanel", "The item code is not in the catalogue of items."
    ),
    "empty_description": QT_TRANSLATE_NOOP("QualityPanel", "The report says nothing."),
    "description_too_long": QT_TRANSLATE_NOOP(
        "QualityPanel", "The description is longer than a report can be."
    ),
    "duplicate_report": QT_TRANSLATE_NOOP(
        "QualityPanel", "The same report arrived again from the same source."
    ),
    "broken_geojson": QT_TRANSLATE_NOOP(
        "QualityPanel", "The grid boundary is not a valid polygon."
    ),
}
TABLES = {
    "tickets": QT_TRANSLATE_NOOP("QualityPanel", "report"),
    "worker_positions": QT_TRANSLATE_NOOP("QualityPanel", "worker position"),
    "grids": QT_TRANSLATE_NOOP("QualityPanel", "grid"),
}


def problem_hint(code: str) -> str:
    """The Reason column's sentence, translated; the problem's name if it has none."""
    source = HINTS.get(code)
    return QCoreApplication.translate("QualityPanel", str(source)) if source else problem_name(code)


def problem_name(code: str) -> str:
    """What went wrong, in the operator's language; the code itself if it is new."""
    source = PROBLEMS.get(code)
    return QCoreApplication.translate("QualityPanel", str(source)) if source else code


def table_name(table: str) -> str:
    source = TABLES.get(table)
    return QCoreApplication.translate("QualityPanel", str(source)) if source else table


class QualityPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        columns: list[Column[Rejection]] = [
            Column(
                self.tr("Detected"),
                lambda r: r.detected_at.astimezone().strftime("%m-%d %H:%M:%S"),
                sort_key=lambda r: r.detected_at.timestamp(),
            ),
            Column(self.tr("Table"), lambda r: table_name(r.source_table)),
            Column(self.tr("Row"), lambda r: r.row_ref),
            Column(
                self.tr("Problem"),
                lambda r: problem_name(r.reason_code),
                foreground=lambda r: REJECTED_TEXT,
                # Sorting and the problem filter work on the code, not on its translation.
                sort_key=lambda r: r.reason_code,
            ),
            Column(
                self.tr("Reason"), lambda r: problem_hint(r.reason_code), tooltip=_payload_preview
            ),
        ]
        self.model: RecordTableModel[Rejection] = RecordTableModel(columns, key=lambda r: r.id)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterKeyColumn(3)
        self.proxy.setFilterRole(SortRole)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.verticalHeader().hide()
        # A hostile field system can refuse-flood this list: sized to a screenful.
        self._fit = ScreenFit(self.view)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)

        self.kind = QComboBox()
        self.kind.addItem(self.tr("All problems"), "")
        self.kind.currentIndexChanged.connect(self._on_kind_change)
        self.summary = QLabel()
        plain(self.summary)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.kind)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self._update_summary()

    def add_rejections(self, records: Iterable[Rejection]) -> None:
        self.model.upsert(records)
        self._update_summary()
        self._fit()

    def remove_rejections(self, keys: Iterable[Hashable]) -> None:
        self.model.remove(keys)
        self._update_summary()

    def _update_summary(self) -> None:
        counts = Counter(r.reason_code for r in self.model.records())
        total = sum(counts.values())
        self.summary.setText(self.tr("%n refused row(s)", "", total))
        known = {self.kind.itemData(i) for i in range(self.kind.count())}
        for code in sorted(counts):
            if code not in known:
                self.kind.addItem(code, code)
        for i in range(1, self.kind.count()):
            code = self.kind.itemData(i)
            self.kind.setItemText(i, f"{problem_name(code)} ({counts.get(code, 0)})")

    def _on_kind_change(self) -> None:
        code = self.kind.currentData() or ""
        pattern = f"^{QRegularExpression.escape(code)}$" if code else ""
        self.proxy.setFilterRegularExpression(pattern)
