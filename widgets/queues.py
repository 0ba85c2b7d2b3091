"""The duty officer's ticket queues, from new report to closed today.

Each queue has a model of its own members, and the panel decides in Python which
queues a ticket belongs to (by status, deadline, closing time and the forecast's
marks) as it arrives and as the clock passes a deadline or midnight. A sort proxy
over each model applies the officer's search and keeps emergencies on top. One model
with a filtering proxy per queue made every changed ticket a signal to all eight
proxies, each asking Python whether the row was theirs: a replayed hour of a city
spent most of its time there. Emergencies flash until an operator acknowledges
them; the countdown column is re-read every second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTableView,
    QTabWidget,
    QWidget,
)

from gridcommand.resources.palette import FLASH_OFF, FLASH_ON, FLASH_TEXT
from gridcommand.widgets.on_screen import Throttle, fit_columns, repaint_column
from gridcommand.widgets.record_table import RecordRole, RecordTableModel
from gridcommand.widgets.table_export import add_export_menu
from gridcommand.widgets.ticket_columns import TicketLike, ticket_columns

#: How often the countdowns follow the clock, and how fast emergencies flash.
TICK_MS, FLASH_MS = 1000, 500
#: The column whose text and colour follow the clock (see ``ticket_columns``).
COUNTDOWN_COLUMN = 1
#: The columns follow the rows on screen at most this often while tickets stream in.
FIT_MS = 1000
#: How long after a change the queues not on screen take it in (``QueuePanel._update``):
#: the map's and the queue's own paint on screen go first (Chromium's tasks run on
#: this thread too), then the other queues, one a turn of the event loop.
CATCH_UP_AFTER_MS = 300
OPEN = frozenset({"reported", "registered", "dispatched", "in_progress", "handled", "verified"})


class QueueTicket(TicketLike, Protocol):
    @property
    def closed_at(self) -> datetime | None: ...


def _tr(text: object) -> str:
    # ``text`` is a QT_TRANSLATE_NOOP source string (typed ``object`` in PySide6's stubs).
    return QCoreApplication.translate("Queues", str(text))


def _minute(at: datetime) -> int:
    return int(at.timestamp() // 60)


def _local_midnight(now: datetime) -> datetime:
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class At:
    """The time a ticket's place is decided at, with its day's start worked out once."""

    now: datetime
    midnight: datetime

    @classmethod
    def of(cls, now: datetime) -> At:
        return cls(now, _local_midnight(now))


@dataclass(frozen=True)
class Queue:
    key: str
    #: English source text, marked for lupdate; shown through ``_tr``.
    title: object
    #: The statuses a member has, and what else it must meet at the time (if anything).
    statuses: frozenset[str]
    when: Callable[[QueueTicket, At], bool] | None = None
    #: Membership set from outside (the overdue forecast's marks), not by a rule.
    marked: bool = False

    def accepts(self, t: QueueTicket, at: At) -> bool:
        return t.status in self.statuses and (self.when is None or self.when(t, at))


CLOSED = frozenset({"closed", "rejected"})
QUEUES: tuple[Queue, ...] = (
    Queue("new", QT_TRANSLATE_NOOP("Queues", "New reports"), frozenset({"reported"})),
    Queue("registered", QT_TRANSLATE_NOOP("Queues", "To dispatch"), frozenset({"registered"})),
    Queue("dispatched", QT_TRANSLATE_NOOP("Queues", "Not yet accepted"), frozenset({"dispatched"})),
    Queue("in_progress", QT_TRANSLATE_NOOP("Queues", "In progress"), frozenset({"in_progress"})),
    Queue(
        "verify",
        QT_TRANSLATE_NOOP("Queues", "To verify and close"),
        frozenset({"handled", "verified"}),
    ),
    Queue(
        "overdue", QT_TRANSLATE_NOOP("Queues", "Overdue"), OPEN, lambda t, at: t.deadline < at.now
    ),
    Queue(
        "closed_today",
        QT_TRANSLATE_NOOP("Queues", "Closed today"),
        CLOSED,
        lambda t, at: t.closed_at is not None and t.closed_at >= at.midnight,
    ),
    # Last, so that the tabs before it keep their places.
    Queue(
        "at_risk",
        QT_TRANSLATE_NOOP("Queues", "At risk (next hour)"),
        OPEN,
        lambda t, at: t.deadline >= at.now,
        marked=True,
    ),
)
#: The queues a ticket of each status may be in (a city's tickets are placed often).
BY_STATUS: dict[str, tuple[Queue, ...]] = {
    status: tuple(q for q in QUEUES if status in q.statuses) for status in OPEN | CLOSED
}


@dataclass
class QueueFilters:
    """What the officer narrowed the queues to; empty means everything."""

    region: str = ""
    class_code: str = ""
    category_code: str = ""
    source: str = ""
    priority: int = 0
    text: str = ""
    regions_of: Callable[[str | None], tuple[str, ...]] = field(default=lambda grid: ())
    grid_name: Callable[[str | None], str] = field(default=lambda grid: grid or "")

    def accepts(self, t: QueueTicket) -> bool:
        if not (
            self.region
            or self.class_code
            or self.category_code
            or self.source
            or self.priority
            or self.text
        ):
            return True
        if self.region and self.region not in self.regions_of(t.grid):
            return False
        if self.class_code and t.class_code != self.class_code:
            return False
        if self.category_code and t.category_code != self.category_code:
            return False
        if self.source and t.source != self.source:
            return False
        if self.priority and t.priority != self.priority:
            return False
        if self.text:
            needle = self.text.lower()
            haystack = " ".join(
                (t.code, t.description, t.category_name, self.grid_name(t.grid))
            ).lower()
            if needle not in haystack:
                return False
        return True


class QueueProxy(QSortFilterProxyModel):
    """One queue's members as the officer narrowed them, in the order of its model.

    The model keeps its rows sorted (``QueuePanel`` asks it to, on a header's click and
    after each change): a sorting proxy compares rows through a Python call each, and
    a replayed hour's few hundred arrivals cost it thousands of calls.
    """

    def __init__(
        self,
        filters: QueueFilters,
        source: RecordTableModel[QueueTicket],
        on_sort: Callable[[int, Qt.SortOrder], None],
    ) -> None:
        super().__init__()
        self._filters = filters
        self._source = source
        self._on_sort = on_sort
        self.setDynamicSortFilter(True)
        self.setSourceModel(source)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        return self._filters.accepts(self._source.record(source_row))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header's click: the model sorts itself; the proxy keeps the model's order."""
        self._on_sort(column, order)

    def refilter(self) -> None:
        # Qt 6.10 replaced invalidateFilter() with a begin/end pair.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.invalidateFilter()


