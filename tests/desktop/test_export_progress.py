"""A long export shows its progress and stops, leaving nothing, when Cancel is clicked."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from gridcommand.desktop.export_progress import ExportProgress, Step
from gridcommand.desktop.exports import _atomic


def _slow_file(path: Path, steps: int) -> Callable[[Step], Path]:
    def job(step: Step) -> Path:
        def write(partial: Path) -> None:
            with partial.open("w") as f:
                for n in range(steps):
                    f.write(f"{n}\n")
                    step(round(100 * n / steps), f"row {n}")
                    time.sleep(0.02)

        return _atomic(path, write)

    return job


def test_progress_is_shown_and_the_result_arrives(qtbot: QtBot, tmp_path: Path) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    progress = ExportProgress(window)
    results: list[object] = []
    started = progress.run("Exporting", _slow_file(tmp_path / "a.txt", 40), results.append, print)
    assert started and progress.busy
    assert not progress.run(
        "again", _slow_file(tmp_path / "b.txt", 1), print, print
    )  # one at a time
    qtbot.waitUntil(
        lambda: progress.dialog is not None and progress.dialog.isVisible(), timeout=5000
    )
    dialog = progress.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.value() > 20, timeout=5000)
    qtbot.waitUntil(lambda: results == [tmp_path / "a.txt"], timeout=10_000)
    assert not progress.busy and progress.dialog is None
    assert (tmp_path / "a.txt").read_text().count("\n") == 40
    percents = [p for p, _ in progress.steps]
    assert percents == sorted(percents) and len(percents) == 40


def test_cancel_stops_the_export_and_leaves_no_file(qtbot: QtBot, tmp_path: Path) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    progress = ExportProgress(window)
    outcome: list[object] = []
    progress.run("Exporting", _slow_file(tmp_path / "big.txt", 500), outcome.append, outcome.append)
    qtbot.waitUntil(
        lambda: progress.dialog is not None and progress.dialog.isVisible(), timeout=5000
    )
    dialog = progress.dialog
    assert dialog is not None
    button = dialog.findChild(QPushButton)
    assert button is not None
    QTest.mouseClick(
        button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(5, 5)
    )
    qtbot.waitUntil(lambda: not progress.busy, timeout=10_000)
    assert outcome == []  # neither a result nor an error: cancelled
    assert list(tmp_path.iterdir()) == []  # no file, no partial file
    assert len(progress.steps) < 500
