"""A panel under a line that belongs to it (a filter bar, a replay heading), edge to edge."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget


def stacked(top: QWidget, main: QWidget) -> QWidget:
    """``top`` at its own height, ``main`` taking the rest, no margins or spacing."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(top)
    layout.addWidget(main, 1)
    return box
