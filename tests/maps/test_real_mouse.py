"""Every map item answers a real mouse: click, double-click, hover and right-click.

Qt mouse events go to the web view's focus proxy at the pixel where the item is
drawn; what comes back is the panel's own signals and the page's DOM.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from gridcommand.db.live.records import ChangeBatch
from gridcommand.maps.panel import MapPanel
from tests.maps.conftest import counts
from tests.maps.factory import LAT0, LON0, STEP, city, fix, ticket, worker
from tests.maps.mouse import click, double_click, move, pixel, run_js

#: Where things are in grid G00 (a square of STEP degrees from LON0, LAT0).
ALERT = (LAT0 + STEP / 2, LON0 + STEP / 2 + 1e-5)  # ticket 1's point
WORKER = (LAT0 + 0.002, LON0 + 0.002)
EMPTY_OF_G00 = (LAT0 + 0.008, LON0 + 0.008)  # inside G00, nothing drawn on it


@pytest.fixture
def drawn(qtbot, panel: MapPanel, store) -> MapPanel:
    """Grids, one alert and one worker, zoomed in so nothing is grouped."""
    batch = city(grids=12)
    panel.on_store_changed(store.apply(batch))
    panel.on_store_changed(
        store.apply(
            ChangeBatch(
                tickets=(ticket(1),),
                workers=(worker("W1"),),
                positions=(fix(1, "W1", timedelta(minutes=1), lon=WORKER[1], lat=WORKER[0]),),
            )
        )
    )
    panel.send_held_workers()
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 1, timeout=5000)
    qtbot.waitUntil(lambda: counts(qtbot, panel)["workers"]["online"] == 1, timeout=5000)
    run_js(
        qtbot,
        panel,
        f"gridmap.map().setView([{LAT0 + 0.005}, {LON0 + 0.005}], 16, {{animate: false}}) && 1",
    )
    qtbot.waitUntil(lambda: counts(qtbot, panel)["aggregating"] is False, timeout=5000)
    return panel


def test_clicking_an_alert_opens_its_ticket(qtbot, drawn: MapPanel) -> None:
    at = pixel(qtbot, drawn, *ALERT)
    with qtbot.waitSignal(drawn.ticket_clicked, timeout=5000) as got:
        click(qtbot, drawn, at)
    assert got.args == [1]


def test_double_clicking_a_grid_drills_into_it_and_does_not_zoom_at_the_pointer(
    qtbot, drawn: MapPanel
) -> None:
    at = pixel(qtbot, drawn, *EMPTY_OF_G00)
    with qtbot.waitSignal(drawn.grid_selected, timeout=5000) as got:
        double_click(qtbot, drawn, at)
    assert got.args == ["G00"]
    # The drill-down fits the grid: its centre, not the pointer, ends in the middle.
    centred = (
        f"gridmap.map().getBounds().contains([{LAT0 + STEP / 2!r}, {LON0 + STEP / 2!r}]) && "
        f"Math.abs(gridmap.map().getCenter().lat - {LAT0 + STEP / 2!r}) < 0.001"
    )
    qtbot.waitUntil(lambda: run_js(qtbot, drawn, centred) is True, timeout=5000)


def test_double_clicking_off_the_grids_does_not_zoom(qtbot, drawn: MapPanel) -> None:
    run_js(
        qtbot,
        drawn,
        f"gridmap.map().setView([{LAT0 - 0.01}, {LON0 - 0.01}], 16, {{animate: false}}) && 1",
    )
    zoom = run_js(qtbot, drawn, "gridmap.map().getZoom()")
    seen: list[str] = []
    drawn.grid_selected.connect(seen.append)
    double_click(qtbot, drawn, pixel(qtbot, drawn, LAT0 - 0.01, LON0 - 0.01))
    qtbot.wait(600)
    assert run_js(qtbot, drawn, "gridmap.map().getZoom()") == zoom
    assert seen == []


def test_clicking_a_worker_shows_their_track(qtbot, drawn: MapPanel) -> None:
    at = pixel(qtbot, drawn, *WORKER)
    with qtbot.waitSignal(drawn.worker_clicked, timeout=5000) as got:
        click(qtbot, drawn, at)
    assert got.args == ["W1"]
    assert drawn.selected_worker == "W1"
    qtbot.waitUntil(lambda: counts(qtbot, drawn)["track_points"] >= 1, timeout=5000)


@pytest.mark.parametrize(
    ("where", "expected"),
    [(ALERT, "T00001"), (WORKER, "员工W1"), (EMPTY_OF_G00, "网格0")],
)
def test_hovering_shows_the_items_tooltip(qtbot, drawn: MapPanel, where, expected) -> None:
    tip = (
        "Array.from(document.querySelectorAll('.leaflet-tooltip.gc-tip'))"
        ".filter(e => e.offsetParent !== null).map(e => e.textContent)"
    )
    assert run_js(qtbot, drawn, tip) == []
    move(qtbot, drawn, pixel(qtbot, drawn, *where))

    def shown() -> bool:
        texts = run_js(qtbot, drawn, tip)
        return isinstance(texts, list) and any(expected in t for t in texts)

    qtbot.waitUntil(shown, timeout=5000)
    move(qtbot, drawn, pixel(qtbot, drawn, LAT0 - 0.01, LON0 - 0.01))  # off the grids
    qtbot.waitUntil(lambda: run_js(qtbot, drawn, tip) == [], timeout=5000)


@pytest.mark.parametrize(
    ("where", "layer", "code"),
    [(ALERT, "alerts", "1"), (WORKER, "workers", "W1"), (EMPTY_OF_G00, "grids", "G00")],
)
def test_right_clicking_an_item_asks_for_its_menu_at_the_pointer(
    qtbot, drawn: MapPanel, where, layer, code
) -> None:
    at = pixel(qtbot, drawn, *where)
    with qtbot.waitSignal(drawn.item_menu_requested, timeout=5000) as got:
        click(qtbot, drawn, at, Qt.MouseButton.RightButton)
    assert got.args[:2] == [layer, code]
    where_global = got.args[2]
    expected = drawn.view.mapToGlobal(at)
    assert isinstance(where_global, QPoint)
    assert abs(where_global.x() - expected.x()) <= 2
    assert abs(where_global.y() - expected.y()) <= 2


def test_an_alerts_card_names_its_grid_and_dates_as_the_panels_do(qtbot, drawn: MapPanel) -> None:
    tip = (
        "Array.from(document.querySelectorAll('.leaflet-tooltip.gc-tip'))"
        ".filter(e => e.offsetParent !== null).map(e => e.textContent)"
    )
    move(qtbot, drawn, pixel(qtbot, drawn, *ALERT))
    qtbot.waitUntil(lambda: bool(run_js(qtbot, drawn, tip)), timeout=5000)
    card = run_js(qtbot, drawn, tip)[0]  # type: ignore[index]
    assert "网格0 G00" in card  # the name, its code after it
    deadline = ticket(1).deadline.astimezone().strftime("%m-%d %H:%M")  # the drill-down's format
    assert deadline in card


def test_an_alerts_card_near_the_maps_edge_stays_whole_and_unbroken(qtbot, drawn: MapPanel) -> None:
    """At 1280×720 the map is 440 px tall: a card beside a point near its foot was cut off,
    and every card was as narrow as its longest word (a ticket code split at its hyphen)."""
    lat, lng = ALERT
    run_js(
        qtbot,
        drawn,
        "(function (m) { var p = m.latLngToContainerPoint("
        f"[{lat!r}, {lng!r}]); m.panBy([0, p.y - (m.getSize().y - 12)], {{animate: false}}); "
        "return 1; })(gridmap.map())",
    )
    move(qtbot, drawn, pixel(qtbot, drawn, *ALERT))
    card = "document.querySelector('.leaflet-tooltip.gc-tip')"
    qtbot.waitUntil(lambda: run_js(qtbot, drawn, f"!!{card}") is True, timeout=5000)
    qtbot.wait(100)
    box = run_js(
        qtbot,
        drawn,
        f"(function (c, m) {{ var r = c.getBoundingClientRect(), "
        "o = m.getContainer().getBoundingClientRect(); "
        "return {top: r.top - o.top, bottom: r.bottom - o.top, left: r.left - o.left, "
        "right: r.right - o.left, width: o.width, height: o.height, "
        "lines: Array.from(c.querySelectorAll('.gc-val')).map(v => v.getClientRects().length)}; "
        f"}})({card}, gridmap.map())",
    )
    assert isinstance(box, dict)
    assert box["top"] >= 0
    assert box["left"] >= 0
    assert box["bottom"] <= box["height"]
    assert box["right"] <= box["width"]
    assert box["lines"] and max(box["lines"]) == 1  # code, status, deadline, grid: one line each


def test_the_legend_steps_back_from_an_open_card_that_runs_under_it(qtbot, drawn: MapPanel) -> None:
    """The legend is drawn above the map's panes, so a card reaching under it was hidden."""
    drawn.resize(640, 440)  # the map of a 1280×720 desk
    qtbot.waitUntil(lambda: run_js(qtbot, drawn, "gridmap.map().getSize().x") == 640, timeout=5000)
    legend = "document.querySelector('.gc-legend')"
    lat, lng = ALERT
    run_js(  # the point just left of the middle, level with the legend: its card goes right
        qtbot,
        drawn,
        f"(function (m, g) {{ var p = m.latLngToContainerPoint([{lat!r}, {lng!r}]), "
        "o = m.getContainer().getBoundingClientRect(), r = g.getBoundingClientRect(); "
        "m.panBy([p.x - (m.getSize().x / 2 - 20), p.y - (r.top - o.top + 30)], {animate: false}); "
        f"return 1; }})(gridmap.map(), {legend})",
    )
    script = f"Number(getComputedStyle({legend}).opacity)"

    def opacity() -> float:
        return float(str(run_js(qtbot, drawn, script)))

    assert opacity() > 0.5
    move(qtbot, drawn, pixel(qtbot, drawn, *ALERT))
    overlap = (
        "(function (c, g) { if (!c) { return false; } var a = c.getBoundingClientRect(), "
        "b = g.getBoundingClientRect(); return a.left < b.right && b.left < a.right && "
        f"a.top < b.bottom && b.top < a.bottom; }})("
        f"document.querySelector('.leaflet-tooltip.gc-tip'), {legend})"
    )
    qtbot.waitUntil(lambda: run_js(qtbot, drawn, overlap) is True, timeout=5000)
    assert opacity() < 0.2
    move(qtbot, drawn, pixel(qtbot, drawn, LAT0 - 0.01, LON0 - 0.01))  # off the grids
    qtbot.waitUntil(lambda: opacity() > 0.5, timeout=5000)
