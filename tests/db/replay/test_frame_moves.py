"""Moving the slider gives exactly the moment read from scratch.

A moment read from the one shown before (only what may differ between the two)
must equal the same moment read whole: on by an hour, back by an hour, and a
jump across several hours, over a district whose workers walk all the while
(a fix every few minutes, one refused by the feed, one refused and later
accepted) and whose cases move through the loop.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.live import queries
from gridcommand.db.live.records import WorkerRecord
from gridcommand.db.live.store import count_workers
from gridcommand.db.replay.frame import Frame, FrameReader
from gridcommand.db.replay.state import replay_store
from gridcommand.maps.features import projector
from gridcommand.maps.replay_picture import Picture, picture_of

NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(hours=20)
WALKERS = 6
EVERY = timedelta(minutes=7)
PROJECT = projector("WGS84")
#: When the odd worker's odd fixes were recorded, and when the refusal of one was resolved.
ODD = {
    "refused": START + timedelta(hours=2, minutes=33),
    "accepted": START + timedelta(hours=3, minutes=2),
    "resolved": START + timedelta(hours=6, minutes=10),
}


def _walk(engine: Engine) -> dict[str, int]:
    """Fixes every 7 minutes over the last 20 hours for a few workers; and for one more,
    two odd ones: refused, and refused but accepted later. Returns their ids."""
    with engine.begin() as conn:
        codes = list(
            conn.scalars(
                text("SELECT code FROM workers ORDER BY code LIMIT :n"), {"n": WALKERS + 1}
            )
        )
        rows = []
        at = START - timedelta(hours=2)
        step = 0
        while at < NOW - timedelta(hours=1):
            for n, code in enumerate(codes[:WALKERS]):
                if (step + n) % 5 == 4:
                    continue  # now and then a worker sends nothing for a while
                rows.append(
                    {"code": code, "lon": 113.3 + 0.001 * step, "lat": 22.9 + 0.001 * n, "at": at}
                )
            at += EVERY
            step += 1
        conn.execute(
            text(
                "INSERT INTO worker_positions (worker_code, lon, lat, recorded_at, accuracy_m,"
                " source) VALUES (:code, :lon, :lat, :at, 8, 'pad')"
            ),
            rows,
        )

        def fix(at: datetime) -> int:
            return int(
                conn.execute(
                    text(
                        "INSERT INTO worker_positions (worker_code, lon, lat, recorded_at,"
                        " accuracy_m, source) VALUES (:code, 113.5, 22.95, :at, 8, 'pad')"
                        " RETURNING id"
                    ),
                    {"code": codes[WALKERS], "at": at},
                ).scalar_one()
            )

        odd = {
            "refused": fix(ODD["refused"]),
            "accepted": fix(ODD["accepted"]),
        }
        refuse = text(
            "INSERT INTO rejected_input (source_table, row_ref, reason_code, reason,"
            " detected_at, resolved_at) VALUES ('worker_positions', :ref, 'outside', 'test',"
            " :at, :resolved)"
        )
        conn.execute(refuse, {"ref": str(odd["refused"]), "at": START, "resolved": None})
        conn.execute(
            refuse, {"ref": str(odd["accepted"]), "at": START, "resolved": ODD["resolved"]}
        )
    return odd


@pytest.fixture
def walked(engine: Engine) -> dict[str, int]:
    seed_demo(engine, grids=12, random_seed=4, days=2, now=NOW)
    return _walk(engine)


def _whole(engine: Engine, at: datetime) -> Frame:
    return FrameReader(engine).frame(at)  # a reader of its own: nothing kept from before


def test_moving_on_back_and_across_hours_equals_reading_from_scratch(
    engine: Engine, walked: dict[str, int]
) -> None:
    reader = FrameReader(engine)
    shown = reader.frame(START)
    assert shown == _whole(engine, START)
    workers = _workers(engine)
    with engine.connect() as conn:
        grids = [
            queries.grid(dict(r))
            for r in conn.exec_driver_sql(queries.GRIDS, {"x": 0, "initial": True}).mappings()
        ]
    store = replay_store(shown, grids, workers)
    picture = picture_of(store, PROJECT)
    moves = [
        timedelta(hours=1),  # on by an hour
        timedelta(hours=1),
        timedelta(hours=-1),  # back by an hour
        timedelta(hours=5, minutes=30),  # a jump across several hours
        timedelta(hours=-4, minutes=-13),
        timedelta(minutes=1),  # a step of the bar
        timedelta(hours=11),  # further than a change is read: read whole
        timedelta(hours=-9),
        timedelta(0),  # the same moment again (a worker chosen: the track read too)
    ]
    moved_workers = restyled = 0
    for move in moves:
        at = shown.at + move
        hop = reader.frame(at, since=shown)
        whole = _whole(engine, at)
        assert hop == whole, (at - START, move)
        # The store and the map's picture built from the moment before: the same again,
        # and the diff from before turns the picture before into this one.
        whole_store = replay_store(whole, grids, workers)
        hop_store = replay_store(hop, grids, workers, store)
        assert hop_store.workers == whole_store.workers
        assert hop_store.worker_counts() == whole_store.worker_counts()
        hop_picture = picture_of(hop_store, PROJECT, None, (store, picture))
        assert hop_picture.layers == picture_of(whole_store, PROJECT).layers
        assert _applied(picture, hop_picture.diffs_from(picture)) == hop_picture.layers
        restyled += len(hop_picture.changed.get("grids", ()))
        store, picture = hop_store, hop_picture
        moved_workers += sum(1 for c, p in whole.positions.items() if shown.positions.get(c) != p)
        shown = hop
    # The moves were real: workers walked and cases moved between the moments.
    assert moved_workers >= WALKERS * 4
    assert restyled > 0  # and grids were restyled by what changed only


def _workers(engine: Engine) -> list[WorkerRecord]:
    with engine.connect() as conn:
        return [
            queries.worker(dict(r))
            for r in conn.execute(
                text(
                    "SELECT code, name, role, grid_code, phone_masked AS phone, active"
                    " FROM workers ORDER BY code"
                )
            ).mappings()
        ]


def _applied(before: Picture, diffs: list[dict[str, Any]]) -> dict[str, dict[Any, Any]]:
    """The page's layers after applying ``diffs`` to ``before`` (as gridmap does)."""
    layers = {name: dict(features) for name, features in before.layers.items()}
    for diff in diffs:
        layer = layers[diff["layer"]]
        for key in diff["remove"]:
            layer.pop(key, None)
        for feature in diff["upsert"]:
            layer[feature["id"]] = feature
    return layers


