"""The window's look: one dark, high-contrast theme beside the dark map, sized for the screen.

The map page is dark; light-grey docks beside it dazzle on a wall screen and make
the map look dim. Every dock gets the same dark palette here, in one place: a
QPalette, a small stylesheet for what the palette cannot say (table headers, the
dock titles), and a text size.

Text size follows the screen, not a pixel count: an operator 3 m from a 1080p wall
needs table text of at least 24 px, and a 4K wall must look like the 1080p one,
only sharper. So the size is computed from the screen's logical height (Qt's
device-independent pixels: a 4K screen at 200 % reports 1080, one at 100 %
reports 2160 and gets twice the pixels). At a desk (operator mode) the text is
the desktop's usual size, scaled the same way.

The colours come from the one palette, :data:`gridcommand.resources.palette.PANEL_THEME`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QScreen
from PySide6.QtWidgets import QApplication

from gridcommand.resources.palette import PANEL_THEME

BACKGROUND = PANEL_THEME["background"]
PANEL = PANEL_THEME["panel"]
ALTERNATE = PANEL_THEME["alternate"]
RAISED = PANEL_THEME["raised"]
BORDER = PANEL_THEME["border"]
TEXT = PANEL_THEME["text"]
MUTED = PANEL_THEME["muted"]
ACCENT = PANEL_THEME["accent"]
SELECTION = PANEL_THEME["selection"]

#: Table text at 1080p, in pixels: readable from 3 m on the wall, comfortable at a desk.
WALL_TEXT_PX = 24
DESK_TEXT_PX = 14
REFERENCE_HEIGHT = 1080


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes for one screen and one mode."""

    text: int
    heading: int
    banner: int

    @property
    def row(self) -> int:
        return int(self.text * 1.6)


def screen_scale(screen: QScreen | None) -> float:
    """How much bigger than a 1080p screen this one is, in logical pixels (never below 1)."""
    if screen is None:
        return 1.0
    height = screen.geometry().height()
    return max(1.0, height / REFERENCE_HEIGHT)


def sizes_for(screen: QScreen | None, wall: bool) -> Sizes:
    """Text sizes for ``screen``: 24 px at 1080p on the wall, 48 px at 4K of 100 %."""
    base = WALL_TEXT_PX if wall else DESK_TEXT_PX
    scale = screen_scale(screen) if wall else min(screen_scale(screen), 2.0)
    text = round(base * scale)
    return Sizes(text=text, heading=round(text * 1.15), banner=round(text * 1.5))


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, PANEL),
        (roles.WindowText, TEXT),
        (roles.Base, BACKGROUND),
        (roles.AlternateBase, ALTERNATE),
        (roles.Text, TEXT),
        (roles.Button, RAISED),
        (roles.ButtonText, TEXT),
        (roles.BrightText, "#ffffff"),
        (roles.ToolTipBase, RAISED),
        (roles.ToolTipText, TEXT),
        (roles.PlaceholderText, MUTED),
        (roles.Highlight, SELECTION),
        (roles.HighlightedText, "#ffffff"),
        (roles.Link, ACCENT),
        (roles.Mid, BORDER),
        (roles.Dark, BACKGROUND),
        (roles.Light, RAISED),
    ):
        palette.setColor(role, QColor(colour))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(MUTED))
    return palette


def stylesheet(sizes: Sizes) -> str:
    """What the palette cannot say: headers, dock titles, tabs, row height."""
    return f"""
QWidget {{ font-size: {sizes.text}px; }}
QMainWindow::separator {{ background: {BORDER}; width: 4px; height: 4px; }}
QDockWidget {{ color: {TEXT}; font-size: {sizes.heading}px; font-weight: bold; }}
QDockWidget::title {{ background: {RAISED}; padding: 4px 8px; }}
QHeaderView::section {{ background: {RAISED}; color: {TEXT}; border: 0;
    border-right: 1px solid {BORDER}; padding: 2px 6px; font-weight: bold; }}
QTableView {{ gridline-color: {BORDER}; selection-background-color: {SELECTION}; }}
QTabBar::tab {{ background: {PANEL}; color: {MUTED}; padding: 4px 10px;
    border: 1px solid {BORDER}; border-bottom: 0; }}
QTabBar::tab:selected {{ background: {RAISED}; color: {TEXT}; font-weight: bold; }}
QToolTip {{ background: {RAISED}; color: {TEXT}; border: 1px solid {BORDER}; }}
QStatusBar {{ background: {BACKGROUND}; color: {TEXT}; }}
QMenuBar {{ background: {PANEL}; color: {TEXT}; }}
QMenu::item:selected {{ background: {SELECTION}; }}
QLineEdit, QComboBox {{ background: {BACKGROUND}; color: {TEXT};
    border: 1px solid {BORDER}; padding: 2px 4px; }}
QPushButton {{ background: {RAISED}; color: {TEXT}; border: 1px solid {BORDER};
    padding: 4px 10px; }}
QPushButton:disabled {{ color: {MUTED}; }}
"""


def apply(app: QApplication, screen: QScreen | None, wall: bool) -> Sizes:
    """Give the whole application the dark theme and text sized for ``screen``."""
    sizes = sizes_for(screen, wall)
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    font = QFont(app.font())
    font.setPixelSize(sizes.text)
    app.setFont(font)
    app.setStyleSheet(stylesheet(sizes))
    app.setProperty("gridcommand_text_px", sizes.text)
    return sizes


def primary_screen() -> QScreen | None:
    return QGuiApplication.primaryScreen()
