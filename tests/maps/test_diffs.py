"""Deltas → layer diffs, in plain Python (no Qt)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridcommand.db.gis.coords import wgs84_to_gcj02
from gridcommand.db.live.records import ChangeBatch
from gridcommand.db.live.store import StateStore
from gridcommand.maps.diffs import DiffBuilder
from gridcommand.maps.features import polygons, projector
from gridcommand.maps.outlines import outline_features
from tests.maps.factory import NOW, city, fix, grid, ticket, worker


def _store() -> StateStore:
    return StateStore(clock=lambda: NOW)


def _by_layer(diffs):
    return {d["layer"]: d for d in diffs}


def test_full_sends_every_layer_and_boundaries_once():
    store = _store()
    store.apply(city(grids=3, tickets=2))
    b = DiffBuilder(store)
    layers = _by_layer(b.full())
    assert [g["id"] for g in layers["grids"]["upsert"]] == ["G00", "G01", "G02"]
    assert layers["grids"]["upsert"][0]["rings"][0][0][0] == [23.1, 113.3]  # lat, lng
    assert {a["id"] for a in layers["alerts"]["upsert"]} == {1, 2}
    # a new ticket restyles its grid without resending the boundary
    diffs = _by_layer(b.from_changes(store.apply(ChangeBatch(tickets=(ticket(9, grid_no=2),)))))
    assert [a["id"] for a in diffs["alerts"]["upsert"]] == [9]
    (style,) = diffs["grids"]["upsert"]
    assert style == {"id": "G02", "state": "alerts", "open": 1, "overdue": 0, "hpw": 400}


def test_grid_states_overdue_and_overloaded():
    store = _store()
    store.apply(ChangeBatch(grids=(grid(0), grid(1, households=900), grid(2)), initial=True))
    b = DiffBuilder(store)
    b.full()
    late = ticket(1, grid_no=0, age=timedelta(hours=5))
    diffs = _by_layer(b.from_changes(store.apply(ChangeBatch(tickets=(late,)))))
    states = {s["id"]: s["state"] for s in diffs["grids"]["upsert"]}
    assert states == {"G00": "overdue"}
    assert {g["id"]: g["state"] for g in _by_layer(b.full())["grids"]["upsert"]} == {
        "G00": "overdue",
        "G01": "overloaded",
        "G02": "normal",
    }
    # two full-timers bring 900 households to 450 each: no longer overloaded
    batch = ChangeBatch(workers=(worker("W1", grid_no=1), worker("W2", grid_no=1)))
    diffs = _by_layer(b.from_changes(store.apply(batch)))
    assert diffs["grids"]["upsert"] == [
        {"id": "G01", "state": "normal", "open": 0, "overdue": 0, "hpw": 450}
    ]


def test_closed_ticket_removed_and_acknowledged_stops_pulse():
    store = _store()
    store.apply(city(grids=2, tickets=3))
    b = DiffBuilder(store)
    b.full()
    closed = replace(ticket(1, version=2), status="closed", closed_at=NOW)
    diffs = _by_layer(b.from_changes(store.apply(ChangeBatch(tickets=(closed,)))))
    assert diffs["alerts"]["remove"] == [1]
    assert b.acknowledge([2, 99]) == [
        {"layer": "alerts", "upsert": [{"id": 2, "pulse": False}], "remove": []}
    ]
    registered = replace(ticket(3, version=2), status="registered")
    diffs = _by_layer(b.from_changes(store.apply(ChangeBatch(tickets=(registered,)))))
    assert diffs["alerts"]["upsert"][0]["pulse"] is False


def test_workers_status_role_and_track():
    store = _store()
    fixes = (
        fix(1, "W1", timedelta(minutes=50), lon=113.301),
        fix(2, "W1", timedelta(minutes=1)),
        fix(3, "W2", timedelta(minutes=20)),
        fix(4, "W3", timedelta(hours=2)),
    )
    batch = ChangeBatch(
        workers=(worker("W1"), worker("W2", "part_time"), worker("W3", "volunteer"), worker("W4")),
        positions=fixes,
    )
    b = DiffBuilder(store)
    diffs = _by_layer(b.from_changes(store.apply(batch)))
    got = {w["id"]: (w["status"], w["role"]) for w in diffs["workers"]["upsert"]}
    assert got == {
        "W1": ("online", "full_time"),
        "W2": ("stale", "part_time"),
        "W3": ("offline", "volunteer"),
    }  # W4 has never sent a fix: nothing to draw
    assert diffs["workers"]["remove"] == ["W4"]
    track = b.track("W1", fixes[:2])["upsert"][0]
    assert track["id"] == "W1"
    assert track["path"] == [pytest.approx([p.lat, p.lon], abs=1e-6) for p in fixes[:2]]


def test_gcj02_basemap_shifts_every_point():
    store = _store()
    store.apply(city(grids=1, tickets=1))
    b = DiffBuilder(store, "GCJ02")
    layers = _by_layer(b.full())
    t = store.tickets[1]
    assert t.lon is not None and t.lat is not None  # the factory places every ticket
    lng, lat = wgs84_to_gcj02(t.lon, t.lat)
    alert = layers["alerts"]["upsert"][0]
    assert (alert["lat"], alert["lng"]) == (round(lat, 6), round(lng, 6))
    assert abs(alert["lng"] - t.lon) > 0.003  # hundreds of metres in Guangzhou


def test_outlines_dissolve_grids_per_community_and_street():
    grids = [grid(0, community="C1"), grid(1, community="C1"), grid(4, community="C2")]
    feats = {f["id"]: f for f in outline_features(grids, projector("WGS84"))}
    assert set(feats) == {"c:C1", "c:C2", "s:S1"}
    assert len(feats["c:C1"]["lines"]) == 1  # two adjacent squares → one ring
    assert len(feats["c:C1"]["lines"][0]) == 5  # the shared edge is gone


def _one_worker_city() -> tuple[dict[str, datetime], StateStore, DiffBuilder]:
    """A city with worker W1, a clock the test moves, and a builder with a 10 s interval."""
    clock = {"now": NOW}
    store = StateStore(clock=lambda: clock["now"])
    store.apply(city(grids=2))
    store.apply(ChangeBatch(workers=(worker("W1", grid_no=1),)))
    b = DiffBuilder(store, worker_interval=timedelta(seconds=10))
    b.full()
    return clock, store, b


def test_a_workers_dot_moves_at_most_every_interval_unless_their_status_changes():
    clock, store, b = _one_worker_city()

    def moved(pid: int, at_s: int) -> list[str]:
        clock["now"] = NOW + timedelta(seconds=at_s)
        position = replace(fix(pid, "W1", timedelta(0)), recorded_at=clock["now"])
        diffs = _by_layer(b.from_changes(store.apply(ChangeBatch(positions=(position,)))))
        return [w["id"] for w in diffs.get("workers", {}).get("upsert", [])]

    assert moved(1, 0) == ["W1"]
    assert moved(2, 5) == []  # 5 s later, same status: it can wait
    assert moved(3, 11) == ["W1"]  # 11 s after the dot last moved
    store.stale_after = timedelta(seconds=0)  # the next fix reads as stale
    assert moved(4, 12) == ["W1"]  # a status change is never held back


def test_a_held_back_fix_goes_out_once_its_interval_has_passed_and_row_changes_never_wait():
    clock, store, b = _one_worker_city()
    first = fix(1, "W1", timedelta(seconds=0), lon=113.301)
    b.from_changes(store.apply(ChangeBatch(positions=(first,))))
    clock["now"] = NOW + timedelta(seconds=5)
    held = replace(fix(2, "W1", timedelta(seconds=0), lon=113.302), recorded_at=clock["now"])
    assert not _by_layer(b.from_changes(store.apply(ChangeBatch(positions=(held,))))).get("workers")
    clock["now"] = NOW + timedelta(seconds=11)  # the phone then goes quiet; time passes
    assert not _by_layer(b.from_changes(store.refresh_clock())).get("workers")  # not here:
    diffs = _by_layer(b.due_workers())  # held dots go out with the map's once-a-second send
    (moved,) = diffs["workers"]["upsert"]
    assert moved["id"] == "W1" and moved["lng"] == 113.302  # the newest fix, not the old one
    gone = replace(worker("W1", grid_no=1), active=False)
    diffs = _by_layer(b.from_changes(store.apply(ChangeBatch(workers=(gone,)))))
    assert "W1" in diffs["workers"]["remove"]  # a changed worker row never waits


def test_after_the_page_was_given_every_dot_nothing_held_is_sent_again():
    """The return from replay gives the page every worker where the store has them: the
    fixes held back meanwhile are in it, and each dot's interval starts again."""
    clock, store, b = _one_worker_city()
    b.from_changes(store.apply(ChangeBatch(positions=(fix(1, "W1", timedelta(0)),))))
    clock["now"] = NOW + timedelta(seconds=5)
    held = replace(fix(2, "W1", timedelta(0), lon=113.302), recorded_at=clock["now"])
    b.from_changes(store.apply(ChangeBatch(positions=(held,))))  # held back: moved 5 s ago
    b.workers_shown_whole()
    clock["now"] = NOW + timedelta(seconds=11)
    assert b.due_workers() == []  # its newest fix went with the whole picture
    clock["now"] = NOW + timedelta(seconds=13)
    later = replace(fix(3, "W1", timedelta(0), lon=113.303), recorded_at=clock["now"])
    assert not _by_layer(b.from_changes(store.apply(ChangeBatch(positions=(later,))))).get(
        "workers"
    )  # 8 s after the whole picture: it waits its interval
    clock["now"] = NOW + timedelta(seconds=16)
    (moved,) = _by_layer(b.due_workers())["workers"]["upsert"]
    assert moved["lng"] == 113.303


@settings(max_examples=60, deadline=None)
@given(
    rings=st.lists(
        st.lists(
            st.tuples(
                st.floats(-180, 180, allow_nan=False),
                st.floats(-90, 90, allow_nan=False),
                st.sampled_from([(), (12.5,)]),  # some points carry a height
            ),
            max_size=30,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_an_unprojected_outline_is_each_point_swapped_and_rounded(rings) -> None:
    """numpy does the rings of a WGS-84 map at once; the result is the per-point rule's
    (to the rounding's last digit), rings of mixed dimensions included."""
    coordinates = [[[lon, lat, *z] for lon, lat, z in ring] for ring in rings]
    got = polygons({"type": "Polygon", "coordinates": coordinates}, projector("WGS84"))
    want = [[[round(p[1], 6), round(p[0], 6)] for p in ring] for ring in coordinates]
    assert len(got) == 1 and len(got[0]) == len(want)
    for got_ring, want_ring in zip(got[0], want, strict=True):
        assert got_ring == [pytest.approx(p, abs=1.01e-6) for p in want_ring]
