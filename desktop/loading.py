"""The city's first load, shown to the operator in the status bar until it is in.

The window is usable from the start: the map shows the grids as they arrive (they
come first), the queues fill a slice at a time, and this says how far the load has
got, in rows read from the database and put in the store. A label, not a progress
bar: ``QProgressBar.setValue`` repaints at once, on the GUI thread, at every step.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget


class LoadingProgress(QLabel):
    """``Loading the city: 40%``; hidden once everything is in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loadingProgress")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("#loadingProgress { font-weight: bold; padding: 0 10px; }")
        self.percent = -1
        self.show_progress(0, 1)

    def show_progress(self, done: int, total: int) -> None:
        """``done`` of ``total`` rows are in; at ``total`` the label goes."""
        percent = 100 if total <= 0 or done >= total else done * 100 // total
        if percent == self.percent:
            return
        self.percent = percent
        text = QCoreApplication.translate("LoadingProgress", "Loading the city: %1%")
        self.setText(text.replace("%1", str(percent)))
        self.setVisible(percent < 100)
