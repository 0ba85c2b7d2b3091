"""The keyed table model keeps rows, selection and Qt's model contract intact."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPersistentModelIndex, QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester

from gridcommand.widgets.record_table import Column, RecordRole, RecordTableModel, SortRole


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    age: int


def _model() -> RecordTableModel[Row]:
    return RecordTableModel(
        [
            Column("Name", lambda r: r.name),
            Column(
                "Age",
                lambda r: f"{r.age} min",
                sort_key=lambda r: r.age,
                foreground=lambda r: "#ff0000" if r.age > 60 else None,
            ),
        ],
        key=lambda r: r.id,
    )


def test_upsert_and_remove_keep_the_model_contract(qtmodeltester: ModelTester) -> None:
    model = _model()
    qtmodeltester.check(model)
    model.upsert([Row(1, "a", 5), Row(2, "b", 90), Row(3, "c", 30)])
    assert model.rowCount() == 3
    model.upsert([Row(2, "b", 95), Row(4, "d", 1)])
    assert model.rowCount() == 4
    assert model.index(model.row_of(2) or 0, 1).data() == "95 min"
    model.remove([1, 3, 99])
    assert [r.id for r in model.records()] == [2, 4]
    assert model.row_of(4) == 1
    assert model.index(0, 0).data(RecordRole) == Row(2, "b", 95)
    assert model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(1, 1).data(Qt.ItemDataRole.ForegroundRole) is None


def test_numeric_sort_through_a_proxy() -> None:
    model = _model()
    model.upsert([Row(1, "a", 100), Row(2, "b", 9), Row(3, "c", 20)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.sort(1)
    assert [proxy.index(i, 0).data() for i in range(3)] == ["b", "c", "a"]
    model.upsert([Row(2, "b", 500)])
    assert [proxy.index(i, 0).data() for i in range(3)] == ["c", "a", "b"]


def test_adjacent_rows_leave_in_one_signal(qtmodeltester: ModelTester) -> None:
    model = _model()
    qtmodeltester.check(model)
    model.upsert([Row(i, chr(97 + i), i) for i in range(10)])
    signals: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, first, last: signals.append((first, last)))
    model.remove([1, 2, 3, 6, 8, 9, 42])
    assert signals == [(8, 9), (6, 6), (1, 3)]  # the last run first: rows above keep place
    assert [r.id for r in model.records()] == [0, 4, 5, 7]
    assert [model.row_of(k) for k in (0, 4, 5, 7)] == [0, 1, 2, 3]


def test_while_runs_leave_each_row_is_found_where_it_stands(
    qtmodeltester: ModelTester,
) -> None:
    """A view asked at each run's signal (the queues re-light the chosen ticket there)
    finds every row where it is at that moment, and a leaving row nowhere."""
    model = _model()
    qtmodeltester.check(model)
    model.upsert([Row(i, chr(97 + i), i) for i in range(6)])
    seen: list[dict[int, int | None]] = []

    def look(*_: object) -> None:
        rows = {k: model.row_of(k) for k in range(6)}
        for key, row in rows.items():
            if row is not None:
                assert model.record(row).id == key, (key, row)
        seen.append(rows)

    model.rowsRemoved.connect(look)
    model.remove([1, 4])
    # Row 4 leaves first (rows above keep their place), then row 1; 5 moved up each time.
    assert seen == [
        {0: 0, 1: None, 2: 2, 3: 3, 4: None, 5: 4},
        {0: 0, 1: None, 2: 1, 3: 2, 4: None, 5: 3},
    ]


def test_rows_scattered_over_the_table_leave_as_one_run_and_selections_stay(
    qtmodeltester: ModelTester,
) -> None:
    model = _model()
    qtmodeltester.check(model)
    model.upsert([Row(i, chr(97 + i), i) for i in range(20)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    chosen = QPersistentModelIndex(proxy.index(13, 0))
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    model.remove([0, 2, 4, 6, 8, 10, 12, 99])
    assert removed == [(13, 19)]  # seven scattered rows: moved to the end, then one run
    assert [r.id for r in model.records()] == [1, 3, 5, 7, 9, 11, 13, 14, 15, 16, 17, 18, 19]
    assert [model.row_of(k) for k in (1, 13, 19, 0)] == [0, 6, 12, None]
    assert chosen.isValid() and chosen.data() == "n"  # the row chosen moved with its record
    assert [proxy.index(i, 0).data() for i in range(proxy.rowCount())] == list("bdfhjlnopqrst")
