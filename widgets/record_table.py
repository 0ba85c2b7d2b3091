"""A table model over immutable records, updated by key without resetting.

Live views receive deltas (added / changed / removed records) many times a
second; resetting the model on each would lose the operator's selection and
scroll position. This model inserts, updates and removes single rows instead,
and leaves sorting and filtering to a QSortFilterProxyModel.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from gridcommand.db.live.text import neutralise
from gridcommand.widgets.plain import tooltip

R = TypeVar("R")
#: A column only reads records: one for any record type serves its subtypes too.
R_contra = TypeVar("R_contra", contravariant=True)
_Index = QModelIndex | QPersistentModelIndex
#: Rows leaving in more runs than this are moved together first (``_gather_and_remove``).
GATHER_AFTER_RUNS = 4

#: A role that returns the record itself, for delegates, proxies and selection handlers.
RecordRole = int(Qt.ItemDataRole.UserRole) + 1
#: A role that returns a sortable value (numbers and datetimes sort as themselves).
SortRole = int(Qt.ItemDataRole.UserRole) + 2


@dataclass(frozen=True)
class Column(Generic[R_contra]):
    """One column: its header, its display text, and optionally a sort key and colours."""

    header: str
    text: Callable[[R_contra], str]
    sort_key: Callable[[R_contra], Any] | None = None
    foreground: Callable[[R_contra], str | None] | None = None
    background: Callable[[R_contra], str | None] | None = None
    tooltip: Callable[[R_contra], str] | None = None
    #: An icon before the text (a QIcon), e.g. the emergency sign from the package's icons.
    decoration: Callable[[R_contra], Any] | None = None


class RecordTableModel(QAbstractTableModel, Generic[R]):
    def __init__(
        self,
        columns: Sequence[Column[R]],
        key: Callable[[R], Hashable],
        row_background: Callable[[R], str | None] | None = None,
        coalesce_changes: bool = False,
        row_foreground: Callable[[R], str | None] | None = None,
    ) -> None:
        """``coalesce_changes``: announce a batch of changed rows as one span.

        For a big table behind a proxy that neither sorts nor filters dynamically,
        one ``dataChanged`` over the span costs Qt a pass in C++, where a signal a
        row costs a Python call each (thousands when a city's workers change
        status). A dynamic proxy would re-filter every row of the span in Python,
        so the queues leave it off.
        """
        super().__init__()
        self._coalesce = coalesce_changes
        self._columns = list(columns)
        self._key = key
        self._row_background = row_background
        #: The text colour a whole row takes (over its columns' own), e.g. on a flash.
        self._row_foreground = row_foreground
        self._rows: list[R] = []
        #: Each row's key, beside it: finding a city's rows again after a reorder is then
        #: one pass in C, not a call of ``key`` per row (200,000 workers).
        self._keys: list[Hashable] = []
        self._index: dict[Hashable, int] = {}
        #: How many rows ``remove`` is taking out while its signals are being handled.
        self._leaving = 0

    # -- updates -----------------------------------------------------------------
    def set_records(self, records: Iterable[R]) -> None:
        self.beginResetModel()
        self._rows = list(records)
        self._keys = [self._key(r) for r in self._rows]
        self._reindex()
        self.endResetModel()

    def upsert(self, records: Iterable[R]) -> None:
        new: list[R] = []
        changed: list[int] = []
        last = len(self._columns) - 1
        for record in records:
            row = self._index.get(self._key(record))
            if row is None:
                new.append(record)
                continue
            self._rows[row] = record
            if self._coalesce:
                changed.append(row)
            else:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))
        if new:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            for offset, record in enumerate(new):
                key = self._key(record)
                self._rows.append(record)
                self._keys.append(key)
                self._index[key] = start + offset
            self.endInsertRows()

    def remove(self, keys: Iterable[Hashable]) -> None:
        gone = [k for k in set(keys) if k in self._index]
        rows = sorted((self._index.pop(k) for k in gone), reverse=True)
        # Runs of adjacent rows leave together, the last run first: one signal per run,
        # not per row, for every proxy and view over the model.
        runs: list[list[int]] = []
        for row in rows:
            if runs and runs[-1][0] == row + 1:
                runs[-1][0] = row
            else:
                runs.append([row, row])
        if len(runs) > GATHER_AFTER_RUNS:
            self._gather_and_remove(rows)
            return
        # A handler of a run's signal may ask ``row_of`` (the queues light the chosen
        # ticket again there): a row below a run already gone is up to this many rows
        # above its index until the index is rebuilt once at the end.
        self._leaving = len(rows)
        try:
            for first, last in runs:
                self.beginRemoveRows(QModelIndex(), first, last)
                del self._rows[first : last + 1]
                del self._keys[first : last + 1]
                self.endRemoveRows()
        finally:
            self._leaving = 0
            if rows:
                self._reindex()

    def _gather_and_remove(self, rows: list[int]) -> None:
        """Rows scattered over the table leave as one run: moved to its end first.

        Each run removed costs a proxy and its views a pass over their mappings, so
        a replayed hour's hundreds of scattered departures from a queue of thousands
        took tens of milliseconds; one layout change and one run take a few.
        """
        leaving = set(rows)
        kept = [i for i in range(len(self._rows)) if i not in leaving]
        self._move_rows(kept + sorted(leaving), len(kept))
        self.beginRemoveRows(QModelIndex(), len(kept), len(self._rows) - 1)
        del self._rows[len(kept) :]
        del self._keys[len(kept) :]
        self.endRemoveRows()

    def refresh(self) -> None:
        """Re-evaluate every cell (for columns that depend on the clock)."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1)
            )

    def reorder(
        self,
        key: Callable[[R], Any],
        reverse: bool = False,
        lead: Callable[[R], Any] | None = None,
        moved: Iterable[Hashable] | None = None,
    ) -> None:
        """Keep the rows in ``key`` order, moving selections with them.

        Sorting in the model with Python's sort costs milliseconds for tens of
        thousands of rows; a sorting proxy asks ``data()`` for every comparison and
        costs seconds. ``reverse`` turns the ``key`` order round; ``lead`` groups the
        rows first, in its own ascending order, whichever way ``key`` goes (emergencies on
        top). Rows of equal keys keep their order.

        ``moved``: the keys of the only rows that may be out of ``key`` order (changed or
        added since the rows were last put in it); the others are not asked their key
        again: a city's 200,000 workers were all keyed and sorted again for the few
        hundred whose status changed; those are now placed by bisection. A moved row
        goes after the rows of an equal key.
        """
        if moved is not None and not reverse and lead is None:
            moved = set(moved)
            # Each moved row costs a bisection, ~log2(rows) keys; past this many (the
            # workers arriving in slices at start-up) one sort of all rows costs less.
            if len(moved) * max(len(self._rows), 2).bit_length() < len(self._rows):
                span = self._order_after_moves(key, moved)
                if span is not None:
                    self._move_rows(*span)
                return
        keys = [key(r) for r in self._rows]
        order = sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)
        if lead is not None:
            groups = [lead(r) for r in self._rows]
            order.sort(key=groups.__getitem__)
        if order != list(range(len(order))):
            self._move_rows(order, len(order))

    def _order_after_moves(
        self, key: Callable[[R], Any], moved: Iterable[Hashable]
    ) -> tuple[list[int], int, int] | None:
        """The rows in ``key`` order, when all but the ``moved`` ones are in it already.

        Returned as ``_move_rows`` takes it: the order and the first row it changes;
        ``None`` when nothing moves.
        """
        out = sorted({row for k in moved if (row := self._index.get(k)) is not None})
        if not out:
            return None
        rows = self._rows
        stay: list[int] = []  # the rows in order, as runs between the moved ones (C speed)
        start = 0
        for row in out:
            stay.extend(range(start, row))
            start = row + 1
        stay.extend(range(start, len(rows)))
        placed = []
        for row in out:
            value = key(rows[row])
            at = bisect_right(stay, value, key=lambda i: key(rows[i]))
            placed.append((at, value, row))
        placed.sort(key=lambda p: (p[0], p[1]))
        order: list[int] = []
        start = 0
        for at, _, row in placed:
            order.extend(stay[start:at])
            order.append(row)
            start = at
        order.extend(stay[start:])
        # The rows before both the first moved row and the first place taken keep theirs.
        first = min(out[0], placed[0][0])
        if order[first:] == list(range(first, len(order))):
            return None
        return order, len(order), first

    def _move_rows(self, order: list[int], indexed: int, first: int = 0) -> None:
        """One layout change: row ``order[n]`` becomes row ``n``, selections follow, and the
        first ``indexed`` rows are found by key (the others are about to leave).

        ``first``: the rows above it stay where they are (``order[n] == n``), so only the
        rows from it on are rewritten and found again.
        """
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        new_row = _new_rows(order, {i.row() for i in persistent})
        rows, keys = self._rows, self._keys
        tail = order[first:]
        self._rows = rows[:first] + [rows[i] for i in tail]
        self._keys = keys[:first] + [keys[i] for i in tail]
        # In place: the keys are the same (a leaving row's was taken out already), and
        # updating a city's 200,000 entries costs half of building a new dict.
        self._index.update(zip(self._keys[first:indexed], range(first, indexed), strict=True))
        self.changePersistentIndexList(
            persistent, [self.index(new_row[i.row()], i.column()) for i in persistent]
        )
        self.layoutChanged.emit()

    def _reindex(self, rows: int | None = None) -> None:
        kept = self._keys if rows is None else self._keys[:rows]
        self._index = dict(zip(kept, range(len(kept)), strict=True))

    # -- reading -----------------------------------------------------------------
    def record(self, row: int) -> R:
        return self._rows[row]

    def sort_value(self, row: int, column: int) -> Any:
        """What the column sorts by, read without a QModelIndex (proxies compare a lot)."""
        return self.sort_value_of(self._rows[row], column)

    def sort_value_of(self, record: R, column: int) -> Any:
        col = self._columns[column]
        return col.sort_key(record) if col.sort_key else col.text(record)

    def row_of(self, key: Hashable) -> int | None:
        row = self._index.get(key)
        if row is None or not self._leaving:
            return row
        # Rows are leaving (``remove``): the row is where its index says or a few above.
        for at in range(min(row, len(self._rows) - 1), row - self._leaving - 1, -1):
            if at >= 0 and self._keys[at] == key:
                return at
        return None

    def records(self) -> list[R]:
        return list(self._rows)

    # -- Qt interface ---------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return neutralise(column.text(record))  # codes too: they are not cleaned upstream
        if role == RecordRole:
            return record
        if role == SortRole:
            return column.sort_key(record) if column.sort_key else column.text(record)
        if role == Qt.ItemDataRole.ForegroundRole:
            row_colour = self._row_foreground(record) if self._row_foreground else None
            if row_colour:
                return _brush(row_colour)
            return _brush(column.foreground(record)) if column.foreground else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._row_background is not None:
                colour = self._row_background(record)
                if colour:
                    return _brush(colour)
            if column.background:
                return _brush(column.background(record))
        if role == Qt.ItemDataRole.ToolTipRole:
            # A column too narrow for its text elides it: the full text is a hover away.
            return tooltip(column.tooltip(record) if column.tooltip else column.text(record))
        if role == Qt.ItemDataRole.DecorationRole and column.decoration:
            return column.decoration(record)
        return None


def _brush(color: str | None) -> Any:
    if not color:
        return None
    from PySide6.QtGui import QBrush, QColor

    return QBrush(QColor(color))


def _new_rows(order: list[int], rows: set[int]) -> dict[int, int]:
    """Where the ``rows`` go when row ``order[n]`` becomes row ``n``.

    A view's persistent indexes are a handful of rows (the current one, a selection),
    so each is looked up at C speed rather than inverting the whole order in Python.
    """
    if len(rows) > 32:
        return {old: new for new, old in enumerate(order)}
    return {old: order.index(old) for old in rows}
