"""Tiles served to the page through our own URL scheme: MBTiles files and tile servers.

An isolated network may have no tile server at all; a tile package copied onto
the PC is enough. MBTiles stores rows in TMS order (y counted from the south),
Leaflet asks in XYZ order (y from the north), so y is flipped here.

An intranet tile server is fetched here too, by Qt's network stack, not by the
page: the page may load images from its own origin and this scheme only, so a
script in it can send nothing out by asking for an "image".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, QUrl
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from gridcommand.maps.basemap import MBTILES_SCHEME
from gridcommand.maps.origin import declare_page_scheme

MIME = {"png": b"image/png", "jpg": b"image/jpeg", "jpeg": b"image/jpeg", "webp": b"image/webp"}
#: A tile is a few tens of kilobytes; anything far larger is not a tile.
MAX_TILE_BYTES = 4 * 1024 * 1024
TILE_TIMEOUT_MS = 10_000


def register_scheme() -> None:
    """Declare our schemes (tiles, the page's own); Qt accepts this only before the QApplication.

    Without it the handler still answers, but Chromium warns and treats the
    scheme as an unknown one; call this early in ``main`` when possible.
    """
    if QCoreApplication.instance() is not None:
        return  # too late: Qt would refuse; the handler still works unregistered
    declare_page_scheme()
    if QWebEngineUrlScheme.schemeByName(QByteArray(MBTILES_SCHEME.encode())).name():
        return
    scheme = QWebEngineUrlScheme(QByteArray(MBTILES_SCHEME.encode()))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Path)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def read_tile(path: str | Path, z: int, x: int, y: int) -> tuple[bytes, bytes] | None:
    """(data, mime type) of the XYZ tile, or None when the package does not hold it."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        row = conn.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, (1 << z) - 1 - y),
        ).fetchone()
        if row is None:
            return None
        fmt = conn.execute("SELECT value FROM metadata WHERE name='format'").fetchone()
    data = bytes(row[0])
    mime = MIME.get(fmt[0].lower() if fmt else "", b"")
    if not mime:
        mime = b"image/jpeg" if data[:3] == b"\xff\xd8\xff" else b"image/png"
    return data, mime


class MBTilesHandler(QWebEngineUrlSchemeHandler):
    """Answers ``gcmbtiles://tiles/<key>/<z>/<x>/<y>`` from the file registered under key,
    and ``gcmbtiles://xyz/<key>/<z>/<x>/<y>`` from the tile server registered under key."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.files: dict[str, str] = {}
        self.templates: dict[str, str] = {}
        self.served = 0
        self.fetched = 0
        self._network: QNetworkAccessManager | None = None

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        parts = url.path().strip("/").split("/")
        if url.host() == "xyz":
            self._fetch(job, parts)
            return
        try:
            key, z, x, y = parts[-4], int(parts[-3]), int(parts[-2]), int(parts[-1].split(".")[0])
            path = self.files[key]
            tile = read_tile(path, z, x, y)
        except (IndexError, ValueError, KeyError, sqlite3.Error):
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        if tile is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data, mime = tile
        buffer = QBuffer(job)  # lives as long as the job that reads it
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.served += 1
        job.reply(QByteArray(mime), buffer)

    # -- a tile server, fetched by Qt on the page's behalf ---------------------------------
    def _fetch(self, job: QWebEngineUrlRequestJob, parts: list[str]) -> None:
        try:
            key, z, x, y = parts[0], int(parts[1]), int(parts[2]), int(parts[3])
            template = self.templates[key]
        except (IndexError, ValueError, KeyError):
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        if not (0 <= z <= 30 and 0 <= x < (1 << z) and 0 <= y < (1 << z)):
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        target = QUrl(template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y)))
        if target.scheme() not in ("http", "https"):
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        if self._network is None:
            self._network = QNetworkAccessManager(self)
        request = QNetworkRequest(target)
        request.setTransferTimeout(TILE_TIMEOUT_MS)
        reply = self._network.get(request)
        # The page may drop the tile (it scrolled away) before the server answers.
        job.destroyed.connect(reply.abort)
        reply.finished.connect(lambda: self._deliver(job, reply))

    def _deliver(self, job: QWebEngineUrlRequestJob, reply: QNetworkReply) -> None:
        reply.deleteLater()
        if not shiboken6.isValid(job):
            return
        job.destroyed.disconnect(reply.abort)
        header = reply.header(QNetworkRequest.KnownHeaders.ContentTypeHeader)
        kind = str(header).encode("latin-1", "replace") if header else b""
        data = bytes(reply.read(MAX_TILE_BYTES + 1).data())
        if reply.error() != QNetworkReply.NetworkError.NoError or len(data) > MAX_TILE_BYTES:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        mime = kind.split(b";")[0].strip().lower()
        if not mime.startswith(b"image/"):
            mime = b"image/jpeg" if data[:3] == b"\xff\xd8\xff" else b"image/png"
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.fetched += 1
        job.reply(QByteArray(mime), buffer)


def handler_for(profile: QWebEngineProfile) -> MBTilesHandler:
    """The profile's MBTiles handler, installed on first use (a scheme takes one handler)."""
    existing = profile.urlSchemeHandler(QByteArray(MBTILES_SCHEME.encode()))
    if isinstance(existing, MBTilesHandler):
        return existing
    handler = MBTilesHandler(profile)
    profile.installUrlSchemeHandler(QByteArray(MBTILES_SCHEME.encode()), handler)
    return handler
