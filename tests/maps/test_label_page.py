"""Names on the real page: regions when zoomed out, grids when they fit, never one over another."""

from __future__ import annotations

from dataclasses import replace

from gridcommand.db.records import ChangeBatch
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


def _view(qtbot, panel, zoom: int, shown: set[str]) -> list[list]:
    """The labels' boxes once the page, at ``zoom``, shows (at least) the names ``shown``."""
    js(qtbot, panel, f"gridmap.map().setView([23.115, 113.32], {zoom}, {{animate: false}}) && 1")
    qtbot.waitUntil(lambda: shown <= {r[4] for r in js(qtbot, panel, RECTS)}, timeout=5000)
    qtbot.wait(200)  # the redraw is done; nothing more may arrive
    return js(qtbot, panel, RECTS)


def test_names_by_level_and_zoom_without_overlap(qtbot, panel, store):
    grids = tuple(
        replace(
            grid(i, community="C1" if i % 4 < 2 else "C2"),
            name=f"沙湾第{i}网格",
            community_name="西村社区" if i % 4 < 2 else "东村社区",
            street_name="沙湾街道",
        )
        for i in range(12)
    )
    panel.on_store_updated(store.apply(ChangeBatch(grids=grids, initial=True)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["outlines"] == 3, timeout=5000)

    far = _view(qtbot, panel, 12, {"沙湾街道"})
    assert [r[4] for r in far] == ["沙湾街道"]  # the district view: the street's name only
    assert "gc-region-street" in far[0][5]

    # Communities are named before their grids are readable.
    middle = _view(qtbot, panel, 14, {"西村社区", "东村社区"})
    assert not _overlapping(middle)

    close = _view(qtbot, panel, 15, {f"沙湾第{i}网格" for i in range(12)})
    assert not _overlapping(close)
    # Each grid's name sits inside its own square.
    labels = {x["text"]: x for x in js(qtbot, panel, "gridmap.labels()")}
    for i in range(12):
        g = grid(i)
        (ring,) = g.boundary["coordinates"]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        at = labels[f"沙湾第{i}网格"]
        assert min(xs) < at["lng"] < max(xs) and min(ys) < at["lat"] < max(ys)
