"""The replay bar (回放): a banner no one can take for live, the slider and its controls.

It keeps the replay's clock (the window, the moment shown, the speed, playing or
paused) and asks for moments with ``seek_requested``; what is shown comes from
elsewhere. While playing, the moment advances by the speed times the real time
that passed, however long a seek takes, so 60× is one hour a minute.

Keys (the bar takes them while it or the slider has the focus): Space plays or
pauses; ← / → step one minute; PageUp / PageDown (and the slider's own keys)
move by an hour; Esc goes back to live.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from gridcommand.resources.palette import REPLAY_BANNER

SPEEDS = (1, 10, 60, 600)
#: One press of a step button or an arrow key.
STEP = timedelta(minutes=1)
#: The slider's resolution, and its page (PageUp / PageDown, a click beside the handle).
SLIDER_UNIT = timedelta(minutes=1)
HOUR = timedelta(hours=1)
#: How often a playing replay asks for the next moment (it never asks twice at once).
TICK_MS = 250

BANNER_STYLE = (
    f"#replayBanner {{ background:{REPLAY_BANNER['background']}; }}"
    f" #replayBanner QLabel {{ color:{REPLAY_BANNER['text']}; }}"
    f" #replayControls {{ background:{REPLAY_BANNER['controls']}; }}"
    f" #replayBar QPushButton:checked {{ background:{REPLAY_BANNER['text']};"
    f" color:{REPLAY_BANNER['background']}; font-weight:bold; }}"
    f" #liveButton {{ background:{REPLAY_BANNER['live']}; color:white; font-weight:bold;"
    " padding:2px 16px; }"
)


def _shown(at: datetime) -> str:
    """The PC's local time with its offset, to the second: 2026-11-30 09:00:00 +08:00."""
    local = at.astimezone()
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


