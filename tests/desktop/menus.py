"""Real mouse input on the window's menu bar: open a menu, click one of its actions."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu, QMenuBar
from pytestqt.qtbot import QtBot

from gridcommand.desktop.main_window import MainWindow


def _menu_of(bar: QMenuBar, action: QAction) -> QMenu:
    for top in bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu) and action in menu.actions():
            return menu
    raise AssertionError(f"{action.text()!r} is in no menu of the menu bar")


def choose(qtbot: QtBot, window: MainWindow, action: QAction) -> None:
    """Click the menu's title in the menu bar, then the action in the menu that opens."""
    bar = window.findChild(QMenuBar)
    assert bar is not None and bar.isVisible()
    menu = _menu_of(bar, action)
    assert action.isEnabled(), f"{action.text()!r} is greyed out"
    # Through the windows, as the platform delivers a hand's clicks: events sent to the
    # widgets themselves pass a popup's bookkeeping by, and a menu opened the second
    # time then ignores its click.
    top = bar.window()
    title = bar.mapTo(top, bar.actionGeometry(menu.menuAction()).center())
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(top.windowHandle(), left, none, title)
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    popup = menu.windowHandle()
    at = menu.actionGeometry(action).center()
    QTest.mouseMove(popup, at + QPoint(0, 2))  # a menu takes a pointer that has moved on it
    QTest.mouseMove(popup, at)
    qtbot.wait(50)
    QTest.mouseClick(popup, left, none, at)
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=5000)
