"""Jurisdiction and the other filters narrow every queue, in the running window."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from shapely.geometry import shape
from sqlalchemy.engine import URL

from gridcommand.db.live.records import GridRecord
from gridcommand.desktop.wiring import WindowSession
from gridcommand.widgets.queues import QUEUES
from tests.desktop.conftest import insert_ticket


def _visible(session: WindowSession) -> set[int]:
    return {i for q in QUEUES for i in session.queues.visible_ids(q.key)}


def test_a_street_sees_only_its_own_tickets(
    qtbot: QtBot, session: WindowSession, db_url: URL
) -> None:
    bar = session.filter_bar
    qtbot.waitUntil(lambda: bar.region.count() > 1, timeout=10_000)
    # One new report in each of two streets, whatever the clock says about "today".
    by_street: dict[str, GridRecord] = {}
    for g in session.store.grids.values():
        if g.street_code:
            by_street.setdefault(g.street_code, g)
    (mine, here), (_, there) = list(by_street.items())[:2]
    ids = []
    for n, g in enumerate((here, there)):
        point = shape(g.boundary).representative_point()
        ids.append(insert_ticket(db_url, g.code, point.x, point.y, 40 + n))
    qtbot.waitUntil(lambda: all(i in session.queues.tickets for i in ids), timeout=10_000)
    everything = _visible(session)
    street = bar.region.findData(mine)
    with qtbot.waitSignal(bar.filters_changed, timeout=5000):
        bar.region.setCurrentIndex(street)
    shown = _visible(session)
    expected = {
        t.id
        for t in session.store.tickets.values()
        if t.grid and session.store.grids[t.grid].street_code == mine and t.id in everything
    }
    assert shown == expected
    assert ids[0] in shown and ids[1] not in shown


def test_class_item_source_and_text_filters(qtbot: QtBot, session: WindowSession) -> None:
    bar = session.filter_bar
    qtbot.waitUntil(lambda: bar.klass.count() > 1, timeout=10_000)
    qtbot.waitUntil(lambda: len(session.queues.tickets) > 0, timeout=10_000)
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
