"""A page that forwards the map's JavaScript console to Python logging.

A JavaScript error otherwise disappears silently inside Chromium; in the log it
points straight at a broken diff or a missing file.
"""

from __future__ import annotations

import logging

from PySide6.QtWebEngineCore import QWebEnginePage

log = logging.getLogger("gridcommand.maps.js")
_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.DEBUG,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
}


class LoggingPage(QWebEnginePage):
    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        log.log(
            _LEVELS.get(level, logging.INFO), "%s:%d %s", source.rsplit("/", 1)[-1], line, message
        )