def _sort_value(model: RecordTableModel[QueueTicket], column: int, t: QueueTicket) -> Any:
    return model.sort_value_of(t, column)


def _not_emergency(t: QueueTicket) -> bool:
    return not t.is_emergency


@dataclass
class _Behind:
    """A queue's changes not yet taken in: tickets leaving, and records to upsert."""

    gone: set[int] = field(default_factory=set)
    records: dict[int, QueueTicket] = field(default_factory=dict)


class QueuePanel(QTabWidget):
    """The queues as tabs; emits the ticket the officer selects or opens."""

    ticket_selected = Signal(int)
    ticket_activated = Signal(int)

    def __init__(
        self,
        clock: Callable[[], datetime],
        time_state: Callable[[TicketLike, datetime], str],
        grid_name: Callable[[str | None], str],
        worker_name: Callable[[str | None], str],
        regions_of: Callable[[str | None], tuple[str, ...]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        #: The ticket the officer chose (a click, a key, the map, E). Rows leaving or
        #: re-sorting never change it: the highlight clears rather than slide to another.
        self.chosen_id: int | None = None
        self._settling = False
        self.unacknowledged: set[int] = set()
        self._flash = False
        self.filters = QueueFilters(regions_of=regions_of, grid_name=grid_name)
        #: Tickets the overdue forecast marks at risk, with their risk (``set_at_risk``).
        self.at_risk: dict[int, float] = {}
        #: Every ticket given (a closed one stays until removed, shown or not), and the
        #: queues each one is in.
        self.tickets: dict[int, QueueTicket] = {}
        self._members: dict[int, tuple[str, ...]] = {}
        #: The tickets by the minute of their deadline, so the clock's tick finds those
        #: whose deadline it passed without looking at a city of tickets (60,000 at
        #: 10,000 grids: 6 ms of the GUI thread a second).
        self._due_in_minute: dict[int, set[int]] = {}
        self._due_minute: dict[int, int] = {}
        columns = ticket_columns(clock, time_state, grid_name, worker_name)
        self.models: dict[str, RecordTableModel[QueueTicket]] = {}
        #: Each queue's order: the column and the direction its header shows.
        self._order: dict[str, tuple[int, Qt.SortOrder]] = {}
        self.proxies: dict[str, QueueProxy] = {}
        self.views: dict[str, QTableView] = {}
        # The counts in the tabs' titles follow the rows once a turn of the event loop,
        # not at each row's signal: a replayed hour changes hundreds of rows, and setting
        # eight titles for each took seconds (tab bars lay themselves out again).
        self._titles = QTimer(self)
        self._titles.setSingleShot(True)
        self._titles.setInterval(0)
        self._titles.timeout.connect(self._update_titles)
        #: What the queues not on screen have still to take in (``_catch_up``).
        self._behind: dict[str, _Behind] = {}
        self._catching_up = QTimer(self)
        self._catching_up.setSingleShot(True)
        self._catching_up.timeout.connect(self._catch_up_one)
        for queue in QUEUES:
            model: RecordTableModel[QueueTicket] = RecordTableModel(
                columns,
                key=lambda t: t.id,
                row_background=self._row_background,
                row_foreground=self._row_foreground,
            )
            self.models[queue.key] = model
            self._order[queue.key] = (1, Qt.SortOrder.AscendingOrder)  # the deadline first
            proxy = QueueProxy(self.filters, model, partial(self._sort_queue, queue.key))
            # The proxy's rows, not the model's: a changed ticket that stays in its queue
            # may enter or leave what the officer's filters show.
            proxy.rowsInserted.connect(self._titles_soon)
            proxy.rowsRemoved.connect(self._titles_soon)
            view = QTableView()
            # Before the view's own selection model hears of it: a removed current row
            # moves Qt's current index to a neighbour, which is not the officer's choice.
            proxy.rowsAboutToBeRemoved.connect(self._hold)
            proxy.layoutAboutToBeChanged.connect(self._hold)
            proxy.modelAboutToBeReset.connect(self._hold)
            view.setModel(proxy)
            settle = partial(self._settle, queue.key)
            proxy.rowsRemoved.connect(settle)
            proxy.layoutChanged.connect(settle)
            proxy.modelReset.connect(settle)
            view.setSortingEnabled(True)
            view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setAlternatingRowColors(True)
            view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # codes differ at the end
            view.verticalHeader().hide()
            # Sized by fit_view, not by Qt's ResizeToContents: Qt re-sizes such columns on
            # every change to the model, in every tab, and a hidden view measures all its
            # rows (with precision 0, every one): a city's first load stalled the window
            # 15.7 s in that C++ loop, calling data() for each cell of each queue.
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            view.horizontalHeader().setStretchLastSection(True)
            # The code column is as wide as the longest code (fit_code_column): sized from
            # the rows on screen, a 4-digit code arriving later was elided to "…".
            view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
            # The other columns follow the rows on screen (fit_view), as they arrive or
            # scroll into view: Qt sizes them once, and a longer text later was elided.
            view.horizontalHeader().setResizeContentsPrecision(0)
            view.verticalScrollBar().valueChanged.connect(partial(self.fit_view, queue.key))
            view.selectionModel().currentRowChanged.connect(self._on_current_change)
            view.activated.connect(self._on_activated)
            add_export_menu(view, queue.key)
            view.pressed.connect(self._on_pressed)
            self.proxies[queue.key] = proxy
            self.views[queue.key] = view
            self.addTab(view, _tr(queue.title))
        self.currentChanged.connect(self._on_tab_changed)
        self._last_tick = clock()
        self._tick = QTimer(self)
        self._tick.timeout.connect(self.follow_clock)
        self._tick.start(TICK_MS)
        self._flasher = QTimer(self)
        self._flasher.timeout.connect(self.flash)
        self._flasher.start(FLASH_MS)
        self._update_titles()
        self._longest_code = "T20260101-0000"  # wide enough for a 4-digit day's count
        self.fit_code_column()
        self._fit_soon = Throttle(FIT_MS, self._fit_current, self)

    # -- data in -------------------------------------------------------------------
    def upsert(self, tickets: Iterable[QueueTicket]) -> None:
        batch = list(tickets)
        for t in batch:
            self.tickets[t.id] = t
            self._index_deadline(t)
        self._place(batch, self._clock(), changed=True)
        self._fit_soon()
        longest = max((t.code for t in batch), key=len, default="")
        if len(longest) > len(self._longest_code):
            self._longest_code = longest
            self.fit_code_column()

    def remove(self, ids: Iterable[int]) -> None:
        leaving: dict[str, list[int]] = {}
        for ticket_id in ids:
            self.tickets.pop(ticket_id, None)
            self._unindex_deadline(ticket_id)
            for key in self._members.pop(ticket_id, ()):
                leaving.setdefault(key, []).append(ticket_id)
        for key, gone in leaving.items():
            self._update(key, gone, [])

    def queues_of(self, t: QueueTicket, at: At) -> tuple[str, ...]:
        """The queues ``t`` belongs in at ``at`` (an at-risk one only while marked)."""
        return tuple(
            q.key
            for q in BY_STATUS.get(t.status, ())
            if (q.when is None or q.when(t, at)) and (not q.marked or t.id in self.at_risk)
        )

    def _place(self, tickets: Iterable[QueueTicket], now: datetime, *, changed: bool) -> None:
        """Each ticket into the queues it belongs in and out of the others.

        ``changed``: the tickets are new records, so a queue that keeps one shows the new
        one; otherwise only the clock or the marks moved, and only moves are made.
        """
        joining: dict[str, list[QueueTicket]] = {}
        leaving: dict[str, list[int]] = {}
        at = At.of(now)
        for t in tickets:
            now_in = self.queues_of(t, at)
            was_in = self._members.get(t.id, ())
            if now_in == was_in and not changed:
                continue
            for key in was_in:
                if key not in now_in:
                    leaving.setdefault(key, []).append(t.id)
            for key in now_in:
                if changed or key not in was_in:
                    joining.setdefault(key, []).append(t)
            if now_in:
                self._members[t.id] = now_in
            else:
                self._members.pop(t.id, None)
        for key in leaving.keys() | joining.keys():
            self._update(key, leaving.get(key, []), joining.get(key, []))

    def _update(self, key: str, gone: list[int], records: list[QueueTicket]) -> None:
        """The queue on screen takes its changes now; the others a turn of the event loop
        each, after it (``catch_up``).

        Eight models, each with its proxy and view, took a replayed hour's hundreds of
        changes in one go: most of a step's time on the GUI thread went to tabs nobody
        was looking at.
        """
        behind = self._behind.get(key)
        if behind is None and key == self.current_queue():
            self._apply(key, gone, records)
            return
        if behind is None:
            behind = self._behind[key] = _Behind()
        for ticket_id in gone:
            behind.records.pop(ticket_id, None)
            behind.gone.add(ticket_id)
        for t in records:
            behind.gone.discard(t.id)
            behind.records[t.id] = t
        if not self._catching_up.isActive():  # a stream of changes must not put it off
            self._catching_up.start(CATCH_UP_AFTER_MS)

    def _apply(self, key: str, gone: Iterable[int], records: Iterable[QueueTicket]) -> None:
        model = self.models[key]
        model.remove(gone)
        batch = list(records)
        if batch:
            model.upsert(batch)
            self._reorder(key)

    def catch_up(self, key: str | None = None) -> None:
        """Bring one queue (or all) up to date now: before it is shown or read."""
        caught = False
        for k in [key] if key is not None else list(self._behind):
            behind = self._behind.pop(k, None)
            if behind is not None:
                self._apply(k, behind.gone, behind.records.values())
                caught = True
        if caught:
            self._update_titles()

    def _catch_up_one(self) -> None:
        if self._behind:
            self.catch_up(next(iter(self._behind)))
        if self._behind:
            self._catching_up.start(0)

    def _sort_queue(self, key: str, column: int, order: Qt.SortOrder) -> None:
        self._order[key] = (column, order)
        self._reorder(key)

    def _reorder(self, key: str) -> None:
        """The queue's rows in its header's order, emergencies on top either way."""
        column, order = self._order[key]
        model = self.models[key]
        model.reorder(
            partial(_sort_value, model, column),
            reverse=order == Qt.SortOrder.DescendingOrder,
            lead=_not_emergency,
        )

    def fit_view(self, key: str, *args: object) -> None:
        """Size a queue's columns to the rows it shows (a screenful: cheap); the code
        column is sized by ``fit_code_column`` and the last one stretches."""
        fit_columns(self.views[key], range(1, self.models[key].columnCount() - 1))

    def _fit_current(self) -> None:
        """Measuring a column asks ``data()`` of every row on screen in several roles: done
        for each delivery of a city's ticket changes, it was most of what a change cost
        the GUI thread, so it runs through ``_fit_soon`` at most once per ``FIT_MS``."""
        self.fit_view(self.current_queue())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_view(self.current_queue())

    def fit_code_column(self) -> None:
        """Every code whole: its width, the emergency sign's and the cell's margins."""
        for view in self.views.values():
            style = view.style()
            icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)
            margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
            text = view.fontMetrics().horizontalAdvance(self._longest_code)
            view.setColumnWidth(0, text + icon + 4 * margin + view.fontMetrics().averageCharWidth())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_code_column()

    def acknowledge(self, ids: Iterable[int]) -> None:
        self.unacknowledged.difference_update(ids)
        for model in self.models.values():
            model.refresh()

    def set_filters(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self.filters, name, value)
        self.catch_up()  # every tab filtered at once, and counted right
        for proxy in self.proxies.values():
            proxy.refilter()
        self._update_titles()

    def set_at_risk(self, risks: dict[int, float]) -> None:
        """The tickets likely to go red within the hour (the at-risk queue's members)."""
        marked = self.at_risk.keys() ^ risks.keys()
        self.at_risk.clear()
        self.at_risk.update(risks)
        moved = [self.tickets[i] for i in marked if i in self.tickets]
        self._place(moved, self._clock(), changed=False)
        self._update_titles()

    # -- reading -------------------------------------------------------------------
    def current_queue(self) -> str:
        return QUEUES[self.currentIndex()].key

    def visible_ids(self, queue: str) -> list[int]:
        self.catch_up(queue)
        proxy = self.proxies[queue]
        return [proxy.index(r, 0).data(RecordRole).id for r in range(proxy.rowCount())]

    def selected_ticket(self) -> QueueTicket | None:
        view = self.views[self.current_queue()]
        index = view.currentIndex()
        return index.data(RecordRole) if index.isValid() else None

    def select_ticket(self, ticket_id: int) -> bool:
        """Show the ticket in the first queue that holds it; False if none does."""
        self.set_chosen(ticket_id)
        self.catch_up()
        for i, queue in enumerate(QUEUES):
            proxy, model = self.proxies[queue.key], self.models[queue.key]
            source_row = model.row_of(ticket_id)
            if source_row is None:
                continue
            index = proxy.mapFromSource(model.index(source_row, 0))
            if index.isValid():
                self.setCurrentIndex(i)
                view = self.views[queue.key]
                view.setCurrentIndex(index)
                view.scrollTo(index)
                return True
        return False

    def set_chosen(self, ticket_id: int) -> None:
        """The officer chose ``ticket_id`` elsewhere (map, drill-down): no other row stays lit."""
        self.chosen_id = ticket_id
        for key in self.views:
            self._settle(key, follow=False)

    # -- on the timers (public so that a test can step them without waiting) --------
    def flash(self) -> None:
        """One step of the unacknowledged emergencies' flashing (every ``FLASH_MS``)."""
        if self.unacknowledged:
            self._flash = not self._flash
            roles = [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole]
            for ticket_id in self.unacknowledged:
                for key in self._members.get(ticket_id, ()):
                    model = self.models[key]
                    row = model.row_of(ticket_id)
                    if row is not None:
                        last = model.columnCount() - 1
                        model.dataChanged.emit(model.index(row, 0), model.index(row, last), roles)

    def follow_clock(self) -> None:
        """Countdowns and the time-dependent queues (overdue, closed today) follow the clock.

        The queue's timer calls this every ``TICK_MS``; a replay's slider, after moving
        the clock by any amount either way.

        Only what is on screen is repainted (its countdown text is computed when
        painted); only the tickets whose deadline the clock passed (either way) are placed
        again, and every ticket when it crossed midnight, so a city of tickets costs the
        GUI thread next to nothing per second.
        """
        now, then = self._clock(), self._last_tick
        self._repaint_countdowns()
        if _local_midnight(now) != _local_midnight(then):
            self._place(list(self.tickets.values()), now, changed=False)
        else:
            # Overdue now: into the overdue queue, and no longer "at risk" (or back).
            early, late = min(then, now), max(then, now)
            self._place(self._deadlines_between(early, late), now, changed=False)
        self._last_tick = now
        self._update_titles()

    # -- internals -----------------------------------------------------------------
    def _index_deadline(self, t: QueueTicket) -> None:
        minute = _minute(t.deadline)
        old = self._due_minute.get(t.id)
        if old == minute:
            return
        if old is not None:
            self._unindex_deadline(t.id)
        self._due_in_minute.setdefault(minute, set()).add(t.id)
        self._due_minute[t.id] = minute

    def _unindex_deadline(self, ticket_id: int) -> None:
        minute = self._due_minute.pop(ticket_id, None)
        if minute is None:
            return
        ids = self._due_in_minute[minute]
        ids.discard(ticket_id)
        if not ids:
            del self._due_in_minute[minute]

    def _deadlines_between(self, early: datetime, late: datetime) -> list[QueueTicket]:
        """The tickets due in ``[early, late)``: a tick's minute or two of the index, or
        (a replay's jump of days) the minutes of the index that fall in it."""
        first, last = _minute(early), _minute(late)
        index = self._due_in_minute
        if last - first < len(index):
            minutes: Iterable[int] = range(first, last + 1)
        else:
            minutes = [m for m in index if first <= m <= last]
        found = (self.tickets[i] for m in minutes for i in index.get(m, ()))
        return [t for t in found if early <= t.deadline < late]

    def _repaint_countdowns(self) -> None:
        """The countdown column on screen, not the whole table: only it follows the clock."""
        repaint_column(self.views[self.current_queue()], COUNTDOWN_COLUMN)

    def _row_background(self, t: QueueTicket) -> str | None:
        if t.is_emergency and t.id in self.unacknowledged:
            return FLASH_ON if self._flash else FLASH_OFF
        return None

    def _row_foreground(self, t: QueueTicket) -> str | None:
        return FLASH_TEXT if self._row_background(t) else None

    def _titles_soon(self, *args: object) -> None:
        self._titles.start()

    def _update_titles(self, *args: object) -> None:
        self._titles.stop()
        for i, queue in enumerate(QUEUES):
            count = self.proxies[queue.key].rowCount()
            title = f"{_tr(queue.title)} ({count})"
            if self.tabText(i) != title:
                self.setTabText(i, title)

    def _on_current_change(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid() and not self._settling:
            self._choose(current.data(RecordRole).id)

    def _on_pressed(self, index: QModelIndex) -> None:
        """A click on the row already lit still chooses it (the detail may show another)."""
        if index.isValid() and index.data(RecordRole).id != self.chosen_id:
            self._choose(index.data(RecordRole).id)

    def _choose(self, ticket_id: int) -> None:
        """The officer chose a row here: a row lit earlier in another tab goes out (one
        light, one chosen ticket), unless it is the same ticket."""
        self.chosen_id = ticket_id
        shown = self.current_queue()
        for key in self.views:
            if key != shown:
                self._settle(key, follow=False)
        self.ticket_selected.emit(ticket_id)

    def _on_tab_changed(self, index: int) -> None:
        if 0 <= index < len(QUEUES):
            self.catch_up(QUEUES[index].key)
            self.fit_view(QUEUES[index].key)

    def _hold(self, *args: object) -> None:
        self._settling = True

    def _settle(self, key: str, *args: object, follow: bool = True) -> None:
        """After rows moved or left: the chosen ticket stays lit, or nothing is."""
        self._settling = key in self.views  # not yet while the tabs are being built
        if not self._settling:
            return
        try:
            view, proxy = self.views[key], self.proxies[key]
            current = view.currentIndex()
            if current.isValid() and current.data(RecordRole).id == self.chosen_id:
                return
            model = self.models[key]
            row = model.row_of(self.chosen_id) if self.chosen_id is not None else None
            index = proxy.mapFromSource(model.index(row, 0)) if row is not None else None
            if follow and index is not None and index.isValid():
                view.setCurrentIndex(index)
            else:
                view.selectionModel().clear()
        finally:
            self._settling = False

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ticket_activated.emit(index.data(RecordRole).id)


__all__ = ["QUEUES", "QueuePanel", "QueueTicket"]
