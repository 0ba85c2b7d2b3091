"""A manager's drill-down into one grid: its people, its team, its cases, its score.

The panel shows a :class:`~gridcommand.db.reports.grid_report.GridReport` that was read
on a worker thread; it never queries anything itself. The chart is created once
and updated with ``setOpts`` when another grid is shown.
"""

from __future__ import annotations

from datetime import date, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridcommand.db.reports.grid_report import GridReport
from gridcommand.resources.palette import ALARM_TEXT, CASES_BAR
from gridcommand.widgets.team_model import TeamModel

OVERLOAD_HOUSEHOLDS = 500


class GridDrilldown(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("Double-click a grid on the map to drill down."))
        font = self.title.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)

        self._figures: dict[str, QLabel] = {}
        figures = QFormLayout()
        for key, label in (
            ("households", self.tr("Households / people")),
            ("load", self.tr("Households per full-time worker")),
            ("area", self.tr("Area")),
            ("cases", self.tr("Open / overdue cases")),
            ("on_time", self.tr("Closed on time (30 days)")),
            ("patrol", self.tr("Patrol coverage today / patrol days")),
            ("score", self.tr("System score")),
        ):
            value = QLabel("—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._figures[key] = value
            figures.addRow(label, value)

        self.team_model = TeamModel()
        team_view = QTableView()
        team_view.setModel(self.team_model)
        team_view.verticalHeader().hide()
        team_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        team_box = QGroupBox(self.tr("Team (1 + X + Y)"))
        QVBoxLayout(team_box).addWidget(team_view)

        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setTitle(self.tr("Cases reported per day"))
        self.plot.showGrid(y=True, alpha=0.3)
        self.plot.setMouseEnabled(x=False, y=False)
        self._bars = pg.BarGraphItem(x=[], height=[], width=60_000, brush=CASES_BAR)
        self.plot.addItem(self._bars)

        top = QHBoxLayout()
        top.addLayout(figures, 1)
        top.addWidget(team_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)

    def show_report(self, report: GridReport) -> None:
        self.title.setText(f"{report.name} · {report.community} · {report.street}")
        f = self._figures
        f["households"].setText(f"{report.households:,} / {report.population:,}")
        load = report.households_per_worker
        f["load"].setText(f"{load:,.0f}")
        f["load"].setStyleSheet(
            f"color:{ALARM_TEXT};font-weight:bold;" if load > OVERLOAD_HOUSEHOLDS else ""
        )
        f["area"].setText(f"{report.area_km2:.2f} km²")
        f["cases"].setText(f"{report.open_cases} / {report.overdue_cases}")
        alarm = f"color:{ALARM_TEXT};font-weight:bold;"
        f["cases"].setStyleSheet(alarm if report.overdue_cases else "")
        share = report.closed_on_time_share
        f["on_time"].setText("—" if share is None else f"{share:.0%}")
        f["patrol"].setText(
            f"{report.patrol_coverage_today:.0%} / {report.patrol_days} of {report.days}"
        )
        f["score"].setText(f"{report.score:.1f}")
        self.team_model.set_team(report.team)
        self._show_cases(report.cases_per_day, report.days)

    def _show_cases(self, per_day: tuple[tuple[date, int], ...], days: int) -> None:
        counts = dict(per_day)
        last = max(counts) if counts else date.today()
        xs, heights = [], []
        for offset in range(days - 1, -1, -1):
            day = last - timedelta(days=offset)
            xs.append(_epoch(day))
            heights.append(counts.get(day, 0))
        self._bars.setOpts(x=xs, height=heights, width=86_400 * 0.8)

    def figure_text(self, key: str) -> str:
        return self._figures[key].text()


def _epoch(day: date) -> float:
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()
