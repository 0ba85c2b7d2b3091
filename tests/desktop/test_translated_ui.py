"""The Chinese console has no English left in it: every widget, menu, header and dialog.

The window is started in zh_CN against a real seeded database with an emergency,
a refused field row and a dispatch dialog open, and every string a user can see
is collected: labels, buttons, placeholders, list items, tabs, dock titles,
tooltips, menus and their actions, table headers and the first rows of every
model, chart titles, the status bar and the alarm banner. A word of two or more
ASCII letters fails the test, unless it is a unit or data (the operator's login).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.actions.suggestions import load_suggestions
from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.schema.engine import Database
from gridcommand.desktop import i18n
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.wiring import WindowSession, wire_window
from gridcommand.widgets.dispatch_dialog import DispatchDialog
from tests.desktop.conftest import grid_point, insert_ticket, register_behind_the_console

WORD = re.compile(r"[A-Za-z]{2,}")
#: Units and proper names (WGS84, the product); data: the login, the test reporters.
ALLOWED = {"km", "mi", "ft", "min", "WGS", "gridcommand", "Leaflet", "duty", "caller"}
#: File formats are named as they are in Chinese too (the Export menu).
ALLOWED |= {"CSV", "XLSX", "PDF", "PNG"}


@pytest.fixture
def chinese_session(
    qtbot: QtBot, qapp: QApplication, engine: Engine, db_url: URL, tmp_path: Path
) -> Iterator[WindowSession]:
    translators = i18n.install_translators(qapp, "zh_CN")
    seed_demo(engine, grids=12, random_seed=3, days=2, now=datetime.now(UTC))
    window = MainWindow(
        QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat), "(embedded)"
    )
    qtbot.addWidget(window)
    running = wire_window(
        window,
        Database(url=db_url),
        poll_interval=0.3,
        operator_login="duty1",
        operator_role="supervisor",
    )
    window.show()
    qtbot.waitUntil(lambda: running.store.loaded, timeout=20_000)
    yield running
    running.stop()
    for translator in translators:
        qapp.removeTranslator(translator)


def _widget_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__}:{w.objectName()}"
        yield name, QTextDocumentFragment.fromHtml(w.toolTip()).toPlainText()
        if isinstance(w, QLabel):
            # What is shown, not the markup of a rich-text label.
            yield name, QTextDocumentFragment.fromHtml(w.text()).toPlainText()
        if isinstance(w, QAbstractButton):
            yield name, w.text()
        if isinstance(w, QLineEdit):
            yield name, w.placeholderText()
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                yield name, w.itemText(i)
        if isinstance(w, QTabBar):
            for i in range(w.count()):
                yield name, w.tabText(i)
                yield name, w.tabToolTip(i)
        if isinstance(w, QDockWidget):
            yield name, w.windowTitle()
        if isinstance(w, QMenu):
            yield name, w.title()
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for c in range(model.columnCount()):
                yield name, str(model.headerData(c, Qt.Orientation.Horizontal) or "")
            for r in range(min(model.rowCount(), 30)):
                for c in range(model.columnCount()):
                    yield name, str(model.index(r, c).data() or "")
        if isinstance(w, pg.PlotWidget):
            yield name, w.getPlotItem().titleLabel.text
        for action in w.actions():
            yield f"{name}/action", action.text()
            yield f"{name}/action", action.toolTip()
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                yield from _widget_texts(submenu)


def _english(texts: Iterator[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for where, text in texts:
        words = {w for w in WORD.findall(text) if w not in ALLOWED}
        if words:
            found.append((where, text))
    return found


def test_the_chinese_console_shows_no_english(
    qtbot: QtBot, chinese_session: WindowSession, engine: Engine, db_url: URL
) -> None:
    session, window = chinese_session, chinese_session.window
    grid, lon, lat = grid_point(engine)
    emergency = insert_ticket(db_url, grid, lon, lat, 91, emergency=True)
    insert_ticket(db_url, grid, 0.0, 0.0, 92)  # far outside: a data-quality row
    qtbot.waitUntil(lambda: emergency in session.alarm.pending, timeout=10_000)
    qtbot.waitUntil(lambda: session.quality.model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: session.filter_bar.klass.count() > 1, timeout=10_000)
    session.refresh_charts()
    qtbot.waitUntil(lambda: session.charts.figures is not None, timeout=10_000)
    session.queues.select_ticket(emergency)
    qtbot.waitUntil(lambda: session.detail.ticket_id == emergency, timeout=10_000)
    session.show_grid(grid)  # the manager's drill-down, its figures written out
    qtbot.waitUntil(lambda: session.drilldown.grid_code == grid, timeout=10_000)
    top = window.menuWidget()
    assert top is not None
    for menu in top.findChildren(QMenu):
        menu.aboutToShow.emit()  # the layout and screen lists are filled on opening
    texts = list(_widget_texts(window))
    texts.append(("status", window.statusBar().currentMessage()))
    texts.append(("title", window.windowTitle()))
    assert any("紧急" in t for _, t in texts)  # the walk reached the banner
    english = _english(iter(texts))
    assert english == [], sorted(set(english))

    suggestions = load_suggestions(
        engine,
        emergency,
        stale_after=session.store.stale_after,
        offline_after=session.store.offline_after,
    )
    dialog = DispatchDialog(session.store.tickets[emergency].code, list(suggestions), window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog_texts = [*_widget_texts(dialog), ("dialog title", dialog.windowTitle())]
    english = _english(iter(dialog_texts))
    assert english == [], sorted(set(english))


def test_a_refusal_is_said_in_chinese(
    qtbot: QtBot, chinese_session: WindowSession, engine: Engine, db_url: URL
) -> None:
    """The database's refusal reaches the officer in Chinese, with the names in Chinese."""
    session = chinese_session
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 93)
    qtbot.waitUntil(lambda: tid in session.queues.tickets, timeout=10_000)
    assert session.queues.select_ticket(tid)
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)
    session.live.stop()  # this console's picture now lags behind the database
    register_behind_the_console(db_url, tid, "李四")
    failures: list[str] = []
    session.actions.action_failed.connect(failures.append)
    session.window.activateWindow()
    QTest.keyClick(session.window, "R")  # type: ignore[call-overload]
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    box = session.failure_box
    assert box is not None and box.isVisible()
    said = box.text()
    assert "李四" in said and "调度员" in said and "已立案" in said, said
    assert not _english(iter([("refusal", said.replace(str(tid), ""))])), said
