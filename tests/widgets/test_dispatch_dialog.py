"""The dispatch dialog: the first suggestion is chosen with Enter alone."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridcommand.widgets.dispatch_dialog import DispatchDialog, distance_text


@dataclass(frozen=True)
class S:
    worker_code: str
    worker_name: str
    role: str
    status: str
    distance_m: float | None
    open_load: int
    same_grid: bool
    warning: str = ""
    fix_age_s: float | None = None


SUGGESTIONS = [
    S("W2", "李强", "full_time", "online", 180.0, 1, True),
    S("W7", "陈静", "part_time", "stale", 90.0, 0, False, "position 14 min old", 14 * 60.0),
]


def test_enter_dispatches_to_the_first_suggestion(qtbot: QtBot) -> None:
    dialog = DispatchDialog("T20261124-17", SUGGESTIONS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert dialog.result() == DispatchDialog.DialogCode.Accepted
    assert dialog.choice() == ("W2", None, "")


def test_department_and_note(qtbot: QtBot) -> None:
    dialog = DispatchDialog("T1", SUGGESTIONS)
    qtbot.addWidget(dialog)
    dialog.department.setCurrentIndex(dialog.department.findData("燃气抢修"))
    dialog.note.setText("带检测仪")
    assert dialog.choice() == (None, "燃气抢修", "带检测仪")
    assert dialog.model.index(1, 5).data() == "last fix 14 min ago"  # worded by the view


def test_distance_text() -> None:
    assert distance_text(None) == "?"
    assert distance_text(950) == "950 m"
    assert distance_text(2345) == "2.3 km"
