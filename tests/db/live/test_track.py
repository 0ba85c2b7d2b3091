"""A chosen worker's track: read from a real PostgreSQL, then kept current fix by fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.live.records import PositionRecord
from gridcommand.db.live.track import TRACK_SPACING, TRACK_WINDOW, LiveTrack, read_track
from tests.conftest import conninfo

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def _the_rule(fixes: list[PositionRecord], now: datetime) -> list[tuple[object, ...]]:
    """One point every 20 s at most, the hour before ``now``: written out, not imported."""
    kept: list[PositionRecord] = []
    for p in fixes:
        if not kept or p.recorded_at - kept[-1].recorded_at >= TRACK_SPACING:
            kept.append(p)
    return [
        (p.id, p.recorded_at, p.lon, p.lat) for p in kept if p.recorded_at >= now - TRACK_WINDOW
    ]


@settings(max_examples=40, deadline=None)
@given(
    gaps=st.lists(st.integers(0, 900_000_000), min_size=1, max_size=400),
    ids=st.integers(1, 2**52),
    split=st.integers(0, 400),
)
def test_a_live_track_keeps_each_fix_as_it_was_thinned_and_windowed(
    gaps: list[int], ids: int, split: int
) -> None:
    """The points read from the database, then the fixes that follow in batches: the id,
    the time to the microsecond, the place; one every 20 s, the last hour only. Another
    worker's fixes and a late (older) fix are not kept."""
    at, fixes = T0, []
    for i, gap in enumerate(gaps):
        at += timedelta(microseconds=gap)
        lon, lat = 113.0 + i * 1.234567e-6, 23.0 - i * 7.654321e-7
        fixes.append(PositionRecord(ids + i, "W2", at, lon, lat, None, "pad"))
    track = LiveTrack("W2", fixes[:split])
    noise = [PositionRecord(1, "W9", at, 1.0, 2.0, None, "pad")]
    late = [_replace_time(fixes[0], fixes[0].recorded_at - timedelta(hours=2))] if split else []
    track.extend(noise + fixes[split:] + late)
    assert [tuple(p) for p in track.points(at)] == _the_rule(fixes, at)


def _replace_time(p: PositionRecord, at: datetime) -> PositionRecord:
    return PositionRecord(p.id, p.worker_code, at, p.lon, p.lat, p.accuracy_m, p.source)


def test_a_live_track_says_whether_it_grew() -> None:
    track = LiveTrack("W1", [PositionRecord(1, "W1", T0, 113.0, 23.0, None, "pad")])
    assert not track.extend([PositionRecord(2, "W1", T0 + timedelta(seconds=5), 113, 23, 5, "pad")])
    assert not track.extend([PositionRecord(3, "W7", T0 + timedelta(minutes=5), 113, 23, 5, "pad")])
    assert track.extend([PositionRecord(4, "W1", T0 + timedelta(seconds=20), 113, 23, 5, "pad")])
    assert [p.id for p in track.points(T0 + timedelta(minutes=1))] == [1, 4]
    assert track.points(T0 + timedelta(hours=2)) == []


def test_read_track_gives_the_hour_of_one_workers_fixes_thinned(
    engine: Engine, db_url: URL
) -> None:
    now = datetime.now(UTC)
    seed_demo(engine, grids=4, random_seed=5, days=1, now=now - timedelta(days=1))
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        code, other = (r[0] for r in conn.execute("SELECT code FROM workers ORDER BY code LIMIT 2"))
        # Every 7 s for 70 minutes, and another worker's fixes interleaved.
        for who in (code, other):
            conn.execute(
                "INSERT INTO worker_positions (worker_code, lon, lat, recorded_at, accuracy_m,"
                " source) SELECT %s, 113.3 + n * 1e-5, 23.1, %s - make_interval(secs => 7 * n),"
                " 5, 'pad'"
                " FROM generate_series(0, 600) n",
                (who, now),
            )
        rows = conn.execute(
            "SELECT id, worker_code, recorded_at, lon, lat, accuracy_m, source"
            " FROM worker_positions WHERE worker_code = %s AND recorded_at > %s"
            " ORDER BY recorded_at, id",
            (code, now - timedelta(hours=3)),
        ).fetchall()
    fixes = [PositionRecord(*r) for r in rows]
    got = read_track(engine, code, now)
    assert [(p.id, p.recorded_at, p.lon, p.lat) for p in got] == _the_rule(
        [p for p in fixes if p.recorded_at > now - TRACK_WINDOW], now
    )
    assert {p.worker_code for p in got} == {code}
    assert len(got) == 3600 // 21 + 1  # a fix every 7 s, kept every 21 s
    assert read_track(engine, "nobody", now) == []
