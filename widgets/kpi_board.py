"""The managers' KPI board (综合评价): a period, a region, its figures and rankings.

The board asks for figures with :attr:`KpiBoard.query_requested` (a
:class:`BoardQuery`); the desktop runs the query off the GUI thread and hands the
:class:`~gridcommand.db.reports.monthly.ReportData` back to :meth:`show_data`.
Clicking a street, community or grid in the ranking drills into it; the path
above the figures climbs back. Figures compare with the period before; the trend
shows 30 days. Tables are Qt models and export to CSV or XLSX from their menu.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridcommand.db.reports.kpi import LOCAL, KpiRow, Period
from gridcommand.db.reports.monthly import ReportData, change, shown
from gridcommand.widgets.on_screen import ScreenFit
from gridcommand.widgets.record_table import SortRole
from gridcommand.widgets.table_export import ExportKindRole, ExportRole, add_export_menu

_Index = QModelIndex | QPersistentModelIndex
BLUE, ORANGE = "#42a5f5", "#ef6c00"

#: The figures, in the order of docs/kpi.md, with their export kinds.
FIGURES: tuple[tuple[str, Any, str], ...] = (
    ("score", QT_TRANSLATE_NOOP("KpiBoard", "Score"), "score"),
    ("registered", QT_TRANSLATE_NOOP("KpiBoard", "Cases registered"), "int"),
    ("handled_on_time_rate", QT_TRANSLATE_NOOP("KpiBoard", "Handled on time"), "rate"),
    ("closed_rate", QT_TRANSLATE_NOOP("KpiBoard", "Closed share"), "rate"),
    ("closed_on_time_rate", QT_TRANSLATE_NOOP("KpiBoard", "Closed on time"), "rate"),
    ("rework_rate", QT_TRANSLATE_NOOP("KpiBoard", "Rework"), "rate"),
    ("extension_rate", QT_TRANSLATE_NOOP("KpiBoard", "Extended"), "rate"),
    ("overdue_rate", QT_TRANSLATE_NOOP("KpiBoard", "Overdue share"), "rate"),
    ("mean_handling_hours", QT_TRANSLATE_NOOP("KpiBoard", "Mean handling (h)"), "hours"),
    ("satisfaction_rate", QT_TRANSLATE_NOOP("KpiBoard", "Satisfaction"), "rate"),
    ("patrol", QT_TRANSLATE_NOOP("KpiBoard", "Patrol share"), "rate"),
    ("reporting", QT_TRANSLATE_NOOP("KpiBoard", "Reporting share"), "rate"),
)
LEVEL_NAMES: dict[str, Any] = {
    "street": QT_TRANSLATE_NOOP("KpiBoard", "Streets"),
    "community": QT_TRANSLATE_NOOP("KpiBoard", "Communities"),
    "grid": QT_TRANSLATE_NOOP("KpiBoard", "Grids"),
    "worker": QT_TRANSLATE_NOOP("KpiBoard", "Workers"),
}
#: Which units of a ranking can be drilled into.
DRILLABLE = ("street", "community", "grid")


def _tr(text: object) -> str:
    return QCoreApplication.translate("KpiBoard", str(text))


def _points(delta: str) -> str:
    """A rate's change in percentage points, in the console's language ("+4.2 pt")."""
    if not delta.endswith(" pt"):
        return delta
    return QCoreApplication.translate("KpiBoard", "%1 pt").replace("%1", delta[: -len(" pt")])


@dataclass(frozen=True, slots=True)
class BoardQuery:
    period: Period
    region: str | None


@dataclass(frozen=True, slots=True)
class HotspotQuery:
    """What the map's hot-spot layer shows: the board's period and region, one category."""

    period: Period
    region: str | None
    region_name: str
    class_code: str | None
    class_name: str


class RankingModel(QAbstractTableModel):
    """Units ranked by score: a rank, the name, then every figure."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[KpiRow] = []

    def set_rows(self, rows: Sequence[KpiRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIGURES) + 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "#"
            if section == 1:
                return QCoreApplication.translate("KpiBoard", "Unit")
            return _tr(FIGURES[section - 2][1])
        if role == ExportKindRole:
            return "int" if section == 0 else "text" if section == 1 else FIGURES[section - 2][2]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0:
            value: Any = index.row() + 1
        elif column == 1:
            value = row.name
        else:
            value = getattr(row, FIGURES[column - 2][0])
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value) if column < 2 else shown(FIGURES[column - 2][0], value)
        if role == ExportRole:
            return value
        if role == SortRole:  # nothing to divide by sorts below every number
            return float("-inf") if value is None else value
        if role == Qt.ItemDataRole.TextAlignmentRole and column != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.code
        return None


