"""The real page: diffs drawn, removes, clicks back to Qt, escaping, no network."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from gridcommand.db.live.records import ChangeBatch
from tests.maps.conftest import counts, js
from tests.maps.factory import NOW, city, ticket


def test_page_loads_without_network_and_draws_what_was_sent(qtbot, panel, store, interceptor):
    panel.on_store_changed(store.apply(city(grids=12, tickets=30)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 30, timeout=5000)
    c = counts(qtbot, panel)
    assert c["grids"] == 12
    assert c["alerts_pulsing"] == 30
    assert interceptor.urls, "the interceptor saw the page's own requests"
    leaving = [u for u in interceptor.urls if u.split(":", 1)[0] in ("http", "https")]
    assert leaving == []


def test_remove_and_close(qtbot, panel, store):
    panel.on_store_changed(store.apply(city(grids=4, tickets=5)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 5, timeout=5000)
    closed = replace(ticket(2, version=2), status="closed", closed_at=NOW)
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(closed,))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 4, timeout=5000)


def test_description_markup_is_text(qtbot, panel, store):
    evil = "<img src=x onerror=alert(1)>"
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(ticket(7, description=evil),))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 1, timeout=5000)
    card = js(qtbot, panel, "gridmap.tooltipText('alerts', 7)")
    assert isinstance(card, dict)
    assert evil in card["text"]
    assert card["images"] == 0
    assert "&lt;img" in card["html"]


def test_acknowledge_stops_pulse_and_time_state(qtbot, panel, store):
    # Past its 4-hour deadline: an emergency still rings until acknowledged, however old.
    old = ticket(1, age=timedelta(hours=5), emergency=True)
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(old, ticket(2)))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts_pulsing"] == 2, timeout=5000)
    assert js(qtbot, panel, "gridmap.alert(1).props.time") == "red"
    panel.acknowledge([1])
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts_pulsing"] == 1, timeout=5000)
