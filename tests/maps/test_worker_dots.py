"""The worker dots as the feed's process builds them (maps/worker_dots.py), read as the page
reads them: the JSON texts it is sent."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from gridcommand.db.live.records import ChangeBatch
from gridcommand.db.live.store import WorkerState
from gridcommand.maps.features import projector
from gridcommand.maps.worker_dots import WorkerDots
from tests.maps.factory import LAT0, LON0, NOW, fix, worker


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _dots(texts: list[str]) -> dict[str, dict[str, Any]]:
    """Each dot the texts upsert, by worker; none removed."""
    out: dict[str, dict[str, Any]] = {}
    for text in texts:
        for diff in json.loads(text):
            assert diff["layer"] == "workers"
            assert diff["remove"] == []
            out |= {f["id"]: f for f in diff["upsert"]}
    return out


def test_fixes_become_dots_held_for_their_canvas_and_sent_once() -> None:
    clock = Clock()
    dots = WorkerDots(clock=clock)
    dots.apply(ChangeBatch(workers=(worker("W1"), worker("W2"), worker("W3"))))
    # No fix yet: no dot (and none left on the page, should it have had one).
    (only,) = [d for text in dots.canvas(None) for d in json.loads(text)]
    assert (only["upsert"], only["remove"]) == ([], ["W1", "W2", "W3"])
    dots.apply(ChangeBatch(positions=(fix(1, "W1", timedelta(0)), fix(2, "W2", timedelta(0)))))
    sent = _dots(dots.canvas(None))
    assert set(sent) == {"W1", "W2"}
    lat, lng = projector("WGS84")(LON0 + 0.005, LAT0 + 0.005)
    assert (sent["W1"]["lat"], sent["W1"]["lng"], sent["W1"]["status"]) == (lat, lng, "online")
    assert dots.canvas(None) == []  # sent: nothing held

    # Each canvas sends its own dots only; together they are every move.
    clock.now += timedelta(seconds=11)
    dots.apply(ChangeBatch(positions=(fix(3, "W1", -timedelta(seconds=11), lon=LON0 + 0.01),)))
    dots.apply(ChangeBatch(positions=(fix(4, "W2", -timedelta(seconds=11), lon=LON0 + 0.02),)))
    by_canvas = [_dots(dots.canvas(shard)) for shard in range(8)]
    assert sorted(code for moved in by_canvas for code in moved) == ["W1", "W2"]
    assert all(len({m["s"] for m in moved.values()}) <= 1 for moved in by_canvas)


def test_a_silent_worker_turns_stale_by_the_clock_alone() -> None:
    clock = Clock()
    dots = WorkerDots(clock=clock)
    dots.apply(
        ChangeBatch(workers=(worker("W1"),), positions=(fix(1, "W1", timedelta(minutes=9)),))
    )
    assert _dots(dots.canvas(None))["W1"]["status"] == "online"
    clock.now += timedelta(minutes=1, seconds=1)
    dots.tick()
    assert _dots(dots.canvas(None))["W1"]["status"] == "stale"


def test_every_dot_in_the_pages_system_and_nothing_held_after() -> None:
    dots = WorkerDots(clock=Clock())
    dots.apply(
        ChangeBatch(
            workers=(worker("W1"), worker("W2")),
            positions=(fix(1, "W1", timedelta(0)), fix(2, "W2", timedelta(0))),
        )
    )
    whole = _dots(dots.whole("GCJ02"))
    assert set(whole) == {"W1", "W2"}
    lat, lng = projector("GCJ02")(LON0 + 0.005, LAT0 + 0.005)
    assert (whole["W1"]["lat"], whole["W1"]["lng"]) == (lat, lng)
    assert (lat, lng) != projector("WGS84")(LON0 + 0.005, LAT0 + 0.005)
    assert dots.canvas(None) == []  # the held moves were in it
    assert dots.crs == "GCJ02"


def test_a_successor_starts_from_the_consoles_workers_and_moves_them() -> None:
    """A feed process that died is replaced; its dots start from the console's workers
    (the page shows them), and the next fix of one of them moves it."""
    clock = Clock()
    seed = [
        WorkerState(worker("W1"), fix(1, "W1", timedelta(seconds=30)), "online"),
        WorkerState(worker("W2"), None, "offline"),
    ]
    dots = WorkerDots(seed=seed, clock=clock)
    assert dots.canvas(None) == []  # the page has them
    assert set(_dots(dots.whole("WGS84"))) == {"W1"}
    dots.apply(ChangeBatch(positions=(fix(2, "W1", timedelta(0), lon=LON0 + 0.01),)))
    clock.now += timedelta(seconds=11)
    assert _dots(dots.canvas(None))["W1"]["lng"] == round(LON0 + 0.01, 6)
