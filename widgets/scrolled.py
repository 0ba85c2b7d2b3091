"""A panel that scrolls when its dock is shorter than the panel needs.

A tall panel gives way to the docks beside it instead of squeezing them. A panel's
minimum height is a demand on the whole window: the grid drill-down (its
figures, its cases, a trend with room for ten lines of text) asked more than a 720p
screen's left dock had, and the main window grew past the bottom of the screen,
taking the status line and the charts with it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class ScrollPanel(QScrollArea):
    """``panel`` in a frameless scroll area that passes its text size on."""

    def __init__(self, panel: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.setWidget(panel)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def set_text_size(self, pixels: int) -> None:
        """The theme's text size reaches the panel inside (``MainWindow.set_panel``)."""
        set_size = getattr(self.panel, "set_text_size", None)
        if callable(set_size):
            set_size(pixels)
