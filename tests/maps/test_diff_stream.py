"""The map's texts: a big diff goes to the page as several bounded texts, whole together."""

from __future__ import annotations

import json

from gridcommand.maps.diff_stream import to_text, to_texts


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
