"""Zoomed out, workers are counts per cell; close in, dots. Driven by a real mouse.

The counts follow the workers as they move, a click on a count zooms in to it, and
the zoom control brings the dots back; the page is never reloaded.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint

from gridcommand.db.live.records import ChangeBatch
from gridcommand.maps.panel import MapPanel
from tests.maps.conftest import counts
from tests.maps.factory import LAT0, LON0, STEP, city, fix, worker
from tests.maps.mouse import click, pixel, run_js

WEST = 12  # workers near the city's south-west corner (grid G00)
EAST = 5  # workers near its north-east corner (grid G11)
MIDDLE_LNG = LON0 + 2 * STEP  # the city is 4 grids wide: badges west and east of this
DOTS_FROM = 15  # gridmap/workers.js


def _spot(n: int, east: bool) -> tuple[float, float]:
    """(lon, lat) of the n-th worker of a corner: a few tens of metres apart."""
    lon = LON0 + (3.7 if east else 0.2) * STEP + (n % 4) * 3e-4
    lat = LAT0 + (2.7 if east else 0.2) * STEP + (n // 4) * 3e-4
    return lon, lat


@pytest.fixture
def workers_out(qtbot, panel: MapPanel, store) -> MapPanel:
    """12 grids, WEST + EAST workers, zoomed out to 13 (counts, not dots)."""
    panel.builder.worker_interval = timedelta(0)  # every fix moves its dot at once
    panel.on_store_changed(store.apply(city(grids=12)))
    codes = [f"W{i}" for i in range(WEST + EAST)]
    positions = []
    for i, code in enumerate(codes):
        lon, lat = _spot(i, east=i >= WEST)
        positions.append(fix(i + 1, code, timedelta(minutes=1), lon=lon, lat=lat))
    panel.on_store_changed(
        store.apply(
            ChangeBatch(
                workers=tuple(
                    worker(c, grid_no=0 if i < WEST else 11) for i, c in enumerate(codes)
                ),
                positions=tuple(positions),
            )
        )
    )
    panel.send_held_workers()
    qtbot.waitUntil(lambda: counts(qtbot, panel)["workers"]["online"] == WEST + EAST, timeout=5000)
    centre = f"[{LAT0 + 1.5 * STEP}, {LON0 + 2 * STEP}]"
    run_js(qtbot, panel, f"gridmap.map().setView({centre}, 13, {{animate: false}}) && 1")
    qtbot.waitUntil(lambda: _sides(qtbot, panel) == (WEST, EAST), timeout=5000)
    return panel


def _cells(qtbot, panel: MapPanel) -> list[dict]:
    got = run_js(qtbot, panel, "gridmap.workerCells()")
    assert isinstance(got, list)
    return got


def _sides(qtbot, panel: MapPanel) -> tuple[int, int]:
    """Workers counted by the badges west and east of the city's middle."""
    cells = _cells(qtbot, panel)
    west = sum(c["n"] for c in cells if c["lng"] < MIDDLE_LNG)
    return west, sum(c["n"] for c in cells) - west


def _dots_drawn(qtbot, panel: MapPanel) -> int:
    """Dots on the workers' canvases (a canvas renderer keeps what it draws in _layers)."""
    code = (
        "gridmap.state.layers.workers.getLayers()"
        ".filter(l => l._renderer && l._renderer._layers[L.stamp(l)]).length"
    )
    got = run_js(qtbot, panel, code)
    assert isinstance(got, int)
    return got


def _zoom(qtbot, panel: MapPanel) -> float:
    got = run_js(qtbot, panel, "gridmap.map().getZoom()")
    assert isinstance(got, (int, float))
    return got


def test_zoomed_out_the_page_shows_counts_that_add_up_not_dots(qtbot, workers_out) -> None:
    c = counts(qtbot, workers_out)
    assert c["workers_as"] == "cells"
    cells = _cells(qtbot, workers_out)
    assert sum(cell["n"] for cell in cells) == WEST + EAST == sum(c["workers"].values())
    assert all(cell["online"] == cell["n"] for cell in cells)
    assert len(cells) < WEST + EAST  # grouped, one badge for many
    assert _dots_drawn(qtbot, workers_out) == 0
    # Not merely undrawn: the page holds no dot at all while counts stand for them.
    assert c["worker_dots"] == 0
    assert run_js(qtbot, workers_out, "gridmap.state.layers.workers.getLayers().length") == 0


