"""Queues: tickets move between them as their status changes; emergencies lead and flash."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from gridcommand.resources.palette import LIGHT
from gridcommand.widgets.queues import QUEUES, QueuePanel
from gridcommand.widgets.record_table import RecordRole
from gridcommand.widgets.ticket_columns import TicketLike
from tests.widgets.screen import shown_cell

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class T:
    id: int
    code: str
    status: str
    deadline: datetime
    reported_at: datetime = T0
    is_emergency: bool = False
    priority: int = 3
    source: str = "patrol"
    category_name: str = "井盖缺失"
    class_code: str = "01"
    category_code: str = "0101"
    grid_code: str | None = "G1"
    assignee_worker_code: str | None = None
    assignee_department: str | None = None
    description: str = ""
    closed_at: datetime | None = None

    @property
    def grid(self) -> str | None:
        return self.grid_code


# The rule of the issue: yellow in the last quarter.
def time_state(t: TicketLike, now: datetime) -> str:
    if now >= t.deadline:
        return "red"
    allowed = t.deadline - t.reported_at
    return "yellow" if now >= t.deadline - allowed / 4 else "green"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _panel(qtbot: QtBot, clock: Clock) -> QueuePanel:
    panel = QueuePanel(
        clock=clock,
        time_state=time_state,
        grid_name=lambda g: {"G1": "一网格", "G2": "二网格"}.get(g or "", ""),
        worker_name=lambda w: {"W1": "王芳"}.get(w or "", ""),
        regions_of=lambda g: {"G1": ("C1", "S1"), "G2": ("C2", "S1")}.get(g or "", ()),
    )
    qtbot.addWidget(panel)
    return panel


def test_tickets_move_between_queues(qtbot: QtBot) -> None:
    clock = Clock()
    panel = _panel(qtbot, clock)
    t = T(1, "T1", "reported", T0 + timedelta(hours=12))
    panel.upsert([t])
    assert panel.visible_ids("new") == [1]
    for status, queue in (
        ("registered", "registered"),
        ("dispatched", "dispatched"),
        ("in_progress", "in_progress"),
        ("handled", "verify"),
        ("verified", "verify"),
    ):
        t = replace(t, status=status)
        panel.upsert([t])
        holding = [q for q in panel.proxies if panel.visible_ids(q)]
        assert holding == [queue], (status, holding)
    t = replace(t, status="closed", closed_at=clock.now)
    panel.upsert([t])
    assert [q for q in panel.proxies if panel.visible_ids(q)] == ["closed_today"]
    qtbot.waitUntil(lambda: "(1)" in panel.tabText(6))  # the titles follow once a turn


def test_countdown_turns_yellow_then_red_and_enters_overdue(qtbot: QtBot) -> None:
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.upsert([T(1, "T1", "registered", T0 + timedelta(hours=12))])
    panel.catch_up()  # the queue is not on screen: it takes its changes a turn later
    cell = panel.models["registered"].index(0, 1)
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color().name() == LIGHT["green"]
    assert "12 h 00 min" in cell.data()
    clock.now = T0 + timedelta(hours=9, minutes=1)  # last quarter of 12 h begins at 9 h
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color().name() == LIGHT["yellow"]
    assert panel.visible_ids("overdue") == []
    clock.now = T0 + timedelta(hours=13, minutes=5)
    panel.follow_clock()  # what the queue's one-second timer does: re-read the clock
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color().name() == LIGHT["red"]
    assert "overdue by 1 h 05 min" in cell.data()
    assert panel.visible_ids("overdue") == [1]
    assert panel.visible_ids("registered") == [1]  # in both: to dispatch, and overdue


def test_emergencies_lead_and_flash_until_acknowledged(qtbot: QtBot) -> None:
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.upsert(
        [
            T(1, "T1", "reported", T0 + timedelta(hours=1)),
            T(2, "T2", "reported", T0 + timedelta(hours=5), is_emergency=True, priority=1),
            T(3, "T3", "reported", T0 + timedelta(hours=2)),
        ]
    )
    panel.unacknowledged.add(2)
    assert panel.visible_ids("new") == [2, 1, 3]
    panel.views["new"].sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert panel.visible_ids("new") == [2, 3, 1]  # the latest deadline first, below the 🚨
    # A changed deadline takes the ticket to its place in the order shown.
    panel.upsert([T(1, "T1", "reported", T0 + timedelta(hours=3))])
    assert panel.visible_ids("new") == [2, 1, 3]
    panel.views["new"].sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert panel.visible_ids("new") == [2, 3, 1]
    colours = set()
    for _ in range(3):
        panel.flash()  # one step of the flashing timer
        colours.add(
            panel.models["new"]
            .index(panel.models["new"].row_of(2) or 0, 0)
            .data(Qt.ItemDataRole.BackgroundRole)
            .color()
            .name()
        )
    assert len(colours) == 2  # it flashes
    panel.acknowledge([2])
    assert (
        panel.models["new"]
        .index(panel.models["new"].row_of(2) or 0, 0)
        .data(Qt.ItemDataRole.BackgroundRole)
        is None
    )


def test_filters_narrow_every_queue(qtbot: QtBot) -> None:
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.upsert(
        [
            T(1, "T1", "reported", T0 + timedelta(hours=1), grid_code="G1", source="hotline"),
            T(2, "T2", "reported", T0 + timedelta(hours=1), grid_code="G2", class_code="02"),
            T(
                3,
                "T3",
                "reported",
                T0 + timedelta(hours=1),
                grid_code="G2",
                description="下水道堵塞",
            ),
        ]
    )
    panel.set_filters(region="C2")
    assert sorted(panel.visible_ids("new")) == [2, 3]
    panel.set_filters(text="下水道")
    assert panel.visible_ids("new") == [3]
    panel.set_filters(region="", text="", source="hotline")
    assert panel.visible_ids("new") == [1]
    panel.set_filters(source="", class_code="02")
    assert panel.visible_ids("new") == [2]
    panel.set_filters(class_code="")
    assert panel.select_ticket(3)
    selected = panel.selected_ticket()
    assert selected is not None  # select_ticket(3) succeeded
    assert selected.id == 3


def test_a_ticket_the_filters_take_in_or_out_where_it_stands_is_counted_within_a_turn(
    qtbot: QtBot,
) -> None:
    """Escalated (or re-categorised) under the officer's filter, a ticket stays in its
    queue but enters (or leaves) what the tab shows: the title counts it at once, not at
    the next tick of the clock a second later."""
    clock = Clock()
    panel = _panel(qtbot, clock)
    low = T(1, "T1", "in_progress", T0 + timedelta(hours=5), priority=3)
    panel.upsert([low, T(2, "T2", "in_progress", T0 + timedelta(hours=6), priority=1)])
    panel.set_filters(priority=1)
    tab = [q.key for q in QUEUES].index("in_progress")
    assert panel.tabText(tab).endswith("(1)")
    panel.upsert([replace(low, priority=1)])  # escalated: top priority, same queue
    QCoreApplication.processEvents()  # one turn of the event loop
    assert panel.visible_ids("in_progress") == [1, 2]
    assert panel.tabText(tab).endswith("(2)")
    panel.upsert([replace(low, priority=2)])  # and back down: out of the filter's view
    QCoreApplication.processEvents()
    assert panel.visible_ids("in_progress") == [2]
    assert panel.tabText(tab).endswith("(1)")


def test_the_chosen_ticket_leaving_with_another_lights_no_neighbour(qtbot: QtBot) -> None:
    """Two tickets of a queue leave in one batch (a feed's delivery, a replayed minute):
    the chosen one's row is not handed to the ticket that moved up into it."""
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.resize(900, 400)
    panel.show()
    tickets = [T(i, f"T{i}", "registered", T0 + timedelta(hours=i)) for i in range(1, 6)]
    panel.upsert(tickets)
    panel.setCurrentIndex([q.key for q in QUEUES].index("registered"))
    view, proxy = panel.views["registered"], panel.proxies["registered"]
    qtbot.waitExposed(view)
    rect = view.visualRect(proxy.index(3, 2))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.chosen_id == 4
    panel.upsert(
        [replace(tickets[1], status="dispatched"), replace(tickets[3], status="dispatched")]
    )
    assert panel.visible_ids("registered") == [1, 3, 5]
    lit = [i.data(RecordRole).id for i in view.selectionModel().selectedRows()]
    current = view.currentIndex()
    assert lit == [] and not current.isValid(), (lit, current.data(RecordRole))
    assert panel.chosen_id == 4


def test_the_at_risk_queue_holds_what_the_forecast_marks(qtbot: QtBot) -> None:
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.upsert(
        [
            T(1, "T1", "dispatched", T0 + timedelta(minutes=30)),
            T(2, "T2", "reported", T0 + timedelta(hours=5)),
        ]
    )
    assert panel.visible_ids("at_risk") == []
    panel.set_at_risk({1: 0.8})
    qtbot.waitUntil(lambda: "(1)" in panel.tabText(len(panel.proxies) - 1))
    assert panel.visible_ids("at_risk") == [1]
    panel.upsert([T(1, "T1", "closed", T0 + timedelta(minutes=30), closed_at=T0)])
    assert panel.visible_ids("at_risk") == []  # closed in time: no longer at risk


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_a_flashing_emergency_reads_in_both_phases_and_keeps_its_whole_code(
    qtbot: QtBot,
) -> None:
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.resize(900, 400)
    panel.show()
    panel.upsert([T(1, "T20261201-939", "reported", T0 + timedelta(hours=3))])
    long = T(2, "T20261201-1038", "reported", T0 + timedelta(hours=5), is_emergency=True)
    panel.upsert([long])
    panel.unacknowledged.add(2)
    row = panel.models["new"].row_of(2) or 0
    phases = set()
    for _ in range(2):
        panel.flash()
        for column in range(panel.models["new"].columnCount()):
            index = panel.models["new"].index(row, column)
            ground = index.data(Qt.ItemDataRole.BackgroundRole).color()
            text = index.data(Qt.ItemDataRole.ForegroundRole).color()
            assert _contrast(ground, text) >= 4.5, (column, ground.name(), text.name())
            phases.add(ground.name())
    assert len(phases) == 2
    view = panel.views["new"]
    index = view.model().index(0, 0)
    assert index.data() == "T20261201-1038"
    assert view.columnWidth(0) >= view.sizeHintForIndex(index).width()
    # A longer text arriving later widens its column too (Qt sized it once, then elided).
    panel.upsert(
        [
            T(
                3,
                "T20261201-1039",
                "reported",
                T0 + timedelta(hours=4),
                category_name="供水管道爆裂严重",
            )
        ]
    )
    cell = panel.proxies["new"].mapFromSource(
        panel.models["new"].index(panel.models["new"].row_of(3) or 0, 2)
    )
    # Within a second: the columns follow a stream of changes once a second, not per change.
    qtbot.waitUntil(
        lambda: view.columnWidth(2) >= view.sizeHintForIndex(cell).width(), timeout=3000
    )


def test_a_clock_moved_back_and_forth_takes_each_ticket_to_the_queues_of_then(
    qtbot: QtBot,
) -> None:
    """What a replay's slider does: the clock jumps, both ways, by more than a tick."""
    clock = Clock()
    panel = _panel(qtbot, clock)
    closed = T(1, "T1", "closed", T0 + timedelta(hours=1), closed_at=T0 - timedelta(hours=1))
    late = T(2, "T2", "in_progress", T0 + timedelta(hours=2))
    panel.upsert([closed, late])
    placed = {q: panel.visible_ids(q) for q in ("closed_today", "in_progress", "overdue")}
    assert placed == {"closed_today": [1], "in_progress": [2], "overdue": []}
    clock.now = T0 + timedelta(hours=3)  # T2 late
    panel.follow_clock()
    placed = {q: panel.visible_ids(q) for q in ("closed_today", "in_progress", "overdue")}
    assert placed == {"closed_today": [1], "in_progress": [2], "overdue": [2]}
    clock.now = T0 + timedelta(days=1)  # the next day: closed yesterday, and T2 late
    panel.follow_clock()
    placed = {q: panel.visible_ids(q) for q in ("closed_today", "in_progress", "overdue")}
    assert placed == {"closed_today": [], "in_progress": [2], "overdue": [2]}
    clock.now = T0  # and back
    panel.follow_clock()
    placed = {q: panel.visible_ids(q) for q in ("closed_today", "in_progress", "overdue")}
    assert placed == {"closed_today": [1], "in_progress": [2], "overdue": []}
    # Gone is gone from every queue, and the tabs count what they hold.
    panel.remove([1, 2])
    assert not any(panel.visible_ids(q) for q in panel.proxies)
    assert panel.tickets == {}
    qtbot.waitUntil(lambda: all("(0)" in panel.tabText(i) for i in range(panel.count())))


def test_the_countdowns_on_screen_follow_the_clock(qtbot: QtBot) -> None:
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.upsert([T(1, "T1", "reported", T0 + timedelta(hours=2))])
    view = panel.views["new"]
    qtbot.wait(100)  # the first paint
    before = shown_cell(view, 0, 1)
    clock.now = T0 + timedelta(minutes=7)
    panel.follow_clock()  # the queue's one-second tick
    qtbot.waitUntil(lambda: shown_cell(view, 0, 1) != before, timeout=3000)
    assert "1 h 53 min" in view.model().index(0, 1).data()


def test_a_row_chosen_in_one_tab_puts_out_the_row_lit_in_another(qtbot: QtBot) -> None:
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.resize(900, 400)
    panel.show()
    panel.upsert(
        [
            T(1, "T1", "reported", T0 + timedelta(hours=1)),
            T(2, "T2", "registered", T0 + timedelta(hours=2)),
        ]
    )
    keys = [q.key for q in QUEUES]

    def click_first_row(queue: str) -> QTableView:
        panel.setCurrentIndex(keys.index(queue))
        view = panel.views[queue]
        qtbot.waitExposed(view)
        rect = view.visualRect(view.model().index(0, 2))
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        return view

    new = click_first_row("new")
    assert panel.chosen_id == 1 and new.selectionModel().hasSelection()
    registered = click_first_row("registered")
    assert panel.chosen_id == 2 and registered.selectionModel().hasSelection()
    assert not new.selectionModel().hasSelection() and not new.currentIndex().isValid()


def test_the_queue_on_screen_takes_a_change_at_once_and_the_others_follow_in_turns(
    qtbot: QtBot,
) -> None:
    """A replayed hour or a feed's delivery changes several queues; the one the officer
    looks at is right before anything else runs, the tabs behind it soon after."""
    clock = Clock()
    panel = _panel(qtbot, clock)
    panel.setCurrentIndex([q.key for q in QUEUES].index("registered"))
    late = T0 - timedelta(hours=1)
    panel.upsert(
        [T(1, "T1", "registered", late), T(2, "T2", "in_progress", T0 + timedelta(hours=1))]
    )
    # On screen: at once. Behind: not yet (the overdue queue, the one in progress).
    assert panel.models["registered"].row_of(1) is not None
    assert panel.models["overdue"].rowCount() == 0
    assert panel.models["in_progress"].rowCount() == 0
    qtbot.waitUntil(lambda: panel.models["overdue"].row_of(1) is not None)
    qtbot.waitUntil(lambda: panel.models["in_progress"].row_of(2) is not None)
    assert panel.tabText([q.key for q in QUEUES].index("overdue")).endswith("(1)")
    # A ticket that leaves before its queue took it in never shows there.
    panel.upsert([T(3, "T3", "in_progress", T0 + timedelta(hours=2))])
    panel.remove([3])
    panel.catch_up()
    assert [r.id for r in panel.models["in_progress"].records()] == [2]
    # A tab chosen is brought up to date before it is shown.
    panel.upsert([T(4, "T4", "in_progress", T0 + timedelta(hours=3))])
    panel.setCurrentIndex([q.key for q in QUEUES].index("in_progress"))
    assert panel.visible_ids("in_progress") == [2, 4]


def test_the_clock_places_exactly_the_tickets_whose_deadline_it_passed(qtbot: QtBot) -> None:
    """Ticks and jumps either way, over tickets due every few seconds for two days: the
    overdue queue is always the tickets due before the clock (the index finds them)."""
    rng = random.Random(13)
    clock = Clock()
    panel = _panel(qtbot, clock)
    tickets = [
        T(i, f"T{i}", "in_progress", T0 + timedelta(seconds=rng.randrange(-3600, 2 * 86400)))
        for i in range(1, 600)
    ]
    panel.upsert(tickets)
    # Some deadlines move (an extension) and some tickets go.
    moved = [replace(t, deadline=t.deadline + timedelta(hours=5)) for t in tickets[::7]]
    panel.upsert(moved)
    panel.remove([t.id for t in tickets[3::11]])
    steps = [timedelta(seconds=1)] * 5 + [timedelta(minutes=3), timedelta(hours=-2)]
    steps += [timedelta(days=1, minutes=17), timedelta(seconds=-1), timedelta(days=-2)]
    steps += [timedelta(hours=30), timedelta(seconds=59), timedelta(minutes=-1)]
    for step in steps:
        clock.now += step
        panel.follow_clock()
        overdue = {t.id for t in panel.tickets.values() if t.deadline < clock.now}
        assert set(panel.visible_ids("overdue")) == overdue, f"at {clock.now}"
