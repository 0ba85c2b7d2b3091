"""The audible alarm: a siren that repeats while any emergency is unacknowledged.

An emergency at 3 a.m. must be heard by an operator who is looking elsewhere, and
must stop only when someone acknowledges it, not after a fixed time. Ordinary
new reports get a short chime, rate-limited so a burst does not become noise.
"""

from __future__ import annotations

import logging
import time
from importlib.resources import as_file, files
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal

log = logging.getLogger(__name__)
CHIME_MIN_INTERVAL_S = 5.0


def sound_device_available() -> bool:
    """Whether any audio output exists; without one QSoundEffect plays into nothing."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return False
    return bool(QMediaDevices.audioOutputs())


def _sound(name: str, parent: QObject, loop: bool = False) -> Any | None:
    """A QSoundEffect, or None where Qt Multimedia cannot load (no audio libraries).

    Without sound the alarm still flashes and banners; the window says sound is off.
    """
    try:
        from PySide6.QtMultimedia import QSoundEffect
    except ImportError as exc:
        log.warning("alarm sound unavailable: %s", exc)
        return None
    effect = QSoundEffect(parent)
    with as_file(files("gridcommand.resources") / "sounds" / name) as path:
        effect.setSource(QUrl.fromLocalFile(str(path)))
    if loop:
        effect.setLoopCount(QSoundEffect.Loop.Infinite.value)
    return effect


class Alarm(QObject):
    """Sounds while ``pending`` holds emergencies; ``state_changed`` tells the UI."""

    state_changed = Signal(bool)
    #: Pending emergencies changed (their number); the banner follows it.
    pending_changed = Signal(int)
    #: The mute ended by itself (its time ran out).
    mute_expired = Signal()

    def __init__(self, parent: QObject | None = None, audible: bool | None = None) -> None:
        super().__init__(parent)
        self._siren = _sound("emergency.wav", self, loop=True)
        self._chime = _sound("new_alert.wav", self)
        #: False when no audio device works: the window must then say that sound is off.
        self.audible = (
            audible if audible is not None else self._siren is not None and sound_device_available()
        )
        self._unmute = QTimer(self)
        self._unmute.setSingleShot(True)
        self._unmute.timeout.connect(self._on_mute_expired)
        self._last_chime = 0.0
        self.pending: set[int] = set()
        self.muted = False

    @property
    def sounding(self) -> bool:
        return bool(self.pending) and not self.muted

    def raise_emergency(self, ticket_id: int) -> None:
        was = self.sounding
        self.pending.add(ticket_id)
        self._apply(was)

    def acknowledge(self, ticket_ids: set[int] | None = None) -> set[int]:
        """Acknowledge some or all pending emergencies; returns those acknowledged."""
        was = self.sounding
        done = set(self.pending) if ticket_ids is None else self.pending & ticket_ids
        self.pending -= done
        self._apply(was)
        return done

    def set_muted(self, muted: bool) -> None:
        was = self.sounding
        self.muted = muted
        if not muted:
            self._unmute.stop()
        self._apply(was)

    def mute_for(self, milliseconds: int) -> None:
        """Silence the siren for a set time (a supervisor's decision, traced elsewhere)."""
        self.set_muted(True)
        self._unmute.start(milliseconds)

    def _on_mute_expired(self) -> None:
        self.set_muted(False)
        self.mute_expired.emit()

    def chime(self) -> None:
        now = time.monotonic()
        if not self.muted and not self.pending and now - self._last_chime >= CHIME_MIN_INTERVAL_S:
            self._last_chime = now
            if self._chime is not None:
                self._chime.play()

    def _apply(self, was_sounding: bool) -> None:
        self.pending_changed.emit(len(self.pending))
        if self._siren is not None:
            if self.sounding and not self._siren.isPlaying():
                self._siren.play()
            elif not self.sounding:
                self._siren.stop()
        if self.sounding != was_sounding:
            self.state_changed.emit(self.sounding)
