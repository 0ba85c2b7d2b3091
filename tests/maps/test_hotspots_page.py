"""The hot-spot layer on the real page: shading, legend, in-place updates, a real hover."""

from __future__ import annotations

import pytest

from gridcommand.maps.panel import MapPanel
from gridcommand.resources.palette import MAP
from tests.maps.conftest import counts
from tests.maps.factory import LAT0, LON0, STEP, city
from tests.maps.mouse import move, pixel, run_js

RAMP = MAP["hotspot_ramp"]
SHADED = (
    "Object.fromEntries(Array.from(gridmap.state.reg.hotspots.entries())"
    ".map(([k, l]) => [k, l.options.fillColor]))"
)
LEGEND = (
    "(() => { const e = document.querySelector('.gc-hot-legend');"
    " return e && e.offsetParent !== null ? e.textContent : null; })()"
)
VIEW = "[gridmap.map().getCenter().lat, gridmap.map().getCenter().lng, gridmap.map().getZoom()]"
TIP = (
    "Array.from(document.querySelectorAll('.leaflet-tooltip.gc-tip'))"
    ".filter(e => e.offsetParent !== null).map(e => e.textContent)"
)


def shaded(qtbot, panel: MapPanel) -> dict[str, str]:
    """The shaded grids' fill colours, by grid code."""
    value = run_js(qtbot, panel, SHADED)
    return value if isinstance(value, dict) else {}


def tips(qtbot, panel: MapPanel) -> list[str]:
    """The cards shown now."""
    value = run_js(qtbot, panel, TIP)
    return [str(t) for t in value] if isinstance(value, list) else []


@pytest.fixture
def drawn(qtbot, panel: MapPanel, store) -> MapPanel:
    panel.on_store_changed(store.apply(city(grids=12)))
    panel.on_store_changed(store.apply(city(grids=12, tickets=1)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 1, timeout=5000)
    run_js(
        qtbot,
        panel,
        f"gridmap.map().setView([{LAT0 + 0.012}, {LON0 + 0.015}], 15, {{animate: false}}) && 1",
    )
    return panel


def test_grids_are_shaded_by_count_with_a_legend_and_updated_in_place(
    qtbot, drawn: MapPanel
) -> None:
    assert run_js(qtbot, drawn, LEGEND) is None
    drawn.set_hotspots({"G00": 7, "G01": 2, "G05": 0}, "城市管理", "11-01 – 11-30", "立案")
    qtbot.waitUntil(lambda: shaded(qtbot, drawn) == {"G00": RAMP[-1], "G01": RAMP[0]})
    legend = run_js(qtbot, drawn, LEGEND)
    assert isinstance(legend, str)
    assert "城市管理" in legend and "11-01 – 11-30" in legend
    assert "1–2" in legend and "7" in legend
    # The red points stay above the shading: their pane is higher than the hot spots'.
    panes = run_js(
        qtbot,
        drawn,
        "[+gridmap.map().getPane('gc-hotspots').style.zIndex,"
        " +gridmap.map().getPane('gc-alerts').style.zIndex]",
    )
    assert isinstance(panes, list) and panes[0] < panes[1]

    # The operator zooms and pans; a new answer restyles in place and keeps the view.
    run_js(qtbot, drawn, f"gridmap.map().setView([{LAT0}, {LON0}], 16, {{animate: false}}) && 1")
    before = run_js(qtbot, drawn, VIEW)
    drawn.set_hotspots({"G01": 9, "G02": 9, "G03": 1}, "全部", "11-01 – 11-30", "立案")
    qtbot.waitUntil(
        lambda: shaded(qtbot, drawn) == {"G01": RAMP[-1], "G02": RAMP[-1], "G03": RAMP[0]}
    )
    assert run_js(qtbot, drawn, VIEW) == before
    assert "全部" in str(run_js(qtbot, drawn, LEGEND))

    drawn.hide_hotspots()
    qtbot.waitUntil(lambda: shaded(qtbot, drawn) == {})
    assert run_js(qtbot, drawn, LEGEND) is None
    assert run_js(qtbot, drawn, VIEW) == before


def test_hovering_a_shaded_grid_shows_its_count(qtbot, drawn: MapPanel) -> None:
    drawn.set_hotspots({"G05": 12, "G06": 3}, "城市管理", "本月", "立案数")
    qtbot.waitUntil(lambda: len(shaded(qtbot, drawn)) == 2)
    inside_g05 = (LAT0 + STEP + 0.003, LON0 + STEP + 0.003)  # grid 5: column 1, row 1
    move(qtbot, drawn, pixel(qtbot, drawn, *inside_g05))

    def shown() -> bool:
        return any("网格5" in t and "立案数12" in t for t in tips(qtbot, drawn))

    qtbot.waitUntil(shown, timeout=5000)
    # With the layer off, the next grid's card has no count row.
    drawn.hide_hotspots()
    inside_g06 = (LAT0 + STEP + 0.003, LON0 + 2 * STEP + 0.003)
    move(qtbot, drawn, pixel(qtbot, drawn, *inside_g06))
    qtbot.waitUntil(lambda: any("网格6" in t for t in tips(qtbot, drawn)), timeout=5000)
    assert not any("立案数" in t for t in tips(qtbot, drawn) if "网格6" in t)


def test_the_layer_comes_back_after_a_reload(qtbot, drawn: MapPanel) -> None:
    drawn.set_hotspots({"G00": 4}, "城市管理", "本月", "立案")
    qtbot.waitUntil(lambda: shaded(qtbot, drawn) == {"G00": RAMP[-1]})
    with qtbot.waitSignal(drawn.ready, timeout=20000):
        drawn.page.triggerAction(drawn.page.WebAction.Reload)
    qtbot.waitUntil(lambda: shaded(qtbot, drawn) == {"G00": RAMP[-1]}, timeout=10000)
