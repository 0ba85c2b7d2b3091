"""The alarm no filter can hide: a red strip above every dock while emergencies wait.

The queues flash an emergency only where it is shown, and a search, a jurisdiction
or another tab can hide every one of them. This banner counts what the alarm
counts (every unacknowledged emergency in the store), whatever the queues show,
and a click on it jumps to the oldest one. It also says when the siren cannot be
heard: no sound device, or muted by a supervisor (until when, and by whom).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from gridcommand.resources.icons import icon_path
from gridcommand.resources.palette import ALARM_BANNER

EMERGENCY_STYLE = (
    f"#alarmBanner {{ background:{ALARM_BANNER['emergency']}; }}"
    f" QLabel {{ color:{ALARM_BANNER['text']}; }}"
)
SOUND_ONLY_STYLE = (
    f"#alarmBanner {{ background:{ALARM_BANNER['sound_only']}; }}"
    f" QLabel {{ color:{ALARM_BANNER['text']}; }}"
)


class AlarmBanner(QFrame):
    """Shown while emergencies wait or the siren cannot sound; ``clicked`` jumps to one."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alarmBanner")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._icon = QLabel(self)
        self._label = QLabel(self)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._sound_icon = QLabel(self)
        self._sound = QLabel(self)
        self._sound.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.addStretch(1)
        layout.addWidget(self._icon)
        layout.addWidget(self._label)
        layout.addSpacing(40)
        layout.addWidget(self._sound_icon)
        layout.addWidget(self._sound)
        layout.addStretch(1)
        self.count = 0
        self.oldest = ""
        self.sound_state = "on"  # "on" | "off" (no device) | "muted"
        self.muted_until = ""
        self.muted_by = ""
        self._text_px = 24
        self.set_text_size(24)
        self._refresh()

    def set_text_size(self, pixels: int) -> None:
        """Half as big again as the table text: the first thing seen from the back row."""
        self._text_px = pixels
        for label in (self._label, self._sound):
            font = label.font()
            font.setPixelSize(pixels)
            font.setBold(True)
            label.setFont(font)
        self._refresh()

    def set_emergencies(self, count: int, oldest: str) -> None:
        self.count, self.oldest = count, oldest
        self._refresh()

    def set_sound(self, state: str, until: str = "", by: str = "") -> None:
        self.sound_state, self.muted_until, self.muted_by = state, until, by
        self._refresh()

    def text(self) -> str:
        return f"{self._label.text()} {self._sound.text()}".strip()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.count:
            self.clicked.emit()
        super().mousePressEvent(event)

    def _refresh(self) -> None:
        size = QSize(self._text_px, self._text_px)
        if self.count:
            self._label.setText(
                self.tr("%1 emergencies not acknowledged — oldest %2 — click to show it")
                .replace("%1", str(self.count))
                .replace("%2", self.oldest)
            )
            self._icon.setPixmap(QIcon(icon_path("emergency")).pixmap(size))
            self._icon.show()
        else:
            self._label.setText("")
            self._icon.hide()
        if self.sound_state == "off":
            self._sound.setText(self.tr("SOUND OFF: no audio device, the siren cannot be heard"))
            self._sound_icon.setPixmap(QIcon(icon_path("sound_off")).pixmap(size))
        elif self.sound_state == "muted":
            self._sound.setText(
                self.tr("Siren muted until %1 by %2")
                .replace("%1", self.muted_until)
                .replace("%2", self.muted_by)
            )
            self._sound_icon.setPixmap(QIcon(icon_path("sound_muted")).pixmap(size))
        else:
            self._sound.setText("")
        self._sound_icon.setVisible(self.sound_state != "on")
        self._sound.setVisible(self.sound_state != "on")
        self.setStyleSheet(EMERGENCY_STYLE if self.count else SOUND_ONLY_STYLE)
        self.setToolTip(self.tr("Click to show the oldest emergency (filters are cleared)"))
        self.setVisible(bool(self.count) or self.sound_state != "on")
