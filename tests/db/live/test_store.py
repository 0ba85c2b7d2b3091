"""The state store on its own: plain pytest, an injected clock, no Qt and no sleeping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypedDict, Unpack

from hypothesis import given, settings
from hypothesis import strategies as st

from gridcommand.db.live.records import (
    ActionRecord,
    ChangeBatch,
    GridRecord,
    PositionRecord,
    TicketRecord,
    WorkerRecord,
)
from gridcommand.db.live.store import (
    Changes,
    StateStore,
    StoreChanges,
    count_workers,
    time_state,
)

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
SQUARE = {"type": "Polygon", "coordinates": [[[113, 23], [113.01, 23], [113.01, 23.01], [113, 23]]]}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class TicketOverrides(TypedDict, total=False):
    """The TicketRecord fields these tests vary (add one here when a test needs it)."""

    grid_code: str | None
    located_grid: str | None
    lon: float | None
    lat: float | None
    is_emergency: bool
    deadline: datetime
    closed_at: datetime | None
    reported_at: datetime


def ticket(
    id: int, status: str = "reported", version: int = 1, **kw: Unpack[TicketOverrides]
) -> TicketRecord:
    base = TicketRecord(
        id=id,
        code=f"T{id}",
        source="patrol",
        category_code="0201",
        category_name="井盖缺失",
        class_code="02",
        class_name="城市管理",
        grid_code="G1",
        lon=113.005,
        lat=23.005,
        description="x",
        reporter="W1",
        priority=3,
        is_emergency=False,
        status=status,
        reported_at=T0,
        deadline=T0 + timedelta(hours=12),
        assignee_worker_code=None,
        assignee_department=None,
        version=version,
        updated_at=T0,
    )
    return replace(base, **kw)


def fix(id: int, worker: str, at: datetime) -> PositionRecord:
    return PositionRecord(id, worker, at, 113.001, 23.001, 5.0, "pad")


def base_batch() -> ChangeBatch:
    return ChangeBatch(
        grids=(GridRecord("G1", "一网格", "C1", "S1", SQUARE, 1200, 3300),),
        workers=(
            WorkerRecord("W1", "王芳", "full_time", "G1", "138****1234", True),
            WorkerRecord("W2", "李强", "part_time", "G1", "139****0000", True),
        ),
        initial=True,
    )


def test_worker_turns_stale_then_offline_after_the_configured_silence() -> None:
    clock = Clock()
    store = StateStore(clock=clock, stale_after=timedelta(minutes=10))
    store.apply(base_batch())
    store.apply(ChangeBatch(positions=(fix(1, "W1", T0),)))
    assert store.workers["W1"].status == "online"
    assert store.workers["W2"].status == "offline"  # never seen
    seen: list[StoreChanges] = []
    store.subscribe(seen.append)
    clock.now = T0 + timedelta(minutes=9, seconds=59)
    assert not store.refresh_clock()
    clock.now = T0 + timedelta(minutes=10)
    changes = store.refresh_clock()
    assert [s.record.code for s in changes.workers.changed] == ["W1"]
    assert not changes.tickets and not changes.positions
    assert changes.worker_counts == {"online": 0, "stale": 1, "offline": 1}
    assert store.workers["W1"].status == "stale"
    assert seen == [changes]
    clock.now = T0 + timedelta(hours=1)
    store.refresh_clock()
    assert store.workers["W1"].status == "offline"
    store.apply(ChangeBatch(positions=(fix(2, "W1", clock.now),)))
    assert store.workers["W1"].status == "online"
    assert store.worker_counts() == {"online": 1, "stale": 0, "offline": 1}


def test_time_state_green_yellow_red() -> None:
    t = ticket(1)
    assert time_state(t, T0 + timedelta(hours=8, minutes=59)) == "green"
    assert time_state(t, T0 + timedelta(hours=9)) == "yellow"
    assert time_state(t, T0 + timedelta(hours=12)) == "red"


def test_refresh_clock_publishes_tickets_whose_light_changed() -> None:
    clock = Clock()
    store = StateStore(clock=clock)
    store.apply(base_batch())
    store.apply(ChangeBatch(tickets=(ticket(1), ticket(2, deadline=T0 + timedelta(days=7)))))
    clock.now = T0 + timedelta(hours=10)
    changes = store.refresh_clock()
    assert [t.id for t in changes.tickets.changed] == [1]
    assert store.ticket_time_state(1) == "yellow"


def test_counts_per_grid_and_community_and_load() -> None:
    clock = Clock()
    store = StateStore(clock=clock)
    store.apply(base_batch())
    store.apply(
        ChangeBatch(
            tickets=(
                ticket(1),
                ticket(2, is_emergency=True),
                ticket(3, deadline=T0 - timedelta(minutes=1)),
                ticket(4, status="closed", closed_at=T0),
                ticket(5, grid_code=None, located_grid="G1"),
            )
        )
    )
    counts = store.counts_per_grid()["G1"]
    assert (counts.open, counts.overdue, counts.emergencies) == (4, 1, 1)
    assert store.counts_per_community()["C1"].open == 4
    assert store.households_per_worker("G1") == 1200


def test_older_versions_never_overwrite_newer_ones() -> None:
    store = StateStore(clock=Clock())
    store.apply(ChangeBatch(tickets=(ticket(1, status="dispatched", version=3),)))
    store.apply(ChangeBatch(tickets=(ticket(1, status="registered", version=2),)))
    assert store.tickets[1].status == "dispatched"


def test_closed_tickets_leave_after_a_day_and_acknowledgements_are_kept() -> None:
    clock = Clock()
    store = StateStore(clock=clock)
    store.apply(ChangeBatch(tickets=(ticket(1, status="closed", closed_at=T0),)))
    store.apply(
        ChangeBatch(actions=(ActionRecord(9, 1, "acknowledge", None, None, "op", "d", T0, ""),))
    )
    assert 1 in store.tickets and 1 in store.acknowledged
    clock.now = T0 + timedelta(hours=25)
    changes = store.refresh_clock()
    assert changes.tickets == Changes(removed=(1,))
    assert 1 not in store.tickets


def test_an_acknowledgement_alone_publishes_its_ticket_as_changed() -> None:
    store = StateStore(clock=Clock())
    store.apply(ChangeBatch(tickets=(ticket(7, is_emergency=True),), initial=True))
    seen: list[StoreChanges] = []
    store.subscribe(seen.append)
    ack = ActionRecord(1, 7, "acknowledge", "reported", "reported", "duty2", "dispatcher", T0, "")
    store.apply(ChangeBatch(actions=(ack,)))
    assert 7 in store.acknowledged
    assert [t.id for t in seen[-1].tickets.changed] == [7]
    assert seen[-1].acknowledged == {7}
    assert seen[-1].alarming == frozenset()  # the emergency no longer waits


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["fix", "ticket", "close", "tick"]),
            st.integers(min_value=0, max_value=3),  # which worker or ticket
            # minutes to move the clock on: often a few (to land on a change), at times a day
            st.one_of(st.integers(0, 12), st.integers(0, 26 * 60)),
        ),
        max_size=40,
    )
)
def test_the_clock_tick_agrees_with_a_full_recount(steps: list[tuple[str, int, int]]) -> None:
    """The tick only looks at rows whose time has come; it must see what a full pass sees."""
    clock = Clock()
    store = StateStore(clock=clock, stale_after=timedelta(minutes=10))
    workers = tuple(
        WorkerRecord(f"W{n}", "王芳", "full_time", "G1", "138****1234", True) for n in range(4)
    )
    store.apply(ChangeBatch(grids=base_batch().grids, workers=workers, initial=True))
    version = 1
    for kind, n, minutes in steps:
        clock.now += timedelta(minutes=minutes)
        version += 1
        if kind == "fix":
            store.apply(ChangeBatch(positions=(fix(version, f"W{n}", clock.now),)))
        elif kind == "ticket":
            limit = timedelta(minutes=30 * (n + 1))
            store.apply(
                ChangeBatch(
                    tickets=(
                        replace(
                            ticket(n, version=version),
                            reported_at=clock.now,
                            deadline=clock.now + limit,
                        ),
                    )
                )
            )
        elif kind == "close" and n in store.tickets:
            closed = replace(
                store.tickets[n], status="closed", closed_at=clock.now, version=version
            )
            store.apply(ChangeBatch(tickets=(closed,)))
        store.refresh_clock()
        for code, state in store.workers.items():
            assert state.status == store.worker_status(code)
        for ticket_id, t in store.tickets.items():
            assert store._ticket_states[ticket_id] == store.ticket_time_state(ticket_id)
            assert t.closed_at is None or clock.now - t.closed_at <= store.keep_closed
        # The counts the store keeps as rows change agree with a full recount.
        assert store.worker_counts() == count_workers(store.workers.values())
        recount: dict[str, set[int]] = {}
        for t in store.open_tickets():
            if t.grid is not None:
                recount.setdefault(t.grid, set()).add(t.id)
        assert dict(store.open_by_grid) == recount


def test_a_subscriber_hears_only_its_collections_typed() -> None:
    clock = Clock()
    store = StateStore(clock=clock)
    tickets: list[StoreChanges] = []
    workers: list[StoreChanges] = []
    moves: list[StoreChanges] = []
    store.subscribe(tickets.append, ["tickets"])
    store.subscribe(workers.append, ["workers"])
    store.subscribe(moves.append, ["positions"])
    store.apply(base_batch())
    assert [s.record.code for c in workers for s in c.workers.added] == ["W1", "W2"]
    # The first load is news to every subscriber (here: no cases, no alarm).
    assert [(c.first_load, bool(c.tickets)) for c in tickets] == [(True, False)]
    store.apply(ChangeBatch(tickets=(ticket(1, is_emergency=True),)))
    assert len(tickets) == 2 and [t.id for t in tickets[1].tickets.added] == [1]
    assert tickets[1].alarming == {1}  # an emergency nobody acknowledged
    assert not tickets[1].workers and not tickets[1].grids  # others left empty
    assert len(workers) == 1  # the workers' subscriber did not hear of the ticket
    # A fix that only moves an online worker is a position, not a worker change.
    store.apply(ChangeBatch(positions=(fix(1, "W1", T0),)))  # offline -> online
    store.apply(ChangeBatch(positions=(fix(2, "W1", T0 + timedelta(seconds=30)),)))
    assert [s.status for c in workers[1:] for s in c.workers.changed] == ["online"]
    assert [s.position.id for c in moves for s in c.positions.changed if s.position] == [2]
    assert workers[-1].worker_counts == {"online": 1, "stale": 0, "offline": 1}


def test_subscribe_with_call_runs_the_callback_where_call_says() -> None:
    store = StateStore(clock=Clock())
    queued: list[object] = []
    heard: list[StoreChanges] = []
    store.subscribe(heard.append, ["grids"], call=queued.append)
    store.apply(base_batch())
    assert not heard and len(queued) == 1  # handed over, not run
    run = queued[0]
    assert callable(run)
    run()
    assert [g.code for g in heard[0].grids.added] == ["G1"]
