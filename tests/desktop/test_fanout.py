"""Big changes reach a view in slices, in order, the counts and the alarm with the last."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gridcommand.db.live.store import Changes, StoreChanges
from gridcommand.desktop.fanout import Paced, slices
from tests.db.live.test_store import ticket


def _changes(added: int, changed: int) -> StoreChanges:
    return StoreChanges(
        tickets=Changes(
            tuple(ticket(i) for i in range(added)),
            tuple(ticket(i) for i in range(added, added + changed)),
            (999,),
        ),
        alarming=frozenset({1}),
        first_load=True,
    )


def test_slices_keep_every_row_in_order_and_the_counts_for_the_last() -> None:
    changes = _changes(5, 3)
    pieces = slices(changes, 3)
    assert [[t.id for t in p.tickets.upserted] for p in pieces] == [[0, 1, 2], [3, 4, 5], [6, 7]]
    assert [p.tickets.removed for p in pieces] == [(999,), (), ()]
    assert [p.alarming for p in pieces] == [None, None, frozenset({1})]
    assert [p.first_load for p in pieces] == [False, False, True]
    assert slices(_changes(2, 1), 3) == [_changes(2, 1)]


def test_paced_delivers_a_big_change_over_turns_of_the_event_loop(qtbot: QtBot) -> None:
    heard: list[list[int]] = []
    progress: list[tuple[int, int]] = []
    paced = Paced(
        lambda c: heard.append([t.id for t in c.tickets.upserted]),
        rows=4,
        progress=lambda done, total: progress.append((done, total)),
    )
    paced(_changes(10, 0))
    assert heard == []  # not in the caller's turn
    paced(StoreChanges(tickets=Changes((ticket(50),))))  # a later change waits its turn
    qtbot.waitUntil(lambda: not paced.busy)
    assert heard == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [50]]
    # One count for everything queued meanwhile: the later change is part of it.
    assert progress == [(4, 11), (8, 11), (10, 11), (11, 11)]


def test_a_slow_view_is_handed_smaller_slices_and_still_every_row_once(qtbot: QtBot) -> None:
    import time

    sizes: list[int] = []
    heard: list[int] = []

    def slow_view(changes: StoreChanges) -> None:
        rows = [t.id for t in changes.tickets.upserted]
        sizes.append(len(rows))
        heard.extend(rows)
        time.sleep(len(rows) * 0.002)  # 2 ms a row: 40 rows fill a 40 ms turn

    paced = Paced(slow_view, rows=400, budget_ms=40.0)
    paced(_changes(1000, 0))
    qtbot.waitUntil(lambda: not paced.busy, timeout=20_000)
    assert heard == list(range(1000))
    assert sizes[0] == 250  # the first slice is small, whatever ``rows`` allows
    assert max(sizes[2:]) < 100  # then cut to what the view showed it can take in a turn
