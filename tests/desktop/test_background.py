"""Background work: results arrive on the GUI thread, and the latest request wins."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from gridcommand.db.schema.errors import UserFacingError
from gridcommand.desktop.background import BackgroundRunner


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    gui = QThread.currentThread()
    seen: list[tuple[object, bool, bool]] = []

    def work() -> str:
        return threading.current_thread().name

    def on_result(value: object) -> None:
        seen.append(
            (value, QThread.currentThread() is gui, value != threading.current_thread().name)
        )

    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.submit("job", work, on_result)
    assert seen and seen[0][1] and seen[0][2]


def test_latest_request_wins(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    gate = threading.Event()
    results: list[str] = []

    def slow() -> str:
        gate.wait(5)
        return "old"

    runner.submit("report", slow, results.append)
    with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
        runner.submit("report", lambda: "new", results.append)
    assert blocker.args == ["report", "new"]
    gate.set()
    runner.wait(5000)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)  # the old result came back
    assert results == ["new"]


def test_errors_come_back_as_sentences(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    errors: list[str] = []

    def refuse() -> None:
        raise UserFacingError("Ticket T1 was changed by officer.wang.")

    with qtbot.waitSignal(runner.failed, timeout=5000):
        runner.submit("dispatch", refuse, on_error=errors.append)
    assert errors == ["Ticket T1 was changed by officer.wang."]
