"""Charts of what is happening: reports per hour, cases against deadlines, workers.

Each plot item is created once; updates call ``setOpts``/``setData`` so the
charts never flicker or rebuild, whatever the update rate.
"""

from __future__ import annotations

import math
from datetime import datetime

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QLabel, QStackedLayout, QWidget

from gridcommand.db.live.figures import DashboardFigures
from gridcommand.resources.palette import CHART_ACCENT, LIGHT, WORKER_STATUS
from gridcommand.resources.vocabulary import worker_status_name

# The workers chart's bars, left to right.
WORKER_BARS = ("online", "stale", "offline")
#: Classes in the open-cases chart at most (the most cases first).
CLASS_ROWS = 5


class RoomyAxis(pg.AxisItem):
    """A count axis whose labels never overlap: as many as its length has room for.

    pyqtgraph draws at least three labels; on a short charts strip (a 720p screen) at a
    wall's text size they were drawn over each other ("604020").
    """

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels: list[tuple[float, float]] = super().tickSpacing(minVal, maxVal, size)
        font = self.style.get("tickFont") or QFont()
        room = int(size // (QFontMetrics(font).height() * 1.2))
        if not levels or room >= 3:
            return levels
        if room < 2 and maxVal >= 1:
            # One label: the highest round count on the axis says more than 0 does.
            top = _nice_at_most(maxVal)
            return [(2 * top, top)]
        return [(_nice_at_least(abs(maxVal - minVal) / max(room - 1, 1)), 0.0)]


def _nice_at_most(value: float) -> float:
    """The largest of 1, 2, 5 × 10ⁿ that is at most ``value`` (``value`` ≥ 1)."""
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (5, 2, 1) if step * power <= value)


def _nice_at_least(value: float) -> float:
    """The smallest of 1, 2, 5 × 10ⁿ that is at least ``value`` (a tick spacing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


class HourAxis(pg.DateAxisItem):
    """Hours as 18:00, midnight as the date (12-01): no English weekday on a Chinese wall."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        out = []
        for value in values:
            try:
                moment = datetime.fromtimestamp(value)
            except (OverflowError, OSError, ValueError):
                out.append("")
                continue
            midnight = moment.hour == 0 and moment.minute == 0
            out.append(moment.strftime("%m-%d" if midnight else "%H:%M"))
        return out


class ChartsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True)
        # Until the first figures arrive the panel says so, instead of empty axes
        # that read as "nothing happened today".
        self._stack = QStackedLayout(self)
        self.waiting = QLabel(self.tr("Waiting for the first figures…"))
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack.addWidget(self.waiting)
        plots = QWidget()
        self._stack.addWidget(plots)
        layout = QGridLayout(plots)
        layout.setContentsMargins(4, 4, 4, 4)

        self.hourly = pg.PlotWidget(axisItems={"bottom": HourAxis(), "left": RoomyAxis("left")})
        self.hourly.setTitle(self.tr("Reports per hour (last 24 h)"))
        self.hourly.showGrid(y=True, alpha=0.3)
        self.hourly.setMouseEnabled(x=False, y=False)
        self.hourly.addLegend(offset=(5, 5))
        self._reports = pg.BarGraphItem(
            x=[], height=[], width=3000, brush=CHART_ACCENT, name=self.tr("reports")
        )
        self._emergencies = pg.BarGraphItem(
            x=[], height=[], width=3000, brush=LIGHT["red"], name=self.tr("emergencies")
        )
        self.hourly.addItem(self._reports)
        self.hourly.addItem(self._emergencies)

        self.deadlines = pg.PlotWidget(axisItems={"left": RoomyAxis("left")})
        self.deadlines.setTitle(self.tr("Open cases against deadline"))
        self.deadlines.setMouseEnabled(x=False, y=False)
        self._deadline_bars = pg.BarGraphItem(
            x=[0, 1, 2],
            height=[0, 0, 0],
            width=0.7,
            brushes=[LIGHT["green"], LIGHT["yellow"], LIGHT["red"]],
        )
        self.deadlines.addItem(self._deadline_bars)
        self.deadlines.getAxis("bottom").setTicks(
            [[(0, self.tr("on time")), (1, self.tr("due soon")), (2, self.tr("overdue"))]]
        )

        self.classes = pg.PlotWidget()
        self.classes.setTitle(self.tr("Open cases by class"))
        self.classes.setMouseEnabled(x=False, y=False)
        self._class_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7, brush=CHART_ACCENT)
        self.classes.addItem(self._class_bars)
        self._tick_font = QFont(self.font())
        self.classes.getViewBox().sigResized.connect(self._show_classes)

        self.workers = pg.PlotWidget(axisItems={"left": RoomyAxis("left")})
        self.workers.setTitle(self.tr("Workers"))
        self.workers.setMouseEnabled(x=False, y=False)
        self._worker_bars = pg.BarGraphItem(
            x=[0, 1, 2],
            height=[0, 0, 0],
            width=0.7,
            brushes=[WORKER_STATUS[s] for s in WORKER_BARS],
        )
        self.workers.addItem(self._worker_bars)
        self.workers.getAxis("bottom").setTicks(
            [[(i, worker_status_name(s)) for i, s in enumerate(WORKER_BARS)]]
        )

        layout.addWidget(self.hourly, 0, 0)
        layout.addWidget(self.deadlines, 0, 1)
        layout.addWidget(self.classes, 0, 2)
        layout.addWidget(self.workers, 0, 3)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 1)
        layout.setColumnStretch(2, 2)
        layout.setColumnStretch(3, 1)
        self.figures: DashboardFigures | None = None
        self._titles = {
            self.hourly: self.tr("Reports per hour (last 24 h)"),
            self.deadlines: self.tr("Open cases against deadline"),
            self.classes: self.tr("Open cases by class"),
            self.workers: self.tr("Workers"),
        }

    def set_text_size(self, pixels: int) -> None:
        """Titles and axis labels as large as the tables' text (readable on the wall)."""
        font = QFont(self.font())
        font.setPixelSize(pixels)
        for plot, title in self._titles.items():
            plot.setTitle(title, size=f"{pixels}px")
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setStyle(tickFont=font)
                axis.setTextPen(pg.mkPen("#f1f5f9"))
        self._tick_font = font
        self._show_classes()  # a larger text has room for fewer names
        legend = self.hourly.getPlotItem().legend
        if legend is not None:
            legend.setLabelTextSize(f"{pixels}px")
            for _, label in legend.items:
                label.setText(label.text, size=f"{pixels}px")

    def show_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        self._stack.setCurrentIndex(1)
        xs = [t + 1800 for t in figures.hour_starts]
        self._reports.setOpts(x=xs, height=list(figures.reports_per_hour), width=3000)
        self._emergencies.setOpts(x=xs, height=list(figures.emergencies_per_hour), width=1500)
        self._deadline_bars.setOpts(height=[figures.on_time, figures.due_soon, figures.overdue])
        self._show_classes()
        self._worker_bars.setOpts(
            height=[figures.workers_online, figures.workers_stale, figures.workers_offline]
        )

    def _show_classes(self, *_: object) -> None:
        """The classes with the most open cases, as many as have room for their names.

        In a short charts strip (a 720p screen) five names were drawn over each other;
        fewer rows, each readable, say more.
        """
        if self.figures is None:
            return
        rows = self.class_rows()
        names = [name for name, _ in self.figures.open_by_class][:rows]
        counts = [count for _, count in self.figures.open_by_class][:rows]
        ys = list(range(len(names)))[::-1]
        self._class_bars.setOpts(x0=[0] * len(counts), y=ys, width=counts, height=0.7)
        self.classes.getAxis("left").setTicks([list(zip(ys, names, strict=True))])

    def class_rows(self) -> int:
        """How many classes the open-cases chart has room to name (all until laid out)."""
        height = self.classes.getViewBox().height()
        if height <= 0:
            return CLASS_ROWS
        line = QFontMetrics(self._tick_font).height()
        return max(1, min(CLASS_ROWS, int(height // line)))
