"""The page's own origin: ``gcmap://page/``, served from the page's folder by Qt.

A page loaded from ``file://`` can load its own scripts only while local content
may read every local file (``LocalContentCanAccessFileUrls``), and its policy's
'self' then means every file on the disk. Served from a scheme of its own
instead, the page is one origin with nothing else in it: the handler answers
only for the files in the page's folder, and only to GET. The policy travels in
the page's first ``<meta>``: PySide6 6.11 garbles ``setAdditionalResponseHeaders``
(each byte of the value became a directive).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

PAGE_SCHEME = "gcmap"
PAGE_HOST = "page"
MIME = {
    ".html": b"text/html",
    ".js": b"text/javascript",
    ".css": b"text/css",
    ".png": b"image/png",
    ".svg": b"image/svg+xml",
    ".otf": b"font/otf",
    ".ttf": b"font/ttf",
    ".woff": b"font/woff",
    ".woff2": b"font/woff2",
}


def declare_page_scheme() -> None:
    """Declare ``gcmap`` a secure scheme with hosts; only possible before the QApplication."""
    if QCoreApplication.instance() is not None:
        return
    name = QByteArray(PAGE_SCHEME.encode())
    if QWebEngineUrlScheme.schemeByName(name).name():
        return
    scheme = QWebEngineUrlScheme(name)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)


def page_url(index: Path) -> QUrl:
    return QUrl(f"{PAGE_SCHEME}://{PAGE_HOST}/{index.name}")


class PageHandler(QWebEngineUrlSchemeHandler):
    """Answers ``gcmap://page/<file>`` from one folder, and nothing else."""

    def __init__(self, index: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = index.parent.resolve()
        self.refused: list[str] = []

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        path = self._file(url)
        if path is None or bytes(job.requestMethod().data()) != b"GET":
            self.refused.append(url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        buffer = QBuffer(job)  # lives as long as the job that reads it
        buffer.setData(QByteArray(path.read_bytes()))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(MIME[path.suffix.lower()]), buffer)

    def _file(self, url: QUrl) -> Path | None:
        if url.host() != PAGE_HOST:
            return None
        path = (self.folder / url.path().lstrip("/")).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        return path if path.suffix.lower() in MIME else None


def serve_page(profile: QWebEngineProfile, index: Path) -> QUrl:
    """Install the page's handler on ``profile`` (once) and give the page's URL."""
    name = QByteArray(PAGE_SCHEME.encode())
    existing = profile.urlSchemeHandler(name)
    if not (isinstance(existing, PageHandler) and existing.folder == index.parent.resolve()):
        if existing is not None:
            profile.removeUrlSchemeHandler(existing)
        profile.installUrlSchemeHandler(name, PageHandler(index, profile))
    return page_url(index)
