"""Two screens: the map on one, the queues and charts on the other.

A command centre often has a wall for the map and a desk monitor for the queues.
``--screens map=1,queues=2`` (or the View menu) puts the window on the first and
floats the queue and chart docks onto the second, one above the other, filling
it. Screens are counted from 1, in Qt's order (the primary screen first on X11).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDockWidget

SPEC = re.compile(r"^\s*map\s*=\s*(\d+)\s*,\s*queues\s*=\s*(\d+)\s*$")


def parse_screens(text: str) -> tuple[int, int]:
    """``map=1,queues=2`` → ``(1, 2)``; ValueError with a sentence otherwise."""
    match = SPEC.match(text)
    if match is None:
        raise ValueError(f"expected map=N,queues=M (screens counted from 1), not {text!r}")
    first, second = int(match.group(1)), int(match.group(2))
    if first < 1 or second < 1:
        raise ValueError("screens are counted from 1")
    return first, second


def stacked_rects(area: QRect, count: int) -> list[QRect]:
    """``count`` rectangles one above the other filling ``area`` (the first gets 60 %)."""
    if count == 1:
        return [QRect(area)]
    first = int(area.height() * 0.6)
    rest = (area.height() - first) // (count - 1)
    rects = [QRect(area.x(), area.y(), area.width(), first)]
    for i in range(count - 1):
        rects.append(QRect(area.x(), area.y() + first + i * rest, area.width(), rest))
    return rects


def place_docks(docks: list[QDockWidget], area: QRect) -> None:
    """Float ``docks`` and lay them out over ``area`` (another screen's available geometry)."""
    for dock, rect in zip(docks, stacked_rects(area, len(docks)), strict=True):
        dock.show()
        dock.setFloating(True)
        dock.setGeometry(rect)
