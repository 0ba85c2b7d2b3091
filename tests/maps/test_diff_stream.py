"""The map's texts: a big diff goes to the page as several bounded texts, whole together."""

from __future__ import annotations

import json
from datetime import timedelta

from gridcommand.db.live.records import ChangeBatch
from gridcommand.db.live.store import StateStore
from gridcommand.maps.diff_stream import MapDiffs, to_text, to_texts
from tests.maps.factory import NOW, city, fix, worker


def _features(n: int) -> list[dict[str, object]]:
    return [{"id": f"G{i}", "rings": [[[23.0 + i / 1000, 113.0]] * 20]} for i in range(n)]


def test_a_big_diff_is_cut_between_features_into_bounded_texts() -> None:
    diffs = [
        {"layer": "grids", "upsert": _features(300), "remove": ["OLD"]},
        {"layer": "alerts", "upsert": [{"id": 1}], "remove": []},
    ]
    texts = to_texts(diffs, limit=5000)
    assert len(texts) > 5
    assert all(len(t) <= 5000 for t in texts)
    pieces = [d for t in texts for d in json.loads(t)]
    grids = [d for d in pieces if d["layer"] == "grids"]
    # Together the pieces are the diff, in order; the removal goes with the first piece.
    assert [f for d in grids for f in d["upsert"]] == diffs[0]["upsert"]
    assert [d["remove"] for d in grids] == [["OLD"]] + [[]] * (len(grids) - 1)
    assert pieces[-1] == diffs[1]


def test_a_small_diff_is_one_text_and_nothing_is_no_text() -> None:
    diffs = [{"layer": "alerts", "upsert": [{"id": 1}], "remove": []}]
    assert to_texts(diffs) == [to_text(diffs)]
    assert to_texts([]) == []


def test_moves_held_while_the_page_showed_the_past_are_not_sent_after_the_live_picture() -> None:
    store = StateStore(clock=lambda: NOW)
    store.apply(city(grids=2))
    store.apply(ChangeBatch(workers=(worker("W1", grid_no=1),)))
    stream = MapDiffs(store)
    stream.full()
    stream.on_changes(store.apply(ChangeBatch(positions=(fix(1, "W1", timedelta(0)),))))
    assert len(stream.held) == 1  # waiting for its canvas's turn (none while replaying)
    stream.live_again()
    assert stream.worker_canvas(None) == []
