"""The main window opens, shows the connection state and remembers its layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSettings
from pytestqt.qtbot import QtBot

from gridcommand.desktop.main_window import MainWindow


def _settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat)


def test_window_opens_with_its_docks_and_state(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(_settings(tmp_path), "demo db")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert set(window.docks) == {"queues", "workers", "charts", "quality", "detail", "grid", "kpi"}
    assert window.banner.isVisible()
    window.set_connection_state("connected", "")
    assert not window.banner.isVisible()
    assert "Live" in window.connection_text()
    window.set_connection_state("lost", "since 03:12:09")
    assert window.banner.isVisible()
    assert "since 03:12:09" in window.banner.text()


def test_window_remembers_its_geometry(qtbot: QtBot, tmp_path: Path) -> None:
    first = MainWindow(_settings(tmp_path), "demo db")
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.setGeometry(QRect(10, 20, 711, 533))
    first.close()
    second = MainWindow(_settings(tmp_path), "demo db")
    qtbot.addWidget(second)
    assert second.size().width() == 711
    assert second.size().height() == 533
