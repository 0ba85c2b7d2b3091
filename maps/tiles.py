"""Offline tiles: an MBTiles file (SQLite) served to the page through a URL scheme.

An isolated network may have no tile server at all; a tile package copied onto
the PC is enough. MBTiles stores rows in TMS order (y counted from the south),
Leaflet asks in XYZ order (y from the north), so y is flipped here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from gridcommand.maps.basemap import MBTILES_SCHEME
from gridcommand.maps.origin import declare_page_scheme

MIME = {"png": b"image/png", "jpg": b"image/jpeg", "jpeg": b"image/jpeg", "webp": b"image/webp"}


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
    """Answers ``gcmbtiles://tiles/<key>/<z>/<x>/<y>`` from the file registered under key."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.files: dict[str, str] = {}
        self.served = 0

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        parts = job.requestUrl().path().strip("/").split("/")
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


def handler_for(profile: QWebEngineProfile) -> MBTilesHandler:
    """The profile's MBTiles handler, installed on first use (a scheme takes one handler)."""
    existing = profile.urlSchemeHandler(QByteArray(MBTILES_SCHEME.encode()))
    if isinstance(existing, MBTilesHandler):
        return existing
    handler = MBTilesHandler(profile)
    profile.installUrlSchemeHandler(QByteArray(MBTILES_SCHEME.encode()), handler)
    return handler
