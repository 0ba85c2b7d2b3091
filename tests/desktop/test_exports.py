"""The Export menu, clicked: tables, reports and the map written off the GUI thread."""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from gridcommand.desktop.exports import Exports, Prompts
from gridcommand.desktop.wiring import WindowSession
from gridcommand.maps.capture import is_blank
from tests.desktop.menus import choose
from tests.maps.conftest import counts


class Answers(Prompts):
    """The operator's answers to the file and choice dialogs (the platform's own)."""

    def __init__(self, folder: Path, pick: int = 0) -> None:
        self.folder, self.pick = folder, pick
        self.asked: list[str] = []

    def save_path(self, suggested: str, suffix: str) -> Path | None:
        self.asked.append(suggested)
        return self.folder / suggested

    def choose(self, title: str, label: str, items: Sequence[str], current: int) -> int | None:
        self.asked.append(items[current])
        return self.pick if self.pick >= 0 else current


def _exported(qtbot: QtBot, exports: Exports, count: int) -> Path:
    qtbot.waitUntil(
        lambda: len(exports.written) >= count and not exports.progress.busy, timeout=60_000
    )
    return exports.written[-1]


class Ticks:
    """The GUI thread's pulse: the longest gap between two 20 ms timer ticks."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        self.last = now


@pytest.fixture
def exports(session: WindowSession, tmp_path: Path) -> Exports:
    session.exports.prompts = Answers(tmp_path)
    return session.exports


def test_the_queue_and_the_ranking_export_from_the_menu(
    qtbot: QtBot, session: WindowSession, exports: Exports
) -> None:
    window = session.window
    queues = session.queues
    window.show_panel("queues")

    def fullest() -> int:
        sizes = [view.model().rowCount() for view in queues.views.values()]  # in tab order
        return max(range(len(sizes)), key=sizes.__getitem__) if max(sizes) else -1

    qtbot.waitUntil(lambda: fullest() >= 0, timeout=20_000)
    tab = queues.tabBar().tabRect(fullest()).center()
    QTest.mouseClick(
        queues.tabBar(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, tab
    )
    shown = queues.views[queues.current_queue()].model().rowCount()
    assert shown > 0
    choose(qtbot, window, window.export_actions["queue_xlsx"])
    path = _exported(qtbot, exports, 1)
    assert path.suffix == ".xlsx" and path.name.startswith(queues.current_queue())
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert abs((sheet.max_row - 1) - shown) <= 2  # the live queue may move by a case meanwhile
    assert exports.progress.steps and exports.progress.steps[0][0] <= 10

    qtbot.waitUntil(lambda: session.kpi_board.ranking.rowCount() > 0, timeout=20_000)
    choose(qtbot, window, window.export_actions["ranking_csv"])
    path = _exported(qtbot, exports, 2)
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert path.name == "ranking-street.csv"
    assert len(rows) - 1 == session.kpi_board.ranking.rowCount()
    assert rows[1][0] == "1"  # ranked
    assert not list(path.parent.glob(".gc-export-*"))  # no partial file left


def test_the_reports_are_written_off_the_gui_thread(
    qtbot: QtBot, session: WindowSession, exports: Exports
) -> None:
    window = session.window
    ticks = Ticks()
    choose(qtbot, window, window.export_actions["monthly_pdf"])
    path = _exported(qtbot, exports, 1)
    document = QPdfDocument()
    document.load(str(path))
    assert document.pageCount() >= 2  # figures, trend and ranking; the map of grid scores
    steps = [text for _, text in exports.progress.steps]
    assert any("figures" in s or "指标" in s for s in steps)
    assert ticks.longest < 1.5, f"the window stood still for {ticks.longest:.2f} s"

    answers = exports.prompts
    assert isinstance(answers, Answers)
    answers.pick = 2  # the third grid
    choose(qtbot, window, window.export_actions["grid_pdf"])
    path = _exported(qtbot, exports, 2)
    code = sorted(session.store.grids)[2]
    assert path.name == f"report-{code}.pdf"
    document = QPdfDocument()
    document.load(str(path))
    assert document.pageCount() >= 1


def test_the_map_exports_to_a_png_as_shown(
    qtbot: QtBot, session: WindowSession, exports: Exports
) -> None:
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    qtbot.waitUntil(lambda: counts(qtbot, panel)["outlines"] > 0, timeout=20_000)
    qtbot.wait(500)  # the outlines' first paint on screen, after they are in the page
    choose(qtbot, session.window, session.window.export_actions["map_png"])
    path = _exported(qtbot, exports, 1)
    image = QImage(str(path))
    assert not is_blank(image)
    assert image.size() == panel.view.size() * panel.view.devicePixelRatioF()
    assert exports.capture_method in ("grab", "print")
