"""Wall mode, role layouts, named layouts and two screens, on the real window (no database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from gridcommand.desktop import layouts, theme
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.screens import parse_screens, stacked_rects


def _window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "test")
    qtbot.addWidget(window)
    return window


class _Screen:
    """A stand-in for QScreen's geometry (the offscreen screen is one size)."""

    def __init__(self, width: int, height: int) -> None:
        self._rect = QRect(0, 0, width, height)

    def geometry(self) -> QRect:
        return self._rect


def test_wall_text_is_24_px_at_1080p_and_scales_with_the_screen() -> None:
    assert theme.sizes_for(_Screen(1920, 1080), wall=True).text >= 24  # type: ignore[arg-type]
    # A 4K wall at 100 %: twice the pixels, so it reads like the 1080p one.
    assert theme.sizes_for(_Screen(3840, 2160), wall=True).text == 48  # type: ignore[arg-type]
    # The same 4K panel at 200 % reports 1920x1080 logical pixels: 24 px, drawn sharper.
    assert theme.sizes_for(_Screen(1920, 1080), wall=True).text == 24  # type: ignore[arg-type]
    assert theme.sizes_for(_Screen(1280, 720), wall=False).text < 24  # type: ignore[arg-type]


def test_wall_mode_is_full_screen_dark_and_large(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    style, palette, font = qapp.style().name(), qapp.palette(), qapp.font()
    window = _window(qtbot, tmp_path)
    window.show()
    qtbot.waitExposed(window)
    table = QTableView()
    window.set_panel("queues", table)
    try:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window, Qt.Key.Key_F11)
        assert window.wall and window.isFullScreen()
        assert not window._menu_bar.isVisible()
        expected = theme.sizes_for(window.screen(), wall=True).text
        assert expected >= 24
        assert table.fontInfo().pixelSize() == expected
        base = table.palette().color(table.backgroundRole())
        assert base.lightness() < 60, "the docks are dark beside the dark map"
        window.wall_action.trigger()
        assert not window.wall and not window.isFullScreen()
    finally:  # the other tests run on the application as it was
        qapp.setStyleSheet("")
        qapp.setStyle(style)
        qapp.setPalette(palette)
        qapp.setFont(font)


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("viewer", {"charts"}),
        ("dispatcher", {"queues", "detail", "workers"}),
        # The evaluation board (issue 12) is the managers' view: shown from the start.
        ("manager", {"charts", "grid", "detail", "kpi"}),
    ],
)
def test_each_role_starts_from_its_own_layout(
    qtbot: QtBot, tmp_path: Path, role: str, shown: set[str]
) -> None:
    from gridcommand.db.actions.types import Operator

    window = _window(qtbot, tmp_path)
    window.show()
    window.set_operator(Operator("u1", "u1", role, "district", "district"))
    assert {n for n, d in window.docks.items() if d.isVisible()} == shown
    assert window.mute_actions[0].isEnabled() is False  # only a supervisor mutes


def test_layouts_are_saved_by_name_and_per_role_on_close(qtbot: QtBot, tmp_path: Path) -> None:
    from gridcommand.db.actions.types import Operator

    window = _window(qtbot, tmp_path)
    window.show()
    window.set_operator(Operator("u1", "u1", "dispatcher", "district", "district"))
    window.docks["charts"].show()
    window.save_layout("with charts")
    window.docks["charts"].hide()
    assert layouts.names(window._settings) == ["with charts"]
    assert window.load_layout("with charts")
    assert window.docks["charts"].isVisible()
    window.reset_layout()
    assert not window.docks["charts"].isVisible()
    window.docks["quality"].show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Q
    qtbot.waitUntil(lambda: not window.isVisible())
    again = _window(qtbot, tmp_path)
    again.show()
    again.set_operator(Operator("u1", "u1", "dispatcher", "district", "district"))
    assert again.docks["quality"].isVisible(), "the dispatcher's last layout came back"


def test_screens_spec() -> None:
    assert parse_screens("map=1,queues=2") == (1, 2)
    with pytest.raises(ValueError):
        parse_screens("queues=2")
    rects = stacked_rects(_Screen(1920, 1080).geometry(), 2)
    assert rects[0].height() + rects[1].height() == 1080


SCRIPT = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QRect, QSettings, Qt
    from PySide6.QtWidgets import QApplication
    from gridcommand.desktop.main_window import MainWindow, SECOND_SCREEN_DOCKS
    app = QApplication([])
    window = MainWindow(QSettings(sys.argv[1], QSettings.Format.IniFormat), "test")
    window.show()
    ok = window.place_on_screens(1, 2)
    app.processEvents()
    screens = app.screens()
    def inside(rect, screen):
        return screen.geometry().contains(rect.center())
    print(json.dumps({
        "ok": ok,
        "screens": len(screens),
        "window_on_1": inside(window.geometry(), screens[0]),
        "docks_on_2": [inside(window.docks[n].geometry(), screens[1])
                       and window.docks[n].isFloating() for n in SECOND_SCREEN_DOCKS],
        "refused": window.place_on_screens(1, 3),
    }))
    """
)


def test_the_map_on_one_screen_the_queues_and_charts_on_the_other(tmp_path: Path) -> None:
    config = tmp_path / "screens.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": f"s{i}",
                        "x": 1920 * i,
                        "y": 0,
                        "width": 1920,
                        "height": 1080,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                    for i in range(2)
                ]
            }
        )
    )
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "gc.ini")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {
        "ok": True,
        "screens": 2,
        "window_on_1": True,
        "docks_on_2": [True, True],
        "refused": False,
    }
