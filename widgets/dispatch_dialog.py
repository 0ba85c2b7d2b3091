"""Choosing who goes: ranked suggestions, the first one ready to confirm with Enter.

A duty officer dispatching an emergency should need two keystrokes: open the
dialog (D) and confirm (Enter) the first suggestion, which the ranking has made
the nearest available online worker of the grid's own team. Stale positions are
marked, so the officer knows when "nearest" is a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridcommand.resources.palette import WORKER_STATUS
from gridcommand.resources.vocabulary import worker_status_name
from gridcommand.widgets.record_table import Column, RecordTableModel

DEPARTMENTS = (
    "城管执法",
    "市政维修",
    "环卫保洁",
    "供水抢修",
    "燃气抢修",
    "供电抢修",
    "派出所",
    "消防救援",
)


def warning_text(status: str, fix_age_s: float | None) -> str:
    """The note, worded here in the operator's language (the database layer's is English)."""
    translate = QCoreApplication.translate
    if status == "online":
        return ""
    if fix_age_s is None:
        return translate("DispatchDialog", "no position ever received")
    minutes = int(fix_age_s // 60)
    if minutes < 60:
        return translate("DispatchDialog", "last fix %1 min ago").replace("%1", str(minutes))
    return (
        translate("DispatchDialog", "last fix %1 h %2 min ago")
        .replace("%1", str(minutes // 60))
        .replace("%2", str(minutes % 60))
    )


class SuggestionLike(Protocol):
    @property
    def worker_code(self) -> str: ...
    @property
    def worker_name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def distance_m(self) -> float | None: ...
    @property
    def open_load(self) -> int: ...
    @property
    def same_grid(self) -> bool: ...
    @property
    def warning(self) -> str: ...
    @property
    def fix_age_s(self) -> float | None: ...


def distance_text(metres: float | None) -> str:
    if metres is None:
        return "?"
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


class DispatchDialog(QDialog):
    """Returns (worker code or None, department or None, note) through ``choice()``."""

    def __init__(
        self,
        ticket_code: str,
        suggestions: Sequence[SuggestionLike],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Dispatch %1").replace("%1", ticket_code))
        self.model: RecordTableModel[SuggestionLike] = RecordTableModel(
            [
                Column(self.tr("Worker"), lambda s: f"{s.worker_name} ({s.worker_code})"),
                Column(
                    self.tr("Status"),
                    lambda s: worker_status_name(s.status),
                    foreground=lambda s: WORKER_STATUS.get(s.status),
                ),
                Column(
                    self.tr("Distance"),
                    lambda s: distance_text(s.distance_m),
                    sort_key=lambda s: s.distance_m if s.distance_m is not None else 1e12,
                ),
                Column(self.tr("Open cases"), lambda s: str(s.open_load)),
                Column(self.tr("Own grid"), lambda s: "✓" if s.same_grid else ""),
                Column(self.tr("Note"), lambda s: warning_text(s.status, s.fix_age_s)),
            ],
            key=lambda s: s.worker_code,
        )
        self.model.set_records(suggestions)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(self.accept)
        if suggestions:
            first = self.model.index(0, 0)
            self.view.selectionModel().setCurrentIndex(
                first,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

        self.department = QComboBox()
        self.department.addItem(self.tr("(a worker, as selected above)"), "")
        for name in DEPARTMENTS:
            self.department.addItem(name, name)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Instruction for the worker (optional)"))
        form = QFormLayout()
        form.addRow(self.tr("Or send to a department"), self.department)
        form.addRow(self.tr("Note"), self.note)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Dispatch (Enter)"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        hint = QLabel(
            self.tr("Ranked: online first, the grid's own team first, then by distance and load.")
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.view)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def choice(self) -> tuple[str | None, str | None, str]:
        department = self.department.currentData() or None
        if department:
            return None, department, self.note.text()
        index = self.view.currentIndex()
        worker = self.model.record(index.row()).worker_code if index.isValid() else None
        return worker, None, self.note.text()
