"""A manager's drill-down into one grid: its people, its team, its cases, its score.

The panel shows a :class:`~gridcommand.db.reports.grid_report.GridReport` that was read
on a worker thread; it never queries anything itself. The chart's bars (one stack a
class, the busiest classes first) are created once and updated with ``setOpts`` when
another grid is shown. Double-clicking a case asks for it in the detail panel; the
"whole district" button asks for the overview back.
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gridcommand.db.reports.grid_cases import GridCase
from gridcommand.db.reports.grid_report import GridReport
from gridcommand.db.reports.kpi import LOCAL
from gridcommand.resources.palette import ALARM_TEXT, CLASS_OTHER, CLASS_STACK
from gridcommand.resources.vocabulary import source_name, ticket_status_name
from gridcommand.widgets.plain import plain
from gridcommand.widgets.record_table import Column, RecordRole, RecordTableModel
from gridcommand.widgets.team_model import TeamModel

OVERLOAD_HOUSEHOLDS = 500


def case_columns() -> list[Column[GridCase]]:
    return [
        Column(QCoreApplication.translate("GridDrilldown", "Case"), lambda c: c.code),
        Column(
            QCoreApplication.translate("GridDrilldown", "Category"),
            lambda c: f"{c.class_name} · {c.category}",
        ),
        Column(
            QCoreApplication.translate("GridDrilldown", "Source"), lambda c: source_name(c.source)
        ),
        Column(
            QCoreApplication.translate("GridDrilldown", "Status"),
            lambda c: ticket_status_name(c.status),
            foreground=lambda c: ALARM_TEXT if c.is_open and c.is_emergency else None,
        ),
        Column(
            QCoreApplication.translate("GridDrilldown", "Reported at"),
            lambda c: c.reported_at.astimezone().strftime("%m-%d %H:%M"),
        ),
        Column(
            QCoreApplication.translate("GridDrilldown", "Located"),
            lambda c: (
                QCoreApplication.translate("GridDrilldown", "by its point") if c.located else ""
            ),
        ),
    ]


class GridDrilldown(QWidget):
    #: A case double-clicked in the list (its ticket id).
    case_activated = Signal(int)
    #: The manager asked for the whole district again.
    district_requested = Signal()
    #: Replay this grid's day (回放): its code.
    replay_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("Double-click a grid on the map to drill down."))
        font = self.title.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        plain(self.title)

        self._figures: dict[str, QLabel] = {}
        figures = QFormLayout()
        # In a narrow side panel (720p) a long figure goes under its label, whole,
        # rather than cut at the panel's edge ("70% / 26 天（共 3…").
        figures.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
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
            plain(value)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._figures[key] = value
            figures.addRow(label, value)

        self.team_model = TeamModel()
        team_view = QTableView()
        team_view.setModel(self.team_model)
        team_view.verticalHeader().hide()
        # Full names and masked phones, never cut: the columns take what they need.
        team_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        team_view.horizontalHeader().setStretchLastSection(True)

        self.cases_model: RecordTableModel[GridCase] = RecordTableModel(
            case_columns(), key=lambda c: c.id
        )
        self.cases_view = QTableView()
        self.cases_view.setModel(self.cases_model)
        self.cases_view.verticalHeader().hide()
        self.cases_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.cases_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.cases_view.doubleClicked.connect(self._on_case_double_clicked)
        # Cases and team share the panel's full width, one tab each, above the trend.
        self.tabs = QTabWidget()
        self.tabs.addTab(self.cases_view, self.tr("Open and recent cases"))
        self.tabs.addTab(team_view, self.tr("Team (1 + X + Y)"))

        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setTitle(self.tr("Cases reported per day, by class"))
        self.plot.showGrid(y=True, alpha=0.3)
        self.plot.setMouseEnabled(x=False, y=False)
        # The classes' colours in a line of text above the chart, not a legend inside it:
        # inside, a wall's large text covered the bars it names.
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.hide()
        self._stacks = [
            pg.BarGraphItem(x=[], height=[], width=60_000, brush=colour, pen=None)
            for colour in (*CLASS_STACK, CLASS_OTHER)
        ]
        for bars in self._stacks:
            self.plot.addItem(bars)
        # No empty axes before a grid is chosen: the title says what to do meanwhile.
        self.plot.hide()
        self._plot_title = self.tr("Cases reported per day, by class")

        self.district_button = QPushButton(self.tr("Whole district"))
        self.district_button.setToolTip(self.tr("Back to the whole district on the map"))
        self.district_button.clicked.connect(self.district_requested)
        self.replay_button = QPushButton(self.tr("Replay today"))
        self.replay_button.setToolTip(self.tr("Replay this grid's day on the map (回放)"))
        self.replay_button.setEnabled(False)
        self.replay_button.clicked.connect(self._on_replay_clicked)
        self.grid_code: str | None = None
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.replay_button, 0, Qt.AlignmentFlag.AlignTop)
        heading.addWidget(self.district_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addLayout(figures)
        layout.addWidget(self.tabs, 2)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)

    def set_text_size(self, pixels: int) -> None:
        """The trend as readable as the tables beside it (a wall's 48 px at 4K).

        The chart keeps room for ten lines of text; its legend is a line of text above it.
        """
        font = QFont(self.font())
        font.setPixelSize(pixels)
        self.plot.setTitle(self._plot_title, size=f"{pixels}px")
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setStyle(tickFont=font)
        self.legend.setFont(font)
        self.plot.setMinimumHeight(pixels * 10)
        title = QFont(self.title.font())
        title.setPixelSize(round(pixels * 1.25))
        self.title.setFont(title)

    def show_report(self, report: GridReport) -> None:
        self.grid_code = report.code
        self.plot.show()
        self.replay_button.setEnabled(True)
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
            self.tr("%1 / %2 of %3 days")
            .replace("%1", f"{report.patrol_coverage_today:.0%}")
            .replace("%2", str(report.patrol_days))
            .replace("%3", str(report.days))
        )
        f["score"].setText(f"{report.score:.1f}")
        self.team_model.set_team(report.team)
        self.cases_model.set_records(report.cases)
        self.tabs.setTabText(
            0, self.tr("Open and recent cases (%1 open)").replace("%1", str(report.open_cases))
        )
        self._show_trend(report)

    def _show_trend(self, report: GridReport) -> None:
        """One stack a class, over the report's days; classes beyond the fifth are "other"."""
        counts = dict(report.cases_per_day)
        # Up to the report's day: a quiet grid's last days show as empty, not cut off.
        last = max([d for d in (report.last_day, *counts) if d is not None], default=None)
        if last is None:
            last = datetime.now(LOCAL).date()
        days = [last - timedelta(days=offset) for offset in range(report.days - 1, -1, -1)]
        shown = list(report.cases_by_class[: len(CLASS_STACK)])
        rest: dict[date, int] = {}
        for _, per_day in report.cases_by_class[len(CLASS_STACK) :]:
            for day, n in per_day:
                rest[day] = rest.get(day, 0) + n
        series = [(name, dict(per_day)) for name, per_day in shown]
        series += [("", {})] * (len(CLASS_STACK) - len(shown))
        series.append((self.tr("Other classes") if rest else "", rest))
        xs = [_epoch(day) for day in days]
        # A date each week counted back from the last day, every day a tick: the date
        # axis's own month-and-day labels ran into each other in a wall's large text.
        weekly = [(x, day.strftime("%m-%d")) for x, day in zip(xs, days, strict=True)][::-7]
        self.plot.getAxis("bottom").setTicks([weekly, [(x, "") for x in xs]])
        base = [0] * len(days)
        named: list[str] = []
        for bars, colour, (name, by_day) in zip(
            self._stacks, (*CLASS_STACK, CLASS_OTHER), series, strict=True
        ):
            heights = [by_day.get(day, 0) for day in days]
            bars.setOpts(x=xs, y0=list(base), height=heights, width=86_400 * 0.8)
            base = [b + h for b, h in zip(base, heights, strict=True)]
            if name:
                named.append(f'<span style="color:{colour}">■</span>&nbsp;{html.escape(name)}')
        self.legend.setText("&nbsp;&nbsp; ".join(named))
        self.legend.setVisible(bool(named))

    def legend_names(self) -> list[str]:
        """The classes the legend names, in the order of the stacks."""
        text = QTextDocumentFragment.fromHtml(self.legend.text()).toPlainText()
        return [part.strip(" ■\xa0") for part in text.split("■")[1:]]

    def stacked_totals(self) -> list[int]:
        """Cases per day over all classes, as drawn (oldest day first)."""
        totals: list[int] = []
        for bars in self._stacks:
            heights = list(bars.opts["height"])
            totals = [a + b for a, b in zip(totals, heights, strict=True)] if totals else heights
        return totals

    def _on_replay_clicked(self) -> None:
        if self.grid_code is not None:
            self.replay_requested.emit(self.grid_code)

    def _on_case_double_clicked(self, index: QModelIndex) -> None:
        case = index.data(RecordRole)
        if isinstance(case, GridCase):
            self.case_activated.emit(case.id)

    def figure_text(self, key: str) -> str:
        return self._figures[key].text()


def _epoch(day: date) -> float:
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()
