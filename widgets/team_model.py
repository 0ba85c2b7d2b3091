"""A grid's team as a table model: who they are, their role, when last seen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from gridcommand.db.reports.grid_report import TeamMember
from gridcommand.resources.vocabulary import worker_role_name

_Index = QModelIndex | QPersistentModelIndex


class TeamModel(QAbstractTableModel):
    COLUMNS = ("name", "role", "phone", "last_seen")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[TeamMember] = []

    def set_team(self, team: Sequence[TeamMember]) -> None:
        self.beginResetModel()
        self._rows = list(team)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (self.tr("Name"), self.tr("Role"), self.tr("Phone"), self.tr("Last seen"))[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        member = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if column == "name":
            return member.name
        if column == "role":
            return worker_role_name(member.role)
        if column == "phone":
            return member.phone_masked
        return _when(member.last_seen)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%m-%d %H:%M")
