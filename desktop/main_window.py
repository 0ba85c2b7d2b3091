"""The command centre's main window: the map in the middle, panels docked around it.

The window itself holds no data logic: panels are plugged in by
:mod:`gridcommand.desktop.app`, and the window only lays them out, remembers
the layout between runs and shows whether the picture is live.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMenuBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gridcommand.desktop import layouts, theme
from gridcommand.desktop.screens import place_docks
from gridcommand.resources.palette import AT_RISK, CONNECTION, HINT_TEXT, SOUND_OFF
from gridcommand.resources.vocabulary import operator_role_name
from gridcommand.widgets.alarm_banner import AlarmBanner
from gridcommand.widgets.connection_banner import ConnectionBanner

DOCK_AREAS = {
    "queues": Qt.DockWidgetArea.RightDockWidgetArea,
    "workers": Qt.DockWidgetArea.LeftDockWidgetArea,
    "charts": Qt.DockWidgetArea.BottomDockWidgetArea,
    "quality": Qt.DockWidgetArea.BottomDockWidgetArea,
    "detail": Qt.DockWidgetArea.RightDockWidgetArea,
    "grid": Qt.DockWidgetArea.LeftDockWidgetArea,
    "kpi": Qt.DockWidgetArea.BottomDockWidgetArea,
}


#: The docks that go to the second screen with ``--screens map=1,queues=2``.
SECOND_SCREEN_DOCKS = ("queues", "charts")
#: Below these a dock gives way (scrolls, tabs) instead of squeezing the map.
DOCK_MINIMUM = (180, 120)


class MainWindow(QMainWindow):
    #: Minutes to mute the siren for (0: sound again), chosen by a supervisor.
    mute_requested = Signal(int)
    wall_mode_changed = Signal(bool)
    #: View → Replay: the last day replayed (回放).
    replay_requested = Signal()

    def __init__(self, settings: QSettings, location: str) -> None:
        super().__init__()
        self._settings = settings
        self.role: str | None = None
        self.wall = False
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
            dock.setMinimumSize(*DOCK_MINIMUM)
            self.addDockWidget(DOCK_AREAS[name], dock)
            self.docks[name] = dock
        self.tabifyDockWidget(self.docks["charts"], self.docks["quality"])
        self.tabifyDockWidget(self.docks["charts"], self.docks["kpi"])
        self.tabifyDockWidget(self.docks["workers"], self.docks["grid"])
        self.docks["charts"].raise_()
        self.docks["workers"].raise_()

        self._connection_label = QLabel()
        self._clock_label = QLabel()
        # The embedded server's "(embedded)" is a code from the database layer: said in words.
        self._location_label = QLabel(
            self.tr("embedded database") if location == "(embedded)" else location
        )
        self._operator_label = QLabel()
        self._keys_label = QLabel(
            self.tr(
                "Keys: E next emergency · A acknowledge · D dispatch (Enter sends) · "
                "R register · V verify · C close · B send back · F show on map"
            )
        )
        self._keys_label.setStyleSheet(f"color:{HINT_TEXT};")
        for label in (self._connection_label, self._location_label, self._operator_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # logins and places are data
        status = self.statusBar()
        status.addWidget(self._connection_label)
        status.addWidget(self._location_label)
        status.addWidget(self._operator_label)
        status.addWidget(self._keys_label, 1)
        status.addPermanentWidget(self._clock_label)
        # Sound off must be seen from across the room: large, red, beside the clock.
        self._sound_label = QLabel()
        self._sound_label.setObjectName("soundOff")
        self._sound_label.setStyleSheet(
            f"#soundOff {{ background:{SOUND_OFF}; color:white; font-weight:bold;"
            " padding:2px 10px; }"
        )
        self._sound_label.hide()
        status.addPermanentWidget(self._sound_label)
        self.alarm_banner = AlarmBanner()
        self._build_top(self.alarm_banner)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._on_clock_tick)
        self._clock.start(1000)
        self._on_clock_tick()
        self.set_connection_state("connecting", "")
        self._restore_layout()

    # -- the top strip and the menus (above every dock) ------------------------------------
    def _build_top(self, alarm_banner: AlarmBanner) -> None:
        """The menu bar and, under it, the alarm banner: both span the window above all docks."""
        top = QWidget()
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        self._menu_bar = QMenuBar(top)
        box.addWidget(self._menu_bar)
        box.addWidget(alarm_banner)
        self._top_box = box
        self._top_extras: list[QWidget] = []
        self.setMenuWidget(top)
        bar = self._menu_bar

        console = bar.addMenu(self.tr("&Console"))
        self.quit_action = QAction(self.tr("Quit"), self)
        # Ctrl+Q itself: the platform's "Quit" key is empty on some (offscreen, plain X11).
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        console.addAction(self.quit_action)
        self.addAction(self.quit_action)  # works with the menu bar hidden (wall mode)

        self._build_export_menu(bar)

        view = bar.addMenu(self.tr("&View"))
        self.wall_action = QAction(self.tr("Wall mode (full screen, large text)"), self)
        self.wall_action.setCheckable(True)
        self.wall_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.wall_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.wall_action.toggled.connect(self.set_wall)
        view.addAction(self.wall_action)
        self.addAction(self.wall_action)
        panels = view.addMenu(self.tr("Panels"))
        for dock in self.docks.values():
            panels.addAction(dock.toggleViewAction())
        # The map's hot-spot layer: the same switch as the KPI board's check box.
        self.hotspots_action = QAction(self.tr("Hot-spot layer (cases by category)"), self)
        self.hotspots_action.setObjectName("hotspotsAction")
        self.hotspots_action.setCheckable(True)
        view.addAction(self.hotspots_action)
        self._layouts_menu = view.addMenu(self.tr("Layouts"))
        self._layouts_menu.aboutToShow.connect(self._fill_layouts_menu)
        self._fill_layouts_menu()
        self._screens_menu = view.addMenu(self.tr("Screens"))
        self._screens_menu.aboutToShow.connect(self._fill_screens_menu)
        self.replay_action = QAction(self.tr("Replay the last 24 hours…"), self)
        self.replay_action.setShortcut(QKeySequence("Ctrl+R"))
        self.replay_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.replay_action.triggered.connect(self.replay_requested)
        view.addAction(self.replay_action)
        self.addAction(self.replay_action)  # works with the menu bar hidden (wall mode)
        # Esc goes back to live wherever the focus is (the map, a queue), while replaying:
        # the replay bar's own Esc answered only while the bar had the focus.
        self.live_action = QAction(self.tr("Back to live"), self)
        self.live_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.live_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.live_action.setEnabled(False)
        view.addAction(self.live_action)
        self.addAction(self.live_action)

        alarm = bar.addMenu(self.tr("&Alarm"))
        self.mute_actions: list[QAction] = []
        for minutes in (5, 15, 30):
            action = QAction(self.tr("Mute the siren for %1 min").replace("%1", str(minutes)), self)
            action.triggered.connect(lambda _=False, m=minutes: self.mute_requested.emit(m))
            alarm.addAction(action)
            self.mute_actions.append(action)
        self.unmute_action = QAction(self.tr("Sound the siren again"), self)
        self.unmute_action.triggered.connect(lambda: self.mute_requested.emit(0))
        alarm.addAction(self.unmute_action)
        self.mute_actions.append(self.unmute_action)

    def _build_export_menu(self, bar: QMenuBar) -> None:
        """Export: tables, reports and the map; desktop/exports.py does the work."""
        menu = bar.addMenu(self.tr("&Export"))
        menu.setObjectName("exportMenu")
        entries = (
            ("queue_xlsx", self.tr("Current queue to XLSX…")),
            ("queue_csv", self.tr("Current queue to CSV…")),
            ("ranking_xlsx", self.tr("KPI ranking to XLSX…")),
            ("ranking_csv", self.tr("KPI ranking to CSV…")),
            ("", ""),
            ("monthly_pdf", self.tr("Monthly report (PDF)…")),
            ("grid_pdf", self.tr("One grid's report (PDF)…")),
            ("", ""),
            ("map_png", self.tr("Map as shown to PNG…")),
        )
        self.export_actions: dict[str, QAction] = {}
        for key, text in entries:
            if not key:
                menu.addSeparator()
                continue
            action = QAction(text, self)
            action.setObjectName(f"export_{key}")
            menu.addAction(action)
            self.export_actions[key] = action

    def _fill_layouts_menu(self) -> None:
        menu = self._layouts_menu
        menu.clear()
        save = menu.addAction(self.tr("Save layout as…"))
        save.triggered.connect(self._ask_layout_name)
        reset = menu.addAction(self.tr("Reset to my role's layout"))
        reset.triggered.connect(self.reset_layout)
        saved = layouts.names(self._settings)
        if saved:
            menu.addSeparator()
        for name in saved:
            load = menu.addAction(self.tr("Load “%1”").replace("%1", name))
            load.triggered.connect(lambda _=False, n=name: self.load_layout(n))

    def _fill_screens_menu(self) -> None:
        menu: QMenu = self._screens_menu
        menu.clear()
        screens = QGuiApplication.screens()
        group = QActionGroup(menu)
        for m in range(1, len(screens) + 1):
            for q in range(1, len(screens) + 1):
                if m == q and len(screens) > 1:
                    continue
                text = self.tr("Map on screen %1, queues and charts on screen %2")
                action = menu.addAction(text.replace("%1", str(m)).replace("%2", str(q)))
                action.setActionGroup(group)
                action.triggered.connect(lambda _=False, a=m, b=q: self.place_on_screens(a, b))

    def _ask_layout_name(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save layout"), self.tr("Name:"))
        if ok and name.strip():
            self.save_layout(name.strip())

    # -- layouts ----------------------------------------------------------------------------
    def save_layout(self, name: str) -> None:
        layouts.save_named(self._settings, self, name.replace("/", "-").replace("\\", "-"))

    def load_layout(self, name: str) -> bool:
        return layouts.load_named(self._settings, self, name)

    def reset_layout(self) -> None:
        layouts.apply_role_default(self, self.docks, self.role or "supervisor")

    def _apply_role(self, role: str) -> None:
        """The role's last layout on this PC, else its default."""
        previous, self.role = self.role, role
        if previous is not None:
            layouts.save_last(self._settings, self, previous)
        if not layouts.restore_last(self._settings, self, role):
            layouts.apply_role_default(self, self.docks, role)

    def save_settings(self) -> None:
        """The layout and the window's place, on every way out (menu, close, signals)."""
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/state", self.saveState())
        self._settings.setValue("ui/wall", self.wall)
        if self.role is not None:
            layouts.save_last(self._settings, self, self.role)
        self._settings.sync()

    # -- wall mode and screens --------------------------------------------------------------
    def set_wall(self, on: bool) -> None:
        """Full screen, no chrome, the large text; or back to the desk."""
        self.wall = on
        if self.wall_action.isChecked() != on:
            self.wall_action.setChecked(on)
        app = QApplication.instance()
        sizes = theme.sizes_for(self.screen(), on)
        if isinstance(app, QApplication):
            sizes = theme.apply(app, self.screen(), on)
        self.alarm_banner.set_text_size(sizes.banner)
        for extra in self._top_extras:
            self._size_text(extra, sizes.banner)
        for dock in self.docks.values():
            self._size_text(dock.widget(), sizes.text)
        self._zoom_map(theme.screen_scale(self.screen()) if on else 1.0)
        self._menu_bar.setVisible(not on)
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
            self.showMaximized()
        self.wall_mode_changed.emit(on)

    def place_on_screens(self, map_screen: int, queues_screen: int) -> bool:
        """The map (the window) on one screen, the queues and charts floating on another."""
        screens = QGuiApplication.screens()
        if not (1 <= map_screen <= len(screens) and 1 <= queues_screen <= len(screens)):
            self.statusBar().showMessage(
                self.tr("There is no screen %1 (this PC has %2).")
                .replace("%1", str(max(map_screen, queues_screen)))
                .replace("%2", str(len(screens))),
                10_000,
            )
            return False
        target = screens[map_screen - 1]
        if self.windowHandle() is not None:
            self.windowHandle().setScreen(target)
        self.setGeometry(target.availableGeometry())
        if map_screen == queues_screen:
            return True
        place_docks(
            [self.docks[n] for n in SECOND_SCREEN_DOCKS],
            screens[queues_screen - 1].availableGeometry(),
        )
        return True

    def set_sound_state(self, state: str, until: str = "", by: str = "") -> None:
        """``off`` (no device), ``muted`` or ``on``: said in the banner and the status bar."""
        self.alarm_banner.set_sound(state, until, by)
        if state == "off":
            self._sound_label.setText(self.tr("SOUND OFF"))
        elif state == "muted":
            self._sound_label.setText(self.tr("Siren muted until %1").replace("%1", until))
        self._sound_label.setVisible(state != "on")

    def sound_text(self) -> str:
        return self._sound_label.text() if self._sound_label.isVisible() else ""

    def add_top_widget(self, widget: QWidget) -> None:
        """A strip under the alarm banner, above every dock (the replay bar)."""
        self._top_box.addWidget(widget)
        self._top_extras.append(widget)

    def set_map_widget(self, widget: QWidget) -> None:
        self._map_stack.addWidget(widget)
        self._map_stack.setCurrentWidget(widget)

    def set_panel(self, name: str, widget: QWidget) -> None:
        self.docks[name].setWidget(widget)
        app = QApplication.instance()
        pixels = app.property("gridcommand_text_px") if app is not None else None
        if isinstance(pixels, int):
            self._size_text(widget, pixels)

    def _zoom_map(self, factor: float) -> None:
        """The page grows with the screen as the docks do: a 4K wall draws it at 200 %."""
        for view in self._map_stack.findChildren(QWidget):
            set_zoom = getattr(view, "setZoomFactor", None)
            if callable(set_zoom):
                set_zoom(factor)

    @staticmethod
    def _size_text(widget: QWidget, pixels: int) -> None:
        """Panels that draw their own text (the charts) and tables' icons follow the theme."""
        set_size = getattr(widget, "set_text_size", None)
        if callable(set_size):
            set_size(pixels)
        for view in widget.findChildren(QAbstractItemView):
            view.setIconSize(QSize(pixels, pixels))

    def show_panel(self, name: str) -> None:
        """Bring a dock to the front (a drill-down the manager just asked for)."""
        dock = self.docks[name]
        dock.show()
        dock.raise_()

    def set_connection_state(self, state: str, detail: str) -> None:
        self.banner.set_state(state, detail)
        text = {
            "connected": self.tr("● Live"),
            "lagging": self.tr("◐ Live, behind"),
            "connecting": self.tr("○ Connecting"),
            "reconnecting": self.tr("◐ Reconnecting"),
            "lost": self.tr("✕ Connection lost"),
        }.get(state, state)
        if state in ("connected", "lagging") and detail:
            # How it is live: "replica, polling", "polling, no LISTEN", "replica 1.2 s behind".
            text = f"{text} · {detail}"
        self._connection_label.setText(text)
        # Amber for anything between live and lost.
        color = CONNECTION[state] if state in ("connected", "lost") else CONNECTION["reconnecting"]
        self._connection_label.setStyleSheet(f"color:{color};font-weight:bold;")

    def set_operator(self, operator: object) -> None:
        """Who the trace will name, and what they may do, always in view."""
        actor = getattr(operator, "actor", "")
        role = str(getattr(operator, "role", ""))
        role_text = operator_role_name(role)
        self._operator_label.setText(
            self.tr("Operator: %1 · %2").replace("%1", actor).replace("%2", role_text)
        )
        if role in layouts.ROLE_DOCKS and role != self.role:
            self._apply_role(role)
        can_mute = role == "supervisor"
        for action in self.mute_actions:
            action.setEnabled(can_mute)

    def set_at_risk_count(self, count: int) -> None:
        """How many open cases will likely go red within the hour (超期预警), on the wall."""
        label = getattr(self, "_at_risk_label", None)
        if label is None:
            label = self._at_risk_label = QLabel()
            self.statusBar().addPermanentWidget(label)
        label.setText(self.tr("At risk within the hour: %1").replace("%1", str(count)))
        label.setStyleSheet(f"font-weight:bold;color:{AT_RISK if count else HINT_TEXT};")

    def at_risk_text(self) -> str:
        label = getattr(self, "_at_risk_label", None)
        return label.text() if label is not None else ""

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
        if self.role is not None:
            layouts.apply_role_default(self, self.docks, self.role)
            return
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
        self.save_settings()
        super().closeEvent(event)
