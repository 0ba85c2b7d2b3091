"""What a widget shows on screen: the window's backing store, not a fresh rendering.

``QWidget.grab()`` renders the widget again from its model, so it shows new text even
where nothing asked for a repaint; a test of "the screen follows" reads the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractItemView


def shown_cell(view: QAbstractItemView, row: int, column: int) -> QImage:
    """The top half of a cell as the screen has it (enough to hold its text)."""
    rect: QRect = view.visualRect(view.model().index(row, column))
    at = view.viewport().mapTo(view.window(), rect.topLeft())
    window = view.window()
    return (
        window.screen()
        .grabWindow(window.winId(), at.x(), at.y(), rect.width(), 1 + rect.height() // 2)
        .toImage()
    )
