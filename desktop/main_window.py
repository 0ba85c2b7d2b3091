"""The command centre's main window: the map in the middle, panels docked around it.

The window itself holds no data logic: panels are plugged in by
:mod:`gridcommand.desktop.app`, and the window only lays them out, remembers
the layout between runs and shows whether the picture is live.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gridcommand.widgets.connection_banner import ConnectionBanner

ROLE_NAMES = {
    "viewer": QT_TRANSLATE_NOOP("Roles", "viewer (wall screen)"),
    "dispatcher": QT_TRANSLATE_NOOP("Roles", "dispatcher"),
    "supervisor": QT_TRANSLATE_NOOP("Roles", "supervisor"),
    "manager": QT_TRANSLATE_NOOP("Roles", "manager"),
}

DOCK_AREAS = {
    "queues": Qt.DockWidgetArea.RightDockWidgetArea,
    "workers": Qt.DockWidgetArea.LeftDockWidgetArea,
    "charts": Qt.DockWidgetArea.BottomDockWidgetArea,
    "quality": Qt.DockWidgetArea.BottomDockWidgetArea,
    "detail": Qt.DockWidgetArea.RightDockWidgetArea,
    "grid": Qt.DockWidgetArea.LeftDockWidgetArea,
    "kpi": Qt.DockWidgetArea.BottomDockWidgetArea,
}


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings, location: str) -> None:
        super().__init__()
        self._settings = settings
        self.setWindowTitle(self.tr("gridcommand — Grid Command Centre"))
        self.setObjectName("mainWindow")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )

        self.banner = ConnectionBanner()
        self._map_stack = QStackedWidget()
        waiting = QLabel(self.tr("Loading the map…"))
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._map_stack.addWidget(waiting)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self._map_stack, 1)
        self.setCentralWidget(central)

        self.docks: dict[str, QDockWidget] = {}
        titles = {
            "queues": self.tr("Ticket queues"),
            "workers": self.tr("Workers"),
            "charts": self.tr("Charts"),
            "quality": self.tr("Data quality"),
            "detail": self.tr("Ticket detail"),
            "grid": self.tr("Grid drill-down"),
            "kpi": self.tr("Evaluation (KPI)"),
        }
        for name, title in titles.items():
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{name}")
            empty = QLabel(self.tr("Nothing to show yet."))
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            dock.setWidget(empty)
            self.addDockWidget(DOCK_AREAS[name], dock)
            self.docks[name] = dock
        self.tabifyDockWidget(self.docks["charts"], self.docks["quality"])
        self.tabifyDockWidget(self.docks["charts"], self.docks["kpi"])
        self.tabifyDockWidget(self.docks["workers"], self.docks["grid"])
        self.docks["charts"].raise_()
        self.docks["workers"].raise_()

        self._connection_label = QLabel()
        self._clock_label = QLabel()
        self._location_label = QLabel(location)
        self._operator_label = QLabel()
        self._keys_label = QLabel(
            self.tr(
                "Keys: E next emergency · A acknowledge · D dispatch (Enter sends) · "
                "R register · V verify · C close · B send back · F show on map"
            )
        )
        self._keys_label.setStyleSheet("color:#9e9e9e;")
        status = self.statusBar()
        status.addWidget(self._connection_label)
        status.addWidget(self._location_label)
        status.addWidget(self._operator_label)
        status.addWidget(self._keys_label, 1)
        status.addPermanentWidget(self._clock_label)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._on_clock_tick)
        self._clock.start(1000)
        self._on_clock_tick()
        self.set_connection_state("connecting", "")
        self._restore_layout()

    def set_map_widget(self, widget: QWidget) -> None:
        self._map_stack.addWidget(widget)
        self._map_stack.setCurrentWidget(widget)

    def set_panel(self, name: str, widget: QWidget) -> None:
        self.docks[name].setWidget(widget)

    def show_panel(self, name: str) -> None:
        """Bring a dock to the front (a drill-down the manager just asked for)."""
        dock = self.docks[name]
        dock.show()
        dock.raise_()

    def set_connection_state(self, state: str, detail: str) -> None:
        self.banner.set_state(state, detail)
        text = {
            "connected": self.tr("● Live"),
            "connecting": self.tr("○ Connecting"),
            "reconnecting": self.tr("◐ Reconnecting"),
            "lost": self.tr("✕ Connection lost"),
        }.get(state, state)
        self._connection_label.setText(text)
        color = {"connected": "#2e7d32", "lost": "#b00020"}.get(state, "#b26a00")
        self._connection_label.setStyleSheet(f"color:{color};font-weight:bold;")

    def set_operator(self, operator: object) -> None:
        """Who the trace will name, and what they may do, always in view."""
        actor = getattr(operator, "actor", "")
        role = str(getattr(operator, "role", ""))
        role_text = QCoreApplication.translate("Roles", str(ROLE_NAMES.get(role, role)))
        self._operator_label.setText(
            self.tr("Operator: %1 · %2").replace("%1", actor).replace("%2", role_text)
        )

    def connection_text(self) -> str:
        return self._connection_label.text()

    def _on_clock_tick(self) -> None:
        self._clock_label.setText(QDateTime.currentDateTime().toString("yyyy-MM-dd HH:mm:ss"))

    def _restore_layout(self) -> None:
        geometry = self._settings.value("window/geometry")
        state = self._settings.value("window/state")
        self.first_run = geometry is None
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1600, 900)
        if state is not None:
            self.restoreState(state)

    def _apply_first_layout(self) -> None:
        """A first start on a wall screen: the map in the middle gets the most room,
        the queues a dispatcher works from get a readable width and height."""
        width = self.width()
        self.resizeDocks(
            [self.docks["queues"], self.docks["workers"]],
            [int(width * 0.34), int(width * 0.2)],
            Qt.Orientation.Horizontal,
        )
        height = self.height()
        self.resizeDocks([self.docks["charts"]], [int(height * 0.26)], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.docks["queues"], self.docks["detail"]],
            [int(height * 0.42), int(height * 0.3)],
            Qt.Orientation.Vertical,
        )

    def show_for_wall(self) -> None:
        """Maximised on the first start (the wall screen); as the operator left it after."""
        if not self.first_run:
            self.show()
            return
        screen = self.screen()
        if screen is not None:
            self.setGeometry(screen.availableGeometry())
        self.showMaximized()
        QTimer.singleShot(250, self._apply_first_layout)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/state", self.saveState())
        self._settings.sync()
        super().closeEvent(event)
