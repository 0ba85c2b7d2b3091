"""A worker's card shows the system score the rankings give them (the same code)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from gridcommand.db.reports.kpi import Period, compute_kpis
from gridcommand.desktop.wiring import WindowSession
from gridcommand.desktop.worker_card import CARD_DAYS
from tests.maps.mouse import move, pixel, run_js

TIP = (
    "Array.from(document.querySelectorAll('.leaflet-tooltip.gc-tip'))"
    ".filter(e => e.offsetParent !== null).map(e => e.textContent)"
)


def _tips(qtbot: QtBot, session: WindowSession) -> list[str]:
    assert session.map is not None
    value = run_js(qtbot, session.map, TIP)
    return [str(t) for t in value] if isinstance(value, list) else []


def test_clicking_a_worker_shows_the_rankings_score_in_the_panel_and_on_the_map(
    qtbot: QtBot, session: WindowSession, engine: Engine
) -> None:
    panel, workers = session.map, session.workers
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready and workers.proxy.rowCount() > 0, timeout=20_000)
    session.window.show_panel("workers")
    placed = [s for s in session.store.workers.values() if s.position is not None]
    state = min(placed, key=lambda s: s.record.code)
    code, name = state.record.code, state.record.name
    # The ranking of the worker's grid, as the KPI board computes it, over the card's days.
    now = session.store.clock()
    ranking = compute_kpis(
        engine,
        Period(now - timedelta(days=CARD_DAYS), now),
        region=state.record.grid_code,
        by="worker",
        now=now,
    )
    ranked = next(r for r in ranking if r.code == code)
    assert ranked.score is not None
    expected = f"{ranked.score:.1f}"

    workers.search.setText(code)  # one row: the worker's
    qtbot.waitUntil(lambda: workers.proxy.rowCount() == 1, timeout=5000)
    at = workers.view.visualRect(workers.proxy.index(0, 1)).center()
    QTest.mouseClick(
        workers.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at
    )
    qtbot.waitUntil(lambda: expected in workers.card.text(), timeout=20_000)
    assert workers.card.isVisible() and name in workers.card.text()
    assert workers.card.textFormat() == Qt.TextFormat.PlainText

    # On the map: the worker's card, under a real pointer, carries the same score. The
    # pointer goes where the page draws the dot (a dot moves at most every 10 s).
    session.window.resize(1600, 1000)
    # Zoomed out the page holds the worker but no dot (a count stands for them).
    known_js = f"!!gridmap.worker('{code}')"
    qtbot.waitUntil(lambda: run_js(qtbot, panel, known_js) is True)
    run_js(
        qtbot,
        panel,
        f"gridmap.map().setView([gridmap.worker('{code}').lat, gridmap.worker('{code}').lng],"
        " 18, {animate: false}) && 1",
    )
    dot_js = f"!!gridmap.state.reg.workers.get('{code}')"
    qtbot.waitUntil(lambda: run_js(qtbot, panel, dot_js) is True)
    drawn = run_js(qtbot, panel, f"gridmap.state.reg.workers.get('{code}').getLatLng()")
    assert isinstance(drawn, dict)
    move(qtbot, panel, pixel(qtbot, panel, drawn["lat"], drawn["lng"]))
    qtbot.waitUntil(
        lambda: any(name in t and expected in t for t in _tips(qtbot, session)), timeout=10_000
    )
