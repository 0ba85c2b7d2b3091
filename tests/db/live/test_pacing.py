"""The pace of worker fixes to the console (db/live/pacing.py), against its written-out rule.

A property test: batches of fixes for a few workers arrive at random times, with
sweeps in between, some fixes late or out of order. What must hold:

- no fix is handed over twice, and a worker's fixes go in the order they were recorded;
- two of a worker's hand-overs are at least the pace apart (their first is taken as
  made at a time of its own within the pace before it), unless the later fix was
  recorded a silence (a minute) or more after the earlier;
- a fix waits at most the pace: whenever the pacer is asked, no worker waits whose
  last hand-over was the pace ago or more;
- nothing is lost: once the pace has passed after the last batch, each worker's
  newest fix has been handed over, and every fix not handed over is older than one
  that was (the console's store keeps the newest only);
- the watermark never passes the read of a fix still waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridcommand.db.live.pacing import FixPacer
from gridcommand.db.live.records import PositionRecord

PACE = 10.0
SILENCE = 60.0
T0 = datetime(2026, 12, 2, 8, tzinfo=UTC)
WORKERS = ("W1", "W2", "W3")

# One step: time passes (s), then a batch of (worker, seconds after T0 it was recorded)
# arrives, or (an empty batch) the sweep runs.
steps = st.lists(
    st.tuples(
        st.floats(0, 15, allow_nan=False),
        st.lists(st.tuples(st.sampled_from(WORKERS), st.integers(0, 600)), max_size=6),
    ),
    max_size=30,
)


def _fix(n: int, worker: str, second: int) -> PositionRecord:
    return PositionRecord(n, worker, T0 + timedelta(seconds=second), 113.0, 23.0, 5.0, "app")


def _behind(p: PositionRecord, handed: dict[int, float], arrived: list[PositionRecord]) -> bool:
    """Handed over, or no newer than a fix of the same worker that was."""
    return p.id in handed or any(
        q.id in handed and q.worker_code == p.worker_code and q.recorded_at >= p.recorded_at
        for q in arrived
    )


@settings(max_examples=300, deadline=None)
@given(first=st.lists(st.sampled_from(WORKERS), unique=True), steps=steps)
def test_each_worker_gets_their_newest_fix_at_the_pace_and_nothing_is_lost(
    first: list[str], steps: list[tuple[float, list[tuple[str, int]]]]
) -> None:
    pacer = FixPacer(PACE, SILENCE)
    now, n = 0.0, 0
    handed: dict[int, float] = {}  # fix id → when handed over
    arrived: list[PositionRecord] = []
    read: dict[int, int] = {}  # fix id → the watermark of the read that found it
    # Each worker's last hand-over: at the earliest (for the pace) and at the latest (for
    # the wait); the same but for the first load's.
    earliest: dict[str, float] = {}
    latest: dict[str, float] = {}
    loaded = []
    for worker in first:
        n += 1
        loaded.append(_fix(n, worker, 0))
    pacer.handed(loaded, now)
    arrived += loaded
    handed |= {p.id: now for p in loaded}
    earliest |= {p.worker_code: now - PACE for p in loaded}
    latest |= {p.worker_code: now for p in loaded}

    recorded: dict[str, datetime] = {p.worker_code: p.recorded_at for p in loaded}

    def took(out: list[PositionRecord]) -> None:
        for p in out:
            assert p.id not in handed, "handed over twice"
            previous = earliest.get(p.worker_code)
            silent = p.worker_code in recorded and p.recorded_at - recorded[
                p.worker_code
            ] >= timedelta(seconds=SILENCE)
            assert previous is None or now - previous >= PACE or silent, "faster than the pace"
            recorded[p.worker_code] = p.recorded_at
            handed[p.id] = now
            earliest[p.worker_code] = now if previous is not None else now - PACE
            latest[p.worker_code] = now

    def check_no_one_overdue() -> None:
        for p in arrived:
            waiting_in_pace = now - latest.get(p.worker_code, -1e9) < PACE
            assert _behind(p, handed, arrived) or waiting_in_pace, f"fix {p.id} waits too long"

    for mark, (gap, batch) in enumerate(steps, start=1):
        now += gap
        if batch:
            fixes = []
            for worker, second in batch:
                n += 1
                fixes.append(_fix(n, worker, second))
            arrived += fixes
            read |= {p.id: mark for p in fixes}
            took(pacer.pace(fixes, now, read_from=mark))
        else:
            took(pacer.due(now))
        check_no_one_overdue()
        # A fix that waits (not handed over, and newer than what its worker was handed)
        # is read again by a successor: the watermark is at its read or before.
        waiting = [read[p.id] for p in arrived if p.id in read and not _behind(p, handed, arrived)]
        reported = pacer.watermark(mark + 1)
        assert reported is not None and reported <= min(waiting, default=mark + 1)

    now += PACE + 1  # the pace, and more than any rounding of the sums of the gaps
    took(pacer.due(now))
    assert len(pacer) == 0
    assert pacer.watermark(99) == 99
    for worker in WORKERS:
        theirs = [p for p in arrived if p.worker_code == worker]
        if not theirs:
            continue
        newest = max(p.recorded_at for p in theirs)
        got = [p for p in theirs if p.id in handed]
        assert any(p.recorded_at == newest for p in got), worker
        # In the order recorded: each hand-over no older than the one before.
        in_order = sorted(got, key=lambda p: handed[p.id])
        times = [p.recorded_at for p in in_order]
        assert times == sorted(times), worker
        for p in theirs:
            if p.id not in handed:
                assert any(q.recorded_at >= p.recorded_at for q in got), "lost"


def test_a_phone_heard_again_goes_at_once_and_its_next_fixes_wait_for_the_pace() -> None:
    pacer = FixPacer(PACE)
    pacer.handed([_fix(1, "W1", 0)], now=0.0)
    assert pacer.pace([_fix(2, "W1", 600)], now=600.0, read_from=7) == [_fix(2, "W1", 600)]
    assert pacer.pace([_fix(3, "W1", 605)], now=605.0, read_from=8) == []
    assert pacer.pace([_fix(4, "W1", 609)], now=609.0, read_from=9) == []
    assert pacer.watermark(10) == 8  # the read that found the first fix still waiting
    assert pacer.due(609.9) == []
    assert pacer.due(610.0) == [_fix(4, "W1", 609)]  # the newest, when the pace is up
    assert pacer.watermark(10) == 10
    assert pacer.pace([_fix(5, "W1", 615)], now=615.0, read_from=11) == []
    # The pace is up as a newer fix arrives: that one goes, not the one that waited.
    assert pacer.pace([_fix(6, "W1", 620)], now=620.0, read_from=12) == [_fix(6, "W1", 620)]
    assert len(pacer) == 0


def test_a_phone_silent_before_the_load_goes_at_once_when_heard_again() -> None:
    """The first load's spread counts each worker's hand-over as made within the pace
    before it; a worker whose phone had been silent must not wait for that."""
    pacer = FixPacer(PACE, SILENCE)
    pacer.handed([_fix(1, "W1", 0)], now=900.0)  # loaded at 900 s: their fix of 0 s
    assert pacer.pace([_fix(2, "W1", 895)], now=900.5, read_from=1) == [_fix(2, "W1", 895)]
    # Speaking again, at the phone's pace: paced again.
    assert pacer.pace([_fix(3, "W1", 900)], now=901.0, read_from=2) == []
    assert pacer.due(910.5) == [_fix(3, "W1", 900)]
    # A fix waits; a newer one recorded a silence after the last handed goes at once,
    # and the one that waited is gone with the watermark it held.
    assert pacer.pace([_fix(4, "W1", 905)], now=911.0, read_from=3) == []
    assert pacer.watermark(9) == 3
    assert pacer.pace([_fix(5, "W1", 960)], now=912.0, read_from=4) == [_fix(5, "W1", 960)]
    assert len(pacer) == 0
    assert pacer.watermark(9) == 9


@pytest.mark.parametrize("load", ["handed", "paced"])
def test_a_citys_workers_loaded_at_once_are_not_all_due_at_once(load: str) -> None:
    """The first load hands every worker's fix in one moment (as ``initial`` rows, or
    as the slices of fixes the feed sends before them); their paces must not all end
    in one later moment, or the console gets the city's fixes in a burst."""
    pacer = FixPacer(PACE)
    workers = [f"W{i:05d}" for i in range(2000)]
    first = [_fix(i, w, 0) for i, w in enumerate(workers)]
    if load == "handed":
        pacer.handed(first, now=0.0)
    else:
        assert len(pacer.pace(first, now=0.0, read_from=0)) == len(workers)
    # Each sends a fix at once, then one every 5 s; the sweep runs every half second.
    sweeps: list[int] = []
    n = len(workers)
    for tick in range(1, 81):
        now = tick * 0.5
        fixes = []
        if tick % 10 == 1:
            for w in workers:
                n += 1
                fixes.append(_fix(n, w, int(now)))
        sweeps.append(len(pacer.pace(fixes, now, read_from=tick)))
    assert sum(sweeps) >= len(workers)  # every worker got a newer fix
    assert max(sweeps) <= len(workers) // 10  # at most a tenth of the city at once
