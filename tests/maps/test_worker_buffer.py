"""Held worker moves: merged by id, the newest word on each dot wins."""

from __future__ import annotations

from gridcommand.maps.worker_buffer import WorkerDiffBuffer


def _dot(code: str, lat: float) -> dict[str, object]:
    return {"id": code, "lat": lat, "lng": 113.0}


def test_moves_merge_and_the_newest_wins() -> None:
    buffer = WorkerDiffBuffer()
    assert buffer.take() is None
    buffer.add({"layer": "workers", "upsert": [_dot("W1", 23.0), _dot("W2", 23.0)], "remove": []})
    buffer.add({"layer": "workers", "upsert": [_dot("W1", 23.1)], "remove": ["W2"]})
    diff = buffer.take()
    assert diff == {"layer": "workers", "upsert": [_dot("W1", 23.1)], "remove": ["W2"]}
    assert len(buffer) == 0 and buffer.take() is None


def test_a_dot_removed_then_shown_again_is_shown() -> None:
    buffer = WorkerDiffBuffer()
    buffer.add({"layer": "workers", "upsert": [], "remove": ["W1"]})
    buffer.add({"layer": "workers", "upsert": [_dot("W1", 23.2)], "remove": []})
    assert buffer.take() == {"layer": "workers", "upsert": [_dot("W1", 23.2)], "remove": []}


def test_one_canvas_at_a_time_and_every_removal_with_it() -> None:
    buffer = WorkerDiffBuffer(shards=2)
    on_0, on_1 = {**_dot("W1", 23.0), "s": 0}, {**_dot("W2", 23.0), "s": 1}
    buffer.add({"layer": "workers", "upsert": [on_0, on_1], "remove": ["W9"]})
    assert buffer.take(1) == {"layer": "workers", "upsert": [on_1], "remove": ["W9"]}
    assert buffer.take(1) is None
    assert buffer.take(0) == {"layer": "workers", "upsert": [on_0], "remove": []}
    assert len(buffer) == 0
