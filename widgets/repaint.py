"""Repainting only what follows the clock: each cell painted is a few Python calls."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QTableView


def repaint_column(view: QTableView, column: int) -> None:
    """Ask for a repaint of ``column``'s cells on screen (nothing if it is scrolled off)."""
    viewport = view.viewport()
    x = view.columnViewportPosition(column)
    if x >= 0:
        viewport.update(QRect(x, 0, view.columnWidth(column), viewport.height()))
