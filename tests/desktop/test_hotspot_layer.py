"""The board's hot-spot layer in the running window: real clicks, the database's counts."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from gridcommand.db.reports.hotspots import hotspots
from gridcommand.desktop.wiring import WindowSession
from gridcommand.maps.panel import MapPanel
from tests.desktop.menus import choose
from tests.maps.mouse import run_js

SHADED = (
    "Object.fromEntries(Array.from(gridmap.state.reg.hotspots.entries())"
    ".map(([k, l]) => [k, l.options.fillColor]))"
)
LEGEND = (
    "(() => { const e = document.querySelector('.gc-hot-legend');"
    " return e && e.offsetParent !== null ? e.textContent : null; })()"
)
COUNTS = (
    "Object.fromEntries(Array.from(gridmap.state.reg.hotspots.entries())"
    ".map(([k, l]) => [k, l.gcCount]))"
)
VIEW = "[gridmap.map().getCenter().lat, gridmap.map().getCenter().lng, gridmap.map().getZoom()]"


def shaded(qtbot: QtBot, panel: MapPanel) -> set[str]:
    """The grids the page shades now."""
    value = run_js(qtbot, panel, SHADED)
    return set(value) if isinstance(value, dict) else set()


def _legend_says(qtbot: QtBot, panel: MapPanel, text: str) -> bool:
    return text in str(run_js(qtbot, panel, LEGEND))


def test_the_board_switches_the_layer_and_its_category_updates_it_in_place(
    qtbot: QtBot, session: WindowSession, engine: Engine
) -> None:
    window, board, panel = session.window, session.kpi_board, session.map
    assert panel is not None
    window.show_panel("kpi")
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    qtbot.waitUntil(lambda: board.category_choice.count() > 1, timeout=20_000)
    # The last four days: the seeded history's cases, whatever day the test runs.
    board.period_choice.setCurrentIndex(board.period_choice.findData("custom"))
    board.first.setDate(QDate.currentDate().addDays(-3))
    board.last.setDate(QDate.currentDate())
    run_js(
        qtbot, panel, "gridmap.map().setZoom(gridmap.map().getZoom() + 1, {animate: false}) && 1"
    )
    view = run_js(qtbot, panel, VIEW)

    box = board.hotspots_box
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(8, 8))
    assert box.isChecked() and window.hotspots_action.isChecked()
    period = board.period()
    expected = {s.grid_code: s.count for s in hotspots(engine, period.start, period.end)}
    assert expected  # the seeded days have cases
    qtbot.waitUntil(lambda: shaded(qtbot, panel) == set(expected), timeout=20_000)
    legend = str(run_js(qtbot, panel, LEGEND))
    assert board.category_choice.currentText() in legend
    assert QDate.currentDate().toString("yyyy-MM-dd") in legend

    # Another category, chosen with the keyboard: the layer follows, the view stays. A
    # class with no case says so in the legend; the next one with cases is shaded.
    board.category_choice.setFocus()
    only: set[str] = set()
    while not only:
        QTest.keyClick(board.category_choice, Qt.Key.Key_Down)
        klass = board.category_choice.currentData()
        assert klass is not None
        name = board.category_choice.currentText()
        only = {s.grid_code for s in hotspots(engine, period.start, period.end, class_code=klass)}
        if not only:
            qtbot.waitUntil(partial(_legend_says, qtbot, panel, name), timeout=20_000)
            assert "No case in the period" in str(run_js(qtbot, panel, LEGEND))
    qtbot.waitUntil(lambda: name in str(run_js(qtbot, panel, LEGEND)), timeout=20_000)
    qtbot.waitUntil(lambda: shaded(qtbot, panel) == only, timeout=20_000)
    # Each shaded grid carries this class's count, not all categories'.
    by_class = {
        s.grid_code: s.count
        for s in hotspots(
            engine, period.start, period.end, class_code=board.category_choice.currentData()
        )
    }
    qtbot.waitUntil(lambda: run_js(qtbot, panel, COUNTS) == by_class, timeout=20_000)
    assert run_js(qtbot, panel, VIEW) == view

    # View → Hot-spot layer switches it off (the board's box follows) and on again.
    choose(qtbot, window, window.hotspots_action)
    assert not box.isChecked()
    qtbot.waitUntil(lambda: run_js(qtbot, panel, LEGEND) is None, timeout=10_000)
    assert shaded(qtbot, panel) == set()
    choose(qtbot, window, window.hotspots_action)
    assert box.isChecked()
    qtbot.waitUntil(lambda: shaded(qtbot, panel) == only, timeout=20_000)
    assert run_js(qtbot, panel, VIEW) == view
    assert timedelta(days=4) <= period.end - period.start
