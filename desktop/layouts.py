"""Dock layouts: each role's default, the operator's named ones, the last one per role.

A wall screen (viewer) wants the map and the charts; a duty officer (dispatcher)
the queues and the ticket detail; a manager the charts and one grid's drill-down.
Each role starts from its own default; what the operator arranges is kept per
role under ``layout/<role>/last`` on every exit, and named layouts (``layouts/
<name>``) can be saved and loaded from the View menu.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

#: The docks each role sees at first; the others stay one click away (View menu).
ROLE_DOCKS: dict[str, tuple[str, ...]] = {
    "viewer": ("charts",),
    "dispatcher": ("queues", "detail", "workers"),
    "supervisor": ("queues", "detail", "workers", "charts"),
    "manager": ("charts", "grid", "detail", "kpi"),
}
Area = Qt.DockWidgetArea
#: Where each dock goes in a role's default layout.
ROLE_AREAS: dict[str, dict[str, Qt.DockWidgetArea]] = {
    "viewer": {"charts": Area.BottomDockWidgetArea},
    "manager": {"grid": Area.LeftDockWidgetArea, "charts": Area.BottomDockWidgetArea},
}
DEFAULT_AREAS = {
    "queues": Area.RightDockWidgetArea,
    "workers": Area.LeftDockWidgetArea,
    "charts": Area.BottomDockWidgetArea,
    "quality": Area.BottomDockWidgetArea,
    "detail": Area.RightDockWidgetArea,
    "grid": Area.LeftDockWidgetArea,
    "kpi": Area.BottomDockWidgetArea,
}


def apply_role_default(window: QMainWindow, docks: dict[str, QDockWidget], role: str) -> None:
    """Lay the docks out as ``role`` starts: its docks shown, the rest hidden, map widest."""
    shown = ROLE_DOCKS.get(role, ROLE_DOCKS["supervisor"])
    areas = {**DEFAULT_AREAS, **ROLE_AREAS.get(role, {})}
    for name, dock in docks.items():
        dock.setFloating(False)
        window.addDockWidget(areas[name], dock)
        dock.setVisible(name in shown)
    # Docks that share an area and are both hidden by default stay tabbed behind
    # the shown ones, so turning one on does not squeeze the map further.
    window.tabifyDockWidget(docks["charts"], docks["quality"])
    if "kpi" in docks:  # the evaluation board shares the charts' room
        window.tabifyDockWidget(docks["charts"], docks["kpi"])
    if "grid" not in shown:
        window.tabifyDockWidget(docks["workers"], docks["grid"])
    for name in shown:
        docks[name].raise_()
    width, height = window.width(), window.height()
    side = [docks[n] for n in ("queues", "detail") if n in shown and n in docks]
    if side:
        window.resizeDocks(side[:1], [int(width * 0.32)], Qt.Orientation.Horizontal)
    left = [docks[n] for n in ("workers", "grid") if n in shown]
    if left:
        window.resizeDocks(left[:1], [int(width * 0.2)], Qt.Orientation.Horizontal)
    if "charts" in shown:
        window.resizeDocks([docks["charts"]], [int(height * 0.26)], Qt.Orientation.Vertical)
    if "queues" in shown and "detail" in shown:
        window.resizeDocks(
            [docks["queues"], docks["detail"]],
            [int(height * 0.45), int(height * 0.3)],
            Qt.Orientation.Vertical,
        )


def last_key(role: str) -> str:
    return f"layout/{role}/last"


def save_last(settings: QSettings, window: QMainWindow, role: str) -> None:
    settings.setValue(last_key(role), window.saveState())


def restore_last(settings: QSettings, window: QMainWindow, role: str) -> bool:
    state = settings.value(last_key(role))
    return isinstance(state, QByteArray) and window.restoreState(state)


def names(settings: QSettings) -> list[str]:
    settings.beginGroup("layouts")
    try:
        return sorted(settings.childKeys())
    finally:
        settings.endGroup()


def save_named(settings: QSettings, window: QMainWindow, name: str) -> None:
    settings.setValue(f"layouts/{name}", window.saveState())
    settings.sync()


def load_named(settings: QSettings, window: QMainWindow, name: str) -> bool:
    state = settings.value(f"layouts/{name}")
    return isinstance(state, QByteArray) and window.restoreState(state)