class ComparisonModel(QAbstractTableModel):
    """Each figure of the region: this period, the period before, and the change."""

    def __init__(self) -> None:
        super().__init__()
        self.now: KpiRow | None = None
        self.before: KpiRow | None = None

    def set_rows(self, now: KpiRow, before: KpiRow) -> None:
        self.beginResetModel()
        self.now, self.before = now, before
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.now is None else len(FIGURES)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (
                QCoreApplication.translate("KpiBoard", "Figure"),
                QCoreApplication.translate("KpiBoard", "This period"),
                QCoreApplication.translate("KpiBoard", "Previous"),
                QCoreApplication.translate("KpiBoard", "Change"),
            )[section]
        return None

    def value(self, row: int, column: int) -> Any:
        key = FIGURES[row][0]
        if column == 1 and self.now is not None:
            return getattr(self.now, key)
        if column == 2 and self.before is not None:
            return getattr(self.before, key)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.now is None or self.before is None:
            return None
        key, label, _ = FIGURES[index.row()]
        column = index.column()
        now, before = getattr(self.now, key), getattr(self.before, key)
        delta_text, colour = change(key, now, before)
        delta_text = _points(delta_text)
        if role == Qt.ItemDataRole.DisplayRole:
            return (_tr(label), shown(key, now), shown(key, before), delta_text)[column]
        if role == ExportRole:
            if column == 0:
                return _tr(label)
            if column == 3:
                return None if now is None or before is None else now - before
            return self.value(index.row(), column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.FontRole and column == 1:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class KpiBoard(QWidget):
    """Period and region choice, the figures against the period before, trend, ranking."""

    query_requested = Signal(object)  # BoardQuery
    #: The map's hot-spot layer: a HotspotQuery, or None when it is switched off.
    hotspots_requested = Signal(object)

    def __init__(self, clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.path: list[tuple[str | None, str]] = [(None, self.tr("Whole district"))]
        self.data: ReportData | None = None

        self.period_choice = QComboBox()
        self.period_choice.addItem(self.tr("This week"), "week")
        self.period_choice.addItem(self.tr("This month"), "month")
        self.period_choice.addItem(self.tr("Custom"), "custom")
        self.period_choice.setCurrentIndex(1)
        today = QDate.currentDate()
        self.first = QDateEdit(today.addDays(1 - today.day()))
        self.last = QDateEdit(today)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._on_dates_change)
        self.period_choice.currentIndexChanged.connect(self._on_period_change)
        self.up_button = QPushButton(self.tr("▲ Up"))
        self.up_button.clicked.connect(self.drill_up)
        self.path_label = QLabel()
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet("color:#757575;")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period:")))
        bar.addWidget(self.period_choice)
        bar.addWidget(self.first)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.last)
        bar.addSpacing(16)
        bar.addWidget(self._hotspot_controls())
        bar.addSpacing(16)
        bar.addWidget(self.up_button)
        bar.addWidget(self.path_label, 1)
        bar.addWidget(self.status)

        self.comparison = ComparisonModel()
        self.comparison_view = QTableView()
        self.comparison_view.setModel(self.comparison)
        self.comparison_view.verticalHeader().hide()
        self.comparison_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.comparison_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        add_export_menu(self.comparison_view, "kpi")

        self.ranking = RankingModel()
        self.ranking_proxy = QSortFilterProxyModel(self)
        self.ranking_proxy.setSourceModel(self.ranking)
        self.ranking_proxy.setSortRole(SortRole)
        self.ranking_view = QTableView()
        self.ranking_view.setModel(self.ranking_proxy)
        self.ranking_view.setSortingEnabled(True)
        self.ranking_view.verticalHeader().hide()
        self.ranking_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ranking_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ranking_view.setAlternatingRowColors(True)
        # A ranking of every grid in a street, or of a city's grids, is thousands of rows:
        # sized to a screenful, not measured row by row on every answer.
        self._fit_ranking = ScreenFit(self.ranking_view)
        self.ranking_view.clicked.connect(self._on_ranking_clicked)
        add_export_menu(self.ranking_view, "ranking")
        self.ranking_title = QLabel()
        self.ranking_title.setStyleSheet("font-weight:bold;")

        self.trend = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.trend.setTitle(self.tr("Registered a day (last 30 days)"))
        self.trend.showGrid(y=True, alpha=0.3)
        self.trend.setMouseEnabled(x=False, y=False)
        self._bars = pg.BarGraphItem(x=[], height=[], width=60_000, brush=BLUE)
        self.trend.addItem(self._bars)
        self.on_time = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.on_time.setTitle(self.tr("Handled on time, % (last 30 days)"))
        self.on_time.showGrid(y=True, alpha=0.3)
        self.on_time.setMouseEnabled(x=False, y=False)
        self.on_time.setYRange(0, 100)
        self._line = self.on_time.plot(
            [],
            [],
            pen=pg.mkPen(ORANGE, width=3),
            symbol="o",
            symbolSize=6,
            symbolBrush=ORANGE,
            connect="finite",
        )

        grid = QGridLayout()
        grid.addWidget(self.comparison_view, 0, 0, 2, 1)
        grid.addWidget(self.trend, 0, 1)
        grid.addWidget(self.on_time, 1, 1)
        ranking_box = QVBoxLayout()
        ranking_box.addWidget(self.ranking_title)
        ranking_box.addWidget(self.ranking_view, 1)
        grid.addLayout(ranking_box, 0, 2, 2, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(grid, 1)
        self._show_path()

    # -- what is asked -------------------------------------------------------------
    def period(self) -> Period:
        now = self._clock()
        kind = self.period_choice.currentData()
        if kind == "week":
            return Period.this_week(now)
        if kind == "month":
            return Period.this_month(now)
        first = self.first.date().toPython()
        last = self.last.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        return Period.of_days(first, max(last, first) + timedelta(days=1))

    def query(self) -> BoardQuery:
        return BoardQuery(self.period(), self.path[-1][0])

    def refresh(self) -> None:
        self.status.setText(self.tr("Computing…"))
        self.query_requested.emit(self.query())
        self._ask_hotspots()

    # -- the map's hot-spot layer ----------------------------------------------------
    def _hotspot_controls(self) -> QWidget:
        self.hotspots_box = QCheckBox(self.tr("Hot spots on the map"))
        self.hotspots_box.setObjectName("hotspotsBox")
        self.hotspots_box.toggled.connect(self._ask_hotspots)
        self.category_choice = QComboBox()
        self.category_choice.setObjectName("hotspotCategory")
        self.category_choice.addItem(self.tr("All categories"), None)
        self.category_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.category_choice.currentIndexChanged.connect(self._ask_hotspots)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.hotspots_box)
        row.addWidget(self.category_choice)
        return box

    def set_classes(self, classes: Sequence[tuple[str, str]]) -> None:
        """The category classes (大类) to choose from, as (code, name); the choice is kept."""
        chosen = self.category_choice.currentData()
        self.category_choice.blockSignals(True)
        while self.category_choice.count() > 1:
            self.category_choice.removeItem(1)
        for code, name in classes:
            self.category_choice.addItem(name, code)
        found = self.category_choice.findData(chosen)
        self.category_choice.setCurrentIndex(max(found, 0))
        self.category_choice.blockSignals(False)
        if found < 0 and chosen is not None:
            self._ask_hotspots()  # the chosen class is gone: the layer shows them all

    def hotspot_query(self) -> HotspotQuery | None:
        if not self.hotspots_box.isChecked():
            return None
        code, name = self.path[-1]
        return HotspotQuery(
            self.period(),
            code,
            name,
            self.category_choice.currentData(),
            self.category_choice.currentText(),
        )

    def _ask_hotspots(self) -> None:
        self.hotspots_requested.emit(self.hotspot_query())

    def drill_into(self, code: str, name: str) -> None:
        self.path.append((code, name))
        self._show_path()
        self.refresh()

    def drill_up(self) -> None:
        if len(self.path) > 1:
            self.path.pop()
            self._show_path()
            self.refresh()

    # -- what comes back -----------------------------------------------------------
    def show_data(self, data: ReportData) -> None:
        self.data = data
        self.comparison.set_rows(data.summary, data.previous)
        self.ranking.set_rows(data.ranking)
        self.ranking_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self._fit_ranking()
        self.ranking_title.setText(
            self.tr("Ranking: %1 (click to drill down)").replace(
                "%1", _tr(LEVEL_NAMES.get(data.ranking_by, data.ranking_by))
            )
        )
        xs = [
            datetime.combine(p.day, datetime.min.time(), LOCAL).timestamp() + 43_200
            for p in data.trend
        ]
        self._bars.setOpts(x=xs, height=[p.registered for p in data.trend], width=60_000)
        rates = [
            float("nan") if p.handled_on_time_rate is None else 100 * p.handled_on_time_rate
            for p in data.trend
        ]
        self._line.setData(xs, rates)
        start = data.period.start.astimezone(LOCAL)
        end = data.period.end.astimezone(LOCAL) - timedelta(days=1)
        self.status.setText(f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")

    def show_error(self, message: str) -> None:
        self.status.setText(message)

    # -- reacting ------------------------------------------------------------------
    def _show_path(self) -> None:
        self.path_label.setText(" ▸ ".join(name for _, name in self.path))
        self.up_button.setEnabled(len(self.path) > 1)

    def _on_period_change(self) -> None:
        custom = self.period_choice.currentData() == "custom"
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        self.refresh()

    def _on_dates_change(self) -> None:
        if self.period_choice.currentData() == "custom":
            self.refresh()

    def _on_ranking_clicked(self, index: QModelIndex) -> None:
        if self.data is None or self.data.ranking_by not in DRILLABLE:
            return
        row = self.ranking.rows[self.ranking_proxy.mapToSource(index).row()]
        self.drill_into(row.code, row.name)
