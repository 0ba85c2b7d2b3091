"""The map's texts: a big diff goes to the page as several bounded texts, whole together."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gridcommand.db.live.records import ChangeBatch
from gridcommand.db.live.store import StateStore
from gridcommand.maps.diff_stream import MapDiffs, to_text, to_texts
from gridcommand.maps.json_text import dumps
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


def test_the_text_says_what_the_standard_encoder_says() -> None:
    """Chinese as itself, floats to the last digit, NumPy's scalars as numbers."""
    feature = {
        "id": "W00001",
        "name": "张三（专职网格员）",
        "lat": 23.129163000000001,
        "lng": np.float64(113.26443599999999),
        "at": 1_764_000_000_123,
        "tiny": 1e-7,
        "nothing": None,
        "ok": True,
        "ring": [[23.1, 113.2], (23.2, 113.3)],
    }
    diffs = [{"layer": "workers", "upsert": [feature], "remove": ["W9"]}]
    text = to_text(diffs)
    assert text is not None and "张三（专职网格员）" in text
    standard = json.dumps(diffs, ensure_ascii=False, default=float)
    assert json.loads(text) == json.loads(standard)
    assert dumps({"a": [1, 2.5]}) == '{"a":[1,2.5]}'


_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)
_diffs = st.lists(
    st.fixed_dictionaries(
        {
            "layer": st.sampled_from(["grids", "alerts", "workers"]),
            "upsert": st.lists(
                st.dictionaries(st.text(max_size=4), _values, max_size=3), max_size=30
            ),
            "remove": st.lists(st.text(max_size=8), max_size=5),
        }
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(diffs=_diffs, limit=st.integers(120, 3000))
def test_the_texts_are_bounded_and_together_the_diffs(
    diffs: list[dict[str, Any]], limit: int
) -> None:
    texts = to_texts(diffs, limit=limit)
    pieces = [d for t in texts for d in json.loads(t)]
    # Only a text holding one feature (or a diff's removals alone) may be longer.
    for t in texts:
        if len(t) > limit:
            (only,) = json.loads(t)
            assert len(only["upsert"]) <= 1
    # In order, the pieces are the diffs: each diff's pieces hold its features in
    # order (a piece at least one, unless the diff has none), removals with the first.
    at = 0
    for diff in diffs:
        mine = [pieces[at]]
        at += 1
        while sum(len(p["upsert"]) for p in mine) < len(diff["upsert"]):
            mine.append(pieces[at])
            at += 1
        assert all(p["layer"] == diff["layer"] for p in mine)
        assert [f for p in mine for f in p["upsert"]] == diff["upsert"]
        assert mine[0]["remove"] == diff["remove"]
        assert all(p["remove"] == [] for p in mine[1:])
    assert at == len(pieces)
    if texts and len(to_text(diffs) or "") <= limit:
        assert texts == [to_text(diffs)]
