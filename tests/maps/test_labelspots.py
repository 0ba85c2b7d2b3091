"""Labels: a point inside the polygon, the zoom from which the name fits, regions named too."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot
from shapely.geometry import Point, Polygon, box, mapping

from gridcommand.db.live.store import StateStore
from gridcommand.maps.features import projector
from gridcommand.maps.labelspots import REGION_ZOOMS, LabelSpot, label_spot, text_px
from gridcommand.maps.outlines import (
    SpotCache,
    grid_label_features,
    known_spots,
    outline_features,
    outline_texts,
    outlines_diff,
    remember_spots,
)
from gridcommand.maps.panel import MapPanel
from tests.maps.conftest import counts
from tests.maps.factory import NOW, city, grid

# An L-shaped grid (two arms 0.01° long, 0.002° wide): its bounding-box centre is outside it.
X, Y = 113.30, 23.10
L_SHAPE = Polygon(
    [
        (X, Y),
        (X + 0.01, Y),
        (X + 0.01, Y + 0.002),
        (X + 0.002, Y + 0.002),
        (X + 0.002, Y + 0.01),
        (X, Y + 0.01),
    ]
)


def test_concave_polygon_gets_a_label_point_inside_it() -> None:
    centre = Point(L_SHAPE.envelope.centroid)
    assert not L_SHAPE.contains(centre)  # where the label used to go
    spot = label_spot(L_SHAPE, "沙湾第3网格")
    assert spot is not None
    assert L_SHAPE.contains(Point(spot.lon, spot.lat))
    # Inside, and in the corner where the arms meet: the widest place for text.
    assert spot.lon < X + 0.002 and spot.lat < Y + 0.002


def test_the_name_shows_from_the_zoom_where_it_fits() -> None:
    square = box(X, Y, X + 0.01, Y + 0.01)  # about 1 km
    short, long = (
        label_spot(square, "一网格"),
        label_spot(square, "番禺区沙湾街道第一社区第三十二网格"),
    )
    assert short is not None and long is not None
    assert short.min_zoom is not None and long.min_zoom is not None
    assert short.min_zoom < long.min_zoom  # a longer name needs a closer look
    # 1 km is ~470 px at zoom 16 and ~29 px at zoom 12: a 3-glyph name (49 px) fits from 13 or 14.
    assert short.min_zoom in (13, 14) and short.width_px == text_px("一网格", 15)
    # A thin arm of the L holds less than a square of the same extent.
    l_spot = label_spot(L_SHAPE, "一网格")
    assert l_spot is not None and l_spot.min_zoom is not None and l_spot.min_zoom > short.min_zoom
    sliver = box(X, Y, X + 1e-6, Y + 1e-6)
    tiny = label_spot(sliver, "一网格")
    assert tiny is not None and tiny.min_zoom is None  # never fits: in the tooltip only


def test_grids_get_their_label_point_and_zoom_from_the_outline_thread() -> None:
    g = replace(grid(0), boundary=mapping(L_SHAPE))
    placed: dict[str, LabelSpot | None] = {}
    diffs, _ = outlines_diff([g, grid(1)], projector("WGS84"), set(), placed=placed)
    labels = {f["id"]: f for d in diffs if d["layer"] == "grids" for f in d["upsert"]}
    lat, lng = labels["G00"]["lp"]
    assert L_SHAPE.contains(Point(lng, lat))
    spot = label_spot(L_SHAPE, g.name)
    assert spot is not None and labels["G00"]["lz"] == spot.min_zoom
    assert labels["G00"]["lw"] > 0 and labels["G00"]["lh"] > 0
    assert set(labels["G00"]) == {"id", "lp", "lz", "lw", "lh"}  # merged into the grid drawn
    assert set(placed) == {"G00", "G01"} and placed["G00"] == spot
    # The next run places only what changed: the cache keeps a spot while the grid's
    # boundary (the same object) and name stay.
    g1 = grid(1)
    cache: SpotCache = {}
    remember_spots([g, g1], placed, cache)
    cache["G01"] = (g1.boundary, g1.name, None)
    renamed = replace(g, name="改名网格")
    known = known_spots([renamed, g1], cache)
    assert set(known) == {"G01"}  # G00's name changed: placed again
    placed_now: dict[str, LabelSpot | None] = {}
    again = grid_label_features([renamed, g1], projector("WGS84"), known, placed_now)
    assert again[1]["lp"] is None  # G01 from the cache
    assert set(placed_now) == {"G00"} and again[0]["lz"] is not None
    assert known_spots([replace(g1, boundary=dict(g1.boundary))], cache) == {}


def test_outlines_carry_region_names_for_the_zooms_before_grids_are_readable() -> None:
    grids = [replace(grid(i), community_name="沙湾社区", street_name="沙湾街道") for i in range(8)]
    feats = {f["id"]: f for f in outline_features(grids, projector("WGS84"))}
    street, community = feats["s:S1"], feats["c:C1"]
    assert (street["name"], street["level"]) == ("沙湾街道", "street")
    assert community["name"] == "沙湾社区"
    assert community["xz"] == community["lz"] + REGION_ZOOMS
    grid_zoom = label_spot(box(113.30, 23.10, 113.31, 23.11), "网格0")
    assert grid_zoom is not None and grid_zoom.min_zoom is not None
    assert community["lz"] < grid_zoom.min_zoom  # the community is named before its grids
    unnamed = outline_features([grid(0)], projector("WGS84"))
    assert {f["name"] for f in unnamed} == {"C1", "S1"}  # a region without a name shows its code


def test_a_district_is_named_only_before_its_streets_fit() -> None:
    grids = [
        replace(grid(i), street_name="沙湾街道", district_code="D", district_name="番禺区")
        for i in range(8)
    ]
    feats = {f["id"]: f for f in outline_features(grids, projector("WGS84"))}
    district, street = feats["d:D"], feats["s:S1"]
    assert district["level"] == "district" and district["name"] == "番禺区"
    assert district["lz"] <= district["xz"] == max(district["lz"], street["lz"] - 1)


def test_a_community_hands_its_name_over_when_most_of_its_grids_fit() -> None:
    grids = [replace(grid(i), community_name="沙湾社区") for i in range(8)]
    diffs, _ = outlines_diff(grids, projector("WGS84"), set())
    outlines = {f["id"]: f for f in diffs[0]["upsert"]}
    grid_zooms = sorted(f["lz"] for f in diffs[1]["upsert"])
    community = outlines["c:C1"]
    assert community["xz"] == max(community["lz"], grid_zooms[len(grid_zooms) // 2] - 1)
    assert community["xz"] < grid_zooms[-1] + 1  # gone before the last grid is named


def test_an_outline_run_as_texts_gives_the_same_diffs_and_the_spots_placed() -> None:
    """What the window's outline process returns: only plain values, the page's texts."""
    grids = [replace(grid(i), community_name="沙湾社区") for i in range(4)]
    known: list[tuple[str, LabelSpot | None]] = [("G00", None)]
    texts, ids, placed, pid = outline_texts(grids, "WGS84", {"c:GONE"}, known)
    assert pid == os.getpid()
    diffs, same_ids = outlines_diff(grids, projector("WGS84"), {"c:GONE"}, dict(known))
    assert ids == same_ids
    assert [d for t in texts for d in json.loads(t)] == json.loads(json.dumps(diffs))
    assert [code for code, _ in placed] == ["G01", "G02", "G03"]
    assert all(isinstance(spot, LabelSpot) for _, spot in placed)


def _dies(*_args: object) -> object:
    raise RuntimeError("the worker process ended without an answer (exit code -9)")


def test_a_failed_outline_run_leaves_the_grids_drawn_and_says_why_once(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """The outline process killed (out of memory, say): no traceback, no lost map."""
    store = StateStore(clock=lambda: NOW)
    store.apply(city(grids=3))
    panel = MapPanel(store, probes=True, run_heavy=_dies)
    qtbot.addWidget(panel)
    panel.show()
    with caplog.at_level(logging.WARNING, logger="gridcommand.maps.panel"):
        with qtbot.waitSignal(panel.ready, timeout=20_000):
            pass
        qtbot.waitUntil(lambda: panel.outline_failures == 1, timeout=10_000)
    assert counts(qtbot, panel)["grids"] == 3
    assert counts(qtbot, panel)["outlines"] == 0
    said = [r.getMessage() for r in caplog.records if r.name == "gridcommand.maps.panel"]
    assert said == [
        "map outlines not drawn: the worker process ended without an answer (exit code -9)"
    ]
    assert not [r for r in caplog.records if r.exc_info]
    panel.release()  # the page goes before the profile it was made on