def test_the_zoom_control_brings_the_dots_back(qtbot, workers_out) -> None:
    button = run_js(
        qtbot,
        workers_out,
        "(r => ({x: r.left + r.width / 2, y: r.top + r.height / 2}))"
        "(document.querySelector('.leaflet-control-zoom-in').getBoundingClientRect())",
    )
    assert isinstance(button, dict)
    zoom = workers_out.view.zoomFactor()
    at = QPoint(round(button["x"] * zoom), round(button["y"] * zoom))
    click(qtbot, workers_out, at)  # 13 -> 14: still counts
    qtbot.waitUntil(lambda: _zoom(qtbot, workers_out) == 14, timeout=5000)
    qtbot.wait(300)
    assert counts(qtbot, workers_out)["workers_as"] == "cells"
    assert _dots_drawn(qtbot, workers_out) == 0
    click(qtbot, workers_out, at)  # 14 -> 15: every worker a dot
    qtbot.waitUntil(lambda: counts(qtbot, workers_out)["workers_as"] == "dots", timeout=5000)
    assert _zoom(qtbot, workers_out) == DOTS_FROM
    assert counts(qtbot, workers_out)["worker_cells"] == 0
    assert counts(qtbot, workers_out)["worker_dots"] == WEST + EAST  # made as they are shown
    qtbot.waitUntil(lambda: _dots_drawn(qtbot, workers_out) > 0, timeout=5000)
    # The dots are real targets again: a click on one names its worker.
    lon, lat = _spot(WEST, east=True)
    run_js(
        qtbot,
        workers_out,
        f"gridmap.map().panTo([{lat}, {lon}], {{animate: false}}) && 1",
    )
    with qtbot.waitSignal(workers_out.worker_clicked, timeout=5000) as got:
        click(qtbot, workers_out, pixel(qtbot, workers_out, lat, lon))
    assert got.args == [f"W{WEST}"]


def test_a_moved_worker_changes_the_counts(qtbot, workers_out, store) -> None:
    lon, lat = _spot(0, east=True)  # W0 walks from the south-west to the north-east
    moved = fix(100, "W0", timedelta(seconds=10), lon=lon - 2e-4, lat=lat - 2e-4)
    workers_out.on_store_changed(store.apply(ChangeBatch(positions=(moved,))))
    workers_out.send_held_workers()
    qtbot.waitUntil(lambda: _sides(qtbot, workers_out) == (WEST - 1, EAST + 1), timeout=5000)
    assert _dots_drawn(qtbot, workers_out) == 0
    assert counts(qtbot, workers_out)["worker_dots"] == 0
    # The move made while no dot existed is where the dot is made, once zoomed in.
    run_js(
        qtbot, workers_out, f"gridmap.map().setView([{lat}, {lon}], 17, {{animate: false}}) && 1"
    )
    qtbot.waitUntil(lambda: counts(qtbot, workers_out)["workers_as"] == "dots", timeout=5000)
    dot = run_js(qtbot, workers_out, "gridmap.state.reg.workers.get('W0').getLatLng()")
    assert isinstance(dot, dict)
    assert (round(dot["lat"], 6), round(dot["lng"], 6)) == (
        round(lat - 2e-4, 6),
        round(lon - 2e-4, 6),
    )


def test_clicking_a_count_zooms_in_to_its_workers(qtbot, workers_out) -> None:
    east = max(
        (c for c in _cells(qtbot, workers_out) if c["lng"] > MIDDLE_LNG), key=lambda c: c["n"]
    )
    click(qtbot, workers_out, pixel(qtbot, workers_out, east["lat"], east["lng"]))
    qtbot.waitUntil(lambda: counts(qtbot, workers_out)["workers_as"] == "dots", timeout=5000)
    qtbot.waitUntil(lambda: _zoom(qtbot, workers_out) >= DOTS_FROM, timeout=5000)
    lon, lat = _spot(WEST + 2, east=True)
    # The flight ends where the cell was: a loaded machine may take longer than any pause.
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, workers_out, f"gridmap.map().getBounds().contains([{lat}, {lon}])")
            is True
        ),
        timeout=5000,
    )
