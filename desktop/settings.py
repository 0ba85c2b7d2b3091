"""Per-user settings (window layout, basemap, language) through QSettings."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "gridcommand"
APPLICATION = "gridcommand"


def settings() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)
