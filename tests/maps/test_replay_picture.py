"""A replayed moment's points: a case that stood still keeps its point, its light follows."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from gridcommand.db.live.store import StateStore
from gridcommand.maps.features import projector
from gridcommand.maps.replay_picture import picture_of
from tests.maps.factory import NOW, city, ticket


def _store(at, tickets) -> StateStore:
    store = StateStore(clock=lambda: at)
    store.apply(replace(city(), tickets=tuple(tickets)))
    return store


def test_a_case_that_stood_still_keeps_its_point_and_its_light_follows_the_clock() -> None:
    project = projector("WGS84")
    still, turning, moved = (
        ticket(1, age=timedelta(hours=1)),
        ticket(2, age=timedelta(hours=2, minutes=50), allowed=timedelta(hours=4)),
        ticket(3),
    )
    before = _store(NOW, [still, turning, moved])
    shown = picture_of(before, project)
    assert shown.layers["alerts"][2]["time"] == "green"
    # Ten minutes on: case 2 enters its last quarter; case 3 is a new record (moved).
    later = NOW + timedelta(minutes=10)
    assert moved.lon is not None
    moved_on = replace(moved, lon=moved.lon + 0.001, version=2)
    after = _store(later, [still, turning, moved_on])
    after.tickets[1], after.tickets[2] = still, turning  # the very records shown before
    picture = picture_of(after, project, previous=(before, shown))
    alerts, old = picture.layers["alerts"], shown.layers["alerts"]
    assert alerts[1] is old[1]  # nothing changed: the same point, not even copied
    assert alerts[2]["time"] == "yellow" and alerts[2]["lat"] == old[2]["lat"]
    assert alerts[3]["lng"] != old[3]["lng"]
    assert {d["layer"]: len(d["upsert"]) for d in picture.diffs_from(shown)}["alerts"] == 2
    # Drawn under another projection, nothing is reused.
    other = picture_of(after, projector("GCJ-02"), previous=(before, shown))
    assert other.layers["alerts"][1] is not old[1]
