"""Basemaps: an offline MBTiles package through the URL scheme, and a GCJ-02 tile server."""

from __future__ import annotations

import http.server
import sqlite3
import struct
import threading
import zlib
from pathlib import Path

import pytest

from gridcommand.db.gis.coords import wgs84_to_gcj02
from gridcommand.maps.basemap import Basemap
from gridcommand.maps.tiles import read_tile
from tests.maps.conftest import counts, js
from tests.maps.factory import city


def _png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A solid-colour PNG written by hand, so the fixture needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def make_mbtiles(path: Path) -> Path:
    """z=1 holds one tile: XYZ (1, 1, 0), the north-east quarter, stored as TMS row 1."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        conn.execute(
            "CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)"
        )
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("name", "t")])
        conn.execute("INSERT INTO tiles VALUES (1, 1, 1, ?)", (_png((0x33, 0x55, 0x77)),))
    return path


def test_read_tile_flips_y(tmp_path):
    path = make_mbtiles(tmp_path / "t.mbtiles")
    tile = read_tile(path, 1, 1, 0)
    assert tile is not None and tile[1] == b"image/png" and tile[0][:4] == b"\x89PNG"
    assert read_tile(path, 1, 1, 1) is None  # the south-east quarter is not in the package


def test_mbtiles_tile_served_to_page(qtbot, panel, tmp_path, interceptor):
    path = make_mbtiles(tmp_path / "t.mbtiles")
    panel.set_basemap(Basemap.mbtiles(path, max_zoom=1))
    js(qtbot, panel, "gridmap.map().setView([40, 90], 1, {animate: false}) && 1")
    qtbot.waitUntil(lambda: panel.tiles.served >= 1, timeout=5000)
    loaded = "document.querySelectorAll('.leaflet-tile-loaded').length"
    qtbot.waitUntil(lambda: js(qtbot, panel, loaded) >= 1, timeout=5000)
    assert not [u for u in interceptor.urls if u.startswith(("http:", "https:"))]


def test_gcj02_basemap_moves_points_onto_its_streets(qtbot, panel, store):
    panel.on_store_changed(store.apply(city(grids=4, tickets=2)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 2, timeout=5000)
    t = store.tickets[1]
    before = js(qtbot, panel, "gridmap.alert(1)")
    assert (before["lat"], before["lng"]) == (pytest.approx(t.lat), pytest.approx(t.lon))
    panel.set_basemap(Basemap.xyz("http://tiles.intranet/{z}/{x}/{y}.png", crs="GCJ-02"))
    lng, lat = wgs84_to_gcj02(t.lon, t.lat)
    qtbot.waitUntil(
        lambda: js(qtbot, panel, "gridmap.alert(1)")["lng"] == pytest.approx(lng, abs=1e-6),
        timeout=5000,
    )
    after = js(qtbot, panel, "gridmap.alert(1)")
    assert after["lat"] == pytest.approx(lat, abs=1e-6)
    assert counts(qtbot, panel)["grids"] == 4  # the grids were moved, not duplicated


def test_basemap_config_is_checked():
    assert Basemap().data_crs == "WGS84"
    assert Basemap.xyz("http://t/{z}/{x}/{y}.png", crs="BD09").data_crs == "BD09"
    with pytest.raises(ValueError):
        Basemap("xyz", "", "WGS84")
    with pytest.raises(ValueError):
        Basemap.xyz("http://t/{z}/{x}/{y}.png", crs="EPSG:3857")


def test_tile_server_is_fetched_by_qt_not_by_the_page(qtbot, panel, interceptor):
    """An intranet tile server still draws, though the page may load no remote image."""
    tile = _png((0x55, 0x33, 0x77))
    asked: list[str] = []

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        template = f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        panel.set_basemap(Basemap.xyz(template, max_zoom=1))
        js(qtbot, panel, "gridmap.map().setView([40, 90], 1, {animate: false}) && 1")
        loaded = "document.querySelectorAll('.leaflet-tile-loaded').length"
        qtbot.waitUntil(lambda: js(qtbot, panel, loaded) >= 1, timeout=10000)
    finally:
        server.shutdown()
        server.server_close()
    assert "/1/1/0.png" in asked and panel.tiles.fetched >= 1
    assert not [u for u in interceptor.urls if u.startswith(("http:", "https:"))]
    assert [u for u in interceptor.urls if u.startswith("gcmbtiles://xyz/")]