class ReplayBar(QFrame):
    """Shown only while replaying; ``live_requested`` when the operator goes back to live."""

    seek_requested = Signal(object)  # datetime
    live_requested = Signal()
    playing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayBar")
        self.start = self.end = self.at = datetime.now().astimezone()
        self.speed = SPEEDS[2]
        self.playing = False
        #: The moment last asked for, and whether the one shown has arrived since.
        self._waiting = False
        self._last_tick = time.monotonic()

        banner = QFrame(self)
        banner.setObjectName("replayBanner")
        self._title = QLabel(banner)
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._title.setObjectName("replayTitle")
        self.live_button = QPushButton(self.tr("Back to live"), banner)
        self.live_button.setObjectName("liveButton")
        self.live_button.setToolTip(self.tr("Leave the replay: the map shows now again (Esc)"))
        self.live_button.clicked.connect(self.live_requested)
        top = QHBoxLayout(banner)
        top.setContentsMargins(12, 4, 12, 4)
        top.addStretch(1)
        top.addWidget(self._title)
        top.addStretch(1)
        top.addWidget(self.live_button)

        controls = QFrame(self)
        controls.setObjectName("replayControls")
        self.back_button = QPushButton(self.tr("◀ 1 min"), controls)
        self.back_button.setToolTip(self.tr("One minute back (←)"))
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.play_button = QPushButton(controls)
        self.play_button.clicked.connect(self.toggle_play)
        self.forward_button = QPushButton(self.tr("1 min ▶"), controls)
        self.forward_button.setToolTip(self.tr("One minute on (→)"))
        self.forward_button.clicked.connect(lambda: self.step(1))
        self.speed_buttons = QButtonGroup(self)
        row = QHBoxLayout(controls)
        row.setContentsMargins(12, 2, 12, 2)
        row.addWidget(self.back_button)
        row.addWidget(self.play_button)
        row.addWidget(self.forward_button)
        for speed in SPEEDS:
            button = QPushButton(f"{speed}×", controls)
            button.setCheckable(True)
            button.setChecked(speed == self.speed)
            button.setToolTip(self.tr("Play at %1 times real time").replace("%1", str(speed)))
            self.speed_buttons.addButton(button, speed)
            row.addWidget(button)
        self.speed_buttons.idClicked.connect(self.set_speed)
        self._from = QLabel(controls)
        self.slider = QSlider(Qt.Orientation.Horizontal, controls)
        self.slider.setObjectName("replaySlider")
        self.slider.setSingleStep(1)
        self.slider.setPageStep(HOUR // SLIDER_UNIT)
        self.slider.setTracking(False)  # a drag asks once, where it is let go
        self.slider.valueChanged.connect(self._on_slider_value)
        self.slider.sliderMoved.connect(self._on_slider_moving)
        self._to = QLabel(controls)
        row.addSpacing(12)
        row.addWidget(self._from)
        row.addWidget(self.slider, 1)
        row.addWidget(self._to)

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(banner)
        box.addWidget(controls)
        self.setStyleSheet(BANNER_STYLE)
        for widget in (self, self.slider):
            widget.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self.set_text_size(24)
        self._refresh()
        self.hide()

    # -- the replay's window and moment ---------------------------------------------------
    def open(self, start: datetime, end: datetime, at: datetime) -> None:
        """Show the bar over ``start``..``end`` at ``at`` (paused), and ask for that moment."""
        self.start, self.end = start, max(end, start + SLIDER_UNIT)
        self.slider.blockSignals(True)
        self.slider.setRange(0, (self.end - self.start) // SLIDER_UNIT)
        self.slider.blockSignals(False)
        self._from.setText(f"{start.astimezone():%m-%d %H:%M}")
        self._to.setText(f"{self.end.astimezone():%m-%d %H:%M}")
        self.pause()
        self.show()
        self.seek(at)

    def seek(self, at: datetime) -> None:
        """Show ``at`` (kept inside the window); the slider follows."""
        self.at = min(max(at, self.start), self.end)
        self.slider.blockSignals(True)
        self.slider.setValue(round((self.at - self.start) / SLIDER_UNIT))
        self.slider.blockSignals(False)
        self._refresh()
        self._waiting = True
        self.seek_requested.emit(self.at)

    def shown(self, at: datetime | None = None) -> None:
        """The moment asked for is on screen: a playing replay may ask for the next.

        The banner then names the moment on screen (``at``), not one still being read.
        """
        self._waiting = False
        if at is not None and not self.slider.isSliderDown():
            self._set_title(at)

    def step(self, steps: int) -> None:
        self.pause()
        self.seek(self.at + STEP * steps)

    def set_speed(self, speed: int) -> None:
        self.speed = speed
        button = self.speed_buttons.button(speed)
        if button is not None and not button.isChecked():
            button.setChecked(True)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.at >= self.end:
            self.seek(self.start)
        self.playing = True
        self._last_tick = time.monotonic()
        self._timer.start()
        self._refresh()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        was = self.playing
        self.playing = False
        self._timer.stop()
        self._refresh()
        if was:
            self.playing_changed.emit(False)

    def title(self) -> str:
        return self._title.text()

    def set_text_size(self, pixels: int) -> None:
        """The banner half as big again as the alarm's: history must never pass for now."""
        font = self._title.font()
        font.setPixelSize(round(pixels * 1.5))
        font.setBold(True)
        self._title.setFont(font)
        # The controls a little smaller than the banner, so the slider keeps its room.
        for widget in [*self.findChildren(QPushButton), self._from, self._to]:
            small = widget.font()
            small.setPixelSize(max(round(pixels * 0.75), 12))
            widget.setFont(small)
        self.slider.setMinimumHeight(pixels)
        self.slider.setMinimumWidth(pixels * 8)

    # -- input -------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Space:
                self.toggle_play()
                return True
            if key == Qt.Key.Key_Escape:
                self.live_requested.emit()
                return True
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and watched is self:
                self.step(-1 if key == Qt.Key.Key_Left else 1)
                return True
        return super().eventFilter(watched, event)

    def _on_slider_value(self, value: int) -> None:
        self.pause()
        self.seek(self.start + SLIDER_UNIT * value)

    def _on_slider_moving(self, value: int) -> None:
        """While dragging, the banner says where the handle is; the map follows on release."""
        self._set_title(self.start + SLIDER_UNIT * value)

    def _on_tick(self) -> None:
        now = time.monotonic()
        if self._waiting:
            return  # the moment asked for is not shown yet: never queue seeks behind it
        elapsed, self._last_tick = now - self._last_tick, now
        at = self.at + timedelta(seconds=elapsed * self.speed)
        if at >= self.end:
            self.seek(self.end)
            self.pause()
            return
        self.seek(at)

    def _refresh(self) -> None:
        self._set_title(self.at)
        self.play_button.setText(self.tr("❚❚ Pause") if self.playing else self.tr("▶ Play"))
        self.play_button.setToolTip(self.tr("Play or pause the replay (Space)"))

    def _set_title(self, at: datetime) -> None:
        state = self.tr("playing at %1×").replace("%1", str(self.speed))
        if not self.playing:
            state = self.tr("paused")
        self._title.setText(
            self.tr("REPLAY — %1 — not live (%2)").replace("%1", _shown(at)).replace("%2", state)
        )
