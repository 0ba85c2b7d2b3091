"""Jurisdiction and the other filters narrow every queue, in the running window."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gridcommand.desktop.wiring import WindowSession
from gridcommand.widgets.queues import QUEUES


def _visible(session: WindowSession) -> set[int]:
    return {i for q in QUEUES for i in session.queues.visible_ids(q.key)}


def test_a_street_sees_only_its_own_tickets(qtbot: QtBot, session: WindowSession) -> None:
    bar = session.filter_bar
    qtbot.waitUntil(lambda: bar.region.count() > 1, timeout=10_000)
    qtbot.waitUntil(lambda: session.queues.model.rowCount() > 0, timeout=10_000)
    everything = _visible(session)
    streets = {g.street_code for g in session.store.grids.values()}
    street = next(i for i in range(bar.region.count()) if bar.region.itemData(i) in streets)
    code = bar.region.itemData(street)
    with qtbot.waitSignal(bar.filters_changed, timeout=5000):
        bar.region.setCurrentIndex(street)
    shown = _visible(session)
    expected = {
        t.id
        for t in session.store.tickets.values()
        if t.grid and session.store.grids[t.grid].street_code == code and t.id in everything
    }
    assert shown == expected
    assert 0 < len(shown) < len(everything)


def test_class_item_source_and_text_filters(qtbot: QtBot, session: WindowSession) -> None:
    bar = session.filter_bar
    qtbot.waitUntil(lambda: bar.klass.count() > 1, timeout=10_000)
    qtbot.waitUntil(lambda: session.queues.model.rowCount() > 0, timeout=10_000)
    sample = next(iter(session.store.tickets.values()))
    klass = bar.klass.findData(sample.class_code)
    with qtbot.waitSignal(bar.filters_changed, timeout=5000):
        bar.klass.setCurrentIndex(klass)
    assert bar.item.isEnabled() and bar.item.count() > 1
    assert all(session.store.tickets[i].class_code == sample.class_code for i in _visible(session))
    with qtbot.waitSignal(bar.filters_changed, timeout=5000):
        bar.source.setCurrentIndex(bar.source.findData(sample.source))
    with qtbot.waitSignal(bar.filters_changed, timeout=5000):
        bar.text.setText(sample.code)
    assert _visible(session) <= {sample.id}
    bar.text.clear()
    bar.klass.setCurrentIndex(0)
    bar.source.setCurrentIndex(0)
    qtbot.waitUntil(lambda: sample.id in _visible(session) or not sample.is_open, timeout=5000)
