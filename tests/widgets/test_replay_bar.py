"""The replay bar on its own: its keys and buttons ask for the right moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from gridcommand.widgets.replay_bar import ReplayBar

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def _bar(qtbot: QtBot) -> tuple[ReplayBar, list[datetime]]:
    bar = ReplayBar()
    qtbot.addWidget(bar)
    asked: list[datetime] = []
    bar.seek_requested.connect(asked.append)
    bar.open(START, START + timedelta(days=1), START + timedelta(hours=9))
    return bar, asked


def test_keys_and_buttons_move_the_moment(qtbot: QtBot) -> None:
    bar, asked = _bar(qtbot)
    assert asked == [START + timedelta(hours=9)]
    assert "REPLAY" in bar.title() and "paused" in bar.title()
    bar.shown()
    QTest.keyClick(bar.slider, Qt.Key.Key_PageUp)
    assert asked[-1] == START + timedelta(hours=10)
    QTest.keyClick(bar, Qt.Key.Key_Left)
    assert asked[-1] == START + timedelta(hours=9, minutes=59)
    QTest.mouseClick(bar.forward_button, Qt.MouseButton.LeftButton)
    assert asked[-1] == START + timedelta(hours=10)
    QTest.keyClick(bar.slider, Qt.Key.Key_End)
    assert asked[-1] == START + timedelta(days=1)


def test_play_advances_by_the_speed_and_waits_for_each_moment(qtbot: QtBot) -> None:
    bar, asked = _bar(qtbot)
    bar.shown()
    QTest.mouseClick(bar.speed_buttons.button(600), Qt.MouseButton.LeftButton)
    QTest.keyClick(bar, Qt.Key.Key_Space)
    assert bar.playing and "600" in bar.title()
    qtbot.waitUntil(lambda: len(asked) >= 2, timeout=5000)
    # Not shown yet: no further moment is asked for, however long it takes.
    qtbot.wait(600)
    assert len(asked) == 2
    # 600×: each real second of play is ten minutes of the past.
    assert asked[1] > asked[0]
    bar.shown()
    qtbot.waitUntil(lambda: len(asked) >= 3, timeout=5000)
    QTest.keyClick(bar, Qt.Key.Key_Space)
    assert not bar.playing and "paused" in bar.title()


def test_escape_and_the_button_ask_for_live(qtbot: QtBot) -> None:
    bar, _ = _bar(qtbot)
    wanted: list[bool] = []
    bar.live_requested.connect(lambda: wanted.append(True))
    QTest.keyClick(bar, Qt.Key.Key_Escape)
    QTest.mouseClick(bar.live_button, Qt.MouseButton.LeftButton)
    assert wanted == [True, True]