def test_a_refused_fix_is_never_a_position_until_accepted(
    engine: Engine, walked: dict[str, int]
) -> None:
    reader = FrameReader(engine)

    def fix_at(at: datetime) -> int | None:
        odd = {p.id for p in reader.frame(at).positions.values()} & set(walked.values())
        return odd.pop() if odd else None

    assert fix_at(ODD["refused"] + timedelta(minutes=1)) is None
    # Refused when it came, so not shown; once the refusal was resolved, it is the position.
    assert fix_at(ODD["accepted"] + timedelta(minutes=1)) is None
    assert fix_at(ODD["resolved"] + timedelta(minutes=1)) == walked["accepted"]


def test_a_replayed_store_counts_open_cases_per_grid_and_workers_by_status(
    engine: Engine, walked: dict[str, int]
) -> None:
    """What the grids' fills and the workers' summary read (kept by ``apply`` when live)."""
    at = START + timedelta(hours=8)
    frame = FrameReader(engine).frame(at)
    store = replay_store(frame, [], _workers(engine))
    expected: Counter[str] = Counter(
        str(t.grid) for t in frame.tickets.values() if t.is_open and t.grid is not None
    )
    assert expected
    assert {c: n.open for c, n in store.counts_per_grid().items()} == dict(expected)
    assert store.worker_counts() == count_workers(store.workers.values())
    assert store.worker_counts()["online"] >= WALKERS - 2
