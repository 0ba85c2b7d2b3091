"""Names on the real page: regions when zoomed out, grids when they fit, never one over another."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from gridcommand.db.live.records import ChangeBatch
from tests.maps.conftest import counts, js
from tests.maps.factory import grid

RECTS = (
    "Array.from(document.querySelectorAll('.gc-label, .gc-region')).map(function (e) {"
    " var r = e.getBoundingClientRect();"
    " return [r.left, r.top, r.right, r.bottom, e.textContent, e.className]; })"
)


def _overlapping(rects: list[list]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            # One pixel of slack: the halo of the text shadow is not the text.
            if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1:
                out.append((a[4], b[4]))
    return out


def _view(qtbot, panel, zoom: int, settled: Callable[[set[str]], bool]) -> list[list]:
    """The labels' boxes once the page, at ``zoom``, shows names for which ``settled`` holds.

    Waiting for the names the level must show, not for some of them followed by a fixed pause:
    the names of the level above leave in the page's own redraw, which a loaded machine may run
    later than any pause allows. A page that never settles fails the wait.
    """
    js(qtbot, panel, f"gridmap.map().setView([23.115, 113.32], {zoom}, {{animate: false}}) && 1")
    qtbot.waitUntil(lambda: settled({r[4] for r in js(qtbot, panel, RECTS)}), timeout=10000)
    return js(qtbot, panel, RECTS)


COMMUNITIES = ("西村社区", "东涌社区", "龙岐社区", "大罗社区")
STREETS = ("沙湾街道", "市桥街道")


def _district() -> tuple:
    """12 grids of 1 km: a community per column, a street per two columns, one district."""
    return tuple(
        replace(
            grid(i, community=f"C{i % 4}"),
            name=f"沙湾第{i}网格",
            community_name=COMMUNITIES[i % 4],
            street_code=f"S{i % 4 // 2}",
            street_name=STREETS[i % 4 // 2],
            district_code="D",
            district_name="番禺区",
        )
        for i in range(12)
    )


def test_names_move_down_a_level_as_the_map_zooms_in(qtbot, panel, store):
    panel.on_store_changed(store.apply(ChangeBatch(grids=_district(), initial=True)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["outlines"] == 7, timeout=5000)

    district = _view(qtbot, panel, 12, lambda names: names == {"番禺区"})
    assert len(district) == 1  # once, not twice
    assert "gc-region-district" in district[0][5]
    streets = _view(qtbot, panel, 13, lambda names: names == set(STREETS))
    assert len(streets) == len(STREETS)  # each street once
    # At 14 the communities show, and beside them the grids whose names fit; nothing above.
    communities = _view(
        qtbot,
        panel,
        14,
        lambda names: set(COMMUNITIES) <= names and not names & {"番禺区", *STREETS},
    )
    assert not _overlapping(communities)

    grids = {f"沙湾第{i}网格" for i in range(12)}
    close = _view(qtbot, panel, 15, lambda names: names == grids)  # communities handed over
    assert len(close) == len(grids)
    assert not _overlapping(close)
    # Each grid's name sits inside its own square.
    labels = {x["text"]: x for x in js(qtbot, panel, "gridmap.labels()")}
    for i in range(12):
        (ring,) = grid(i).boundary["coordinates"]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        at = labels[f"沙湾第{i}网格"]
        assert min(xs) < at["lng"] < max(xs) and min(ys) < at["lat"] < max(ys)
