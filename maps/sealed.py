"""A page that can only be itself: no other page, window, download, file or network.

Whatever runs in the map page (a bug in a script, text that was meant to be shown
and somehow ran) must not be able to read local files, send anything out, or load
another document that would then get the channel to Python. The page's own
Content-Security-Policy (``maps/page.py``) is the first wall; this is the second,
enforced by Qt whatever the page says.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineDownloadRequest,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
)

from gridcommand.maps.console import LoggingPage
from gridcommand.maps.emit import emit

log = logging.getLogger(__name__)
Attr = QWebEngineSettings.WebAttribute
NavigationType = QWebEnginePage.NavigationType

#: Off: the page (served from its own scheme) must reach neither local files nor the network.
#: Set in this order: on PySide6 6.12 setting the first also changes the second.
SETTINGS_OFF = (
    Attr.LocalContentCanAccessRemoteUrls,
    Attr.LocalContentCanAccessFileUrls,
    Attr.JavascriptCanOpenWindows,
    Attr.JavascriptCanAccessClipboard,
    Attr.JavascriptCanPaste,
    Attr.AllowRunningInsecureContent,
    Attr.AllowGeolocationOnInsecureOrigins,
    Attr.PluginsEnabled,
    Attr.PdfViewerEnabled,
    Attr.NavigateOnDropEnabled,
    Attr.FullScreenSupportEnabled,
    Attr.ScreenCaptureEnabled,
)
#: The application itself loads the page (``load``), and reloads it after a crash.
OWN_LOADS = (NavigationType.NavigationTypeTyped, NavigationType.NavigationTypeReload)


def _without_fragment(url: QUrl) -> str:
    return url.toString().split("#", 1)[0]


class SealedPage(LoggingPage):
    """Shows ``home`` and nothing else; every other navigation is refused and logged.

    ``home_loading`` says that the page really starts again; ``loadStarted`` also
    fires for a navigation that is then refused, and a bridge reset on it would
    wait for ever for a page that never comes (the map stopped updating).
    """

    home_loading = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = ""  # set by the owner before the first load
        self.refused: list[str] = []
        settings = self.settings()
        for attribute in SETTINGS_OFF:
            settings.setAttribute(attribute, False)
        settings.setAttribute(Attr.WebRTCPublicInterfacesOnly, True)
        _refuse_downloads(self.profile())

    def acceptNavigationRequest(
        self, url: QUrl | str, type: QWebEnginePage.NavigationType, isMainFrame: bool
    ) -> bool:
        target = _without_fragment(QUrl(url))
        if isMainFrame and type in OWN_LOADS and target == self.home:
            emit(self.home_loading)
            return True
        self.refused.append(target)
        log.warning("the map page tried to open %s; refused", target[:200])
        return False

    # Qt takes a null page as "no window"; PySide's stub does not say so.
    def createWindow(  # type: ignore[override]
        self, type: QWebEnginePage.WebWindowType
    ) -> QWebEnginePage | None:
        self.refused.append(f"window:{type.name}")
        log.warning("the map page tried to open a window; refused")
        return None


def _refuse_downloads(profile: QWebEngineProfile) -> None:
    """No download is ever accepted; once per profile (the default one is shared)."""
    if profile.property("gridcommand_downloads_refused"):
        return
    profile.setProperty("gridcommand_downloads_refused", True)
    profile.downloadRequested.connect(_cancel_download)


def _cancel_download(download: QWebEngineDownloadRequest) -> None:
    log.warning("the map page tried to download %s; refused", download.url().toDisplayString())
    download.cancel()
