"""Connecting the data flow to the window: feed → store → models and map → views.

Kept apart from the window so that the window can be built (and tested) with no
database, and so that the order of the data flow reads in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gridcommand.desktop.main_window import MainWindow


@dataclass
class WindowSession:
    """What keeps a running window's background parts alive, and stops them."""

    parts: list[object] = field(default_factory=list)

    def stop(self) -> None:
        for part in reversed(self.parts):
            stop = getattr(part, "stop", None)
            if callable(stop):
                stop()


def wire_window(window: MainWindow, db: object) -> WindowSession:
    return WindowSession()
