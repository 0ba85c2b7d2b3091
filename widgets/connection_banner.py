"""A banner across the top of the window that says when the database is not live.

Operators must never mistake a frozen picture for a quiet city: while the feed
is reconnecting or lost, the banner stays up, in amber or red, with how long.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from gridcommand.resources.palette import CONNECTION
from gridcommand.widgets.plain import plain

_STYLES = {
    state: f"background:{CONNECTION[state]};color:white;"
    for state in ("reconnecting", "lost", "connecting")
}
_STYLES["lagging"] = _STYLES["reconnecting"]


class ConnectionBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self._label = QLabel(self)
        self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        plain(self._label)  # the detail is a server's message
        font = self._label.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self._label.setFont(font)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self._label)
        self.state = "connecting"
        self.set_state("connecting", "")

    def set_state(self, state: str, detail: str) -> None:
        """Show the banner unless the feed is live (``connected``)."""
        self.state = state
        if state == "connected":
            self.hide()
            return
        headline = {
            "connecting": self.tr("Connecting to the database…"),
            "reconnecting": self.tr("Database connection interrupted — reconnecting"),
            "lost": self.tr("Database connection lost — the picture is NOT live"),
            "lagging": self.tr("The picture is late —"),
        }.get(state, state)
        self._label.setText(f"{headline}  {detail}".strip())
        self.setStyleSheet(_STYLES.get(state, _STYLES["lost"]))
        self.show()

    def text(self) -> str:
        return self._label.text()
